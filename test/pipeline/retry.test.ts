import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotifyError } from '../../src/notify/notifier.js';
import { backoffDelayMs, DEFAULT_BACKOFF, retryStage, type NotifyMetrics } from '../../src/pipeline/retry.js';
import { FakeClock } from '../support/fake-clock.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { flushContext } from '../support/flush-context.js';
import { makeAlert } from '../support/alerts.js';

const retryable = (msg: string) => new NotifyError(msg, { retryable: true });

test('backoff: grows ×1.5 from 500ms, capped at 60s, jitter spreads ±50%', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelayMs(n, 0.5)), [500, 750, 1125, 1688]);
  assert.equal(backoffDelayMs(1, 0), 250);
  assert.equal(backoffDelayMs(1, 0.999999), 750);
  assert.equal(backoffDelayMs(30, 0.5), 60_000);
  assert.equal(backoffDelayMs(30, 0), 30_000);
  assert.equal(DEFAULT_BACKOFF.maxIntervalMs, 60_000);
});

function setup(sendResolved = true) {
  const clock = new FakeClock();
  const notifier = new CapturingNotifier('webhook', 0, sendResolved, () => clock.nowMs());
  const done: string[] = [];
  const metrics: NotifyMetrics = {
    notificationDone: (i, ok) => done.push(`${i}:${ok ? 'ok' : 'failed'}`),
    requestDone: (i, ok) => done.push(`request ${i}:${ok ? 'ok' : 'failed'}`),
  };
  const stage = retryStage({ notifier, clock, random: () => 0.5, metrics });
  const controller = new AbortController();
  const stopRetrying = new AbortController();
  const ctx = flushContext({ nowMs: clock.nowMs(), signal: controller.signal, stopRetrying: stopRetrying.signal });
  const firing = makeAlert({ labels: { alertname: 'Firing' }, startsAtMs: clock.nowMs() - 60_000 });
  const resolved = makeAlert({ labels: { alertname: 'Resolved' }, startsAtMs: clock.nowMs() - 60_000, endsAtMs: clock.nowMs() - 1 });
  return { clock, notifier, stage, controller, stopRetrying, ctx, firing, resolved, done };
}

test('retry: retryable failures are retried after growing backoff waits until success', async () => {
  const { clock, notifier, stage, ctx, firing, done } = setup();
  const t0 = clock.nowMs();
  notifier.failWith(retryable('503 from receiver'), retryable('503 again'));
  let result: readonly unknown[] | undefined;
  void stage.exec(ctx, [firing]).then((r) => (result = r));
  await clock.advance(0);
  assert.equal(notifier.attempts, 1);
  await clock.advance(499);
  assert.equal(notifier.attempts, 1, 'first wait is 500ms');
  await clock.advance(1);
  assert.equal(notifier.attempts, 2);
  await clock.advance(749);
  assert.equal(notifier.attempts, 2, 'second wait is 750ms');
  await clock.advance(1);
  assert.equal(notifier.attempts, 3);
  assert.deepEqual(result, [firing]);
  assert.deepEqual(notifier.sent.map((s) => s.atMs - t0), [1250]);
  assert.deepEqual(done, ['request webhook:failed', 'request webhook:failed', 'request webhook:ok', 'webhook:ok']);
});

test('retry: a non-retryable error gives up after one attempt', async () => {
  const { notifier, stage, ctx, firing, done } = setup();
  notifier.failWith(new NotifyError('400 bad request', { retryable: false }));
  await assert.rejects(stage.exec(ctx, [firing]), (err: Error & { code: string; attempts: number }) => {
    assert.equal(err.code, 'notify_failed');
    assert.equal(err.attempts, 1);
    assert.match(err.message, /team-a\/webhook\[0\]: notify retry canceled due to unrecoverable error after 1 attempts: 400 bad request/);
    return true;
  });
  assert.equal(notifier.attempts, 1);
  assert.deepEqual(done, ['request webhook:failed', 'webhook:failed']);
});

test('retry: an error that is not a NotifyError is not retried', async () => {
  const { notifier, stage, ctx, firing } = setup();
  notifier.failWith(new TypeError('template bug'));
  await assert.rejects(stage.exec(ctx, [firing]), /unrecoverable error after 1 attempts: template bug/);
});

test('retry: aborting the flush stops retrying and reports the last error', async () => {
  const { clock, notifier, stage, ctx, controller, firing, done } = setup();
  notifier.failWith(...Array.from({ length: 100 }, (_, i) => retryable(`connection refused #${i + 1}`)));
  const outcome = stage.exec(ctx, [firing]).then(
    () => 'resolved',
    (err: Error & { code: string; attempts: number }) => err,
  );
  await clock.advance(500 + 750 + 100);
  assert.equal(notifier.attempts, 3);
  controller.abort(new Error('flush timed out'));
  const err = await outcome;
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'notify_aborted');
  assert.equal(err.attempts, 3);
  assert.match(err.message, /notify retry canceled after 3 attempts: connection refused #3/);
  assert.equal(notifier.attempts, 3, 'no attempt after the abort');
  assert.deepEqual(clock.pendingDueTimes(), [], 'backoff timer cancelled');
  assert.equal(done.at(-1), 'webhook:failed');
});

test('retry: once retries stop (graceful shutdown), a failed attempt is not retried: the stage gives up at once with its error', async () => {
  const { clock, notifier, stage, stopRetrying, ctx, firing, done } = setup();
  notifier.failWith(retryable('connection refused'), retryable('connection refused again'));
  const outcome = stage.exec(ctx, [firing]).then(
    () => 'resolved',
    (err: Error & { code: string; attempts: number }) => err,
  );
  await clock.advance(100);
  assert.equal(notifier.attempts, 1, 'waiting 500ms to retry');
  stopRetrying.abort(new Error('shutting down'));
  const err = await outcome;
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'notify_aborted');
  assert.equal(err.attempts, 1);
  assert.match(err.message, /notify retry canceled after 1 attempts: connection refused$/);
  assert.deepEqual(clock.pendingDueTimes(), [], 'backoff timer cancelled');
  assert.equal(notifier.attempts, 1);
  assert.equal(done.at(-1), 'webhook:failed');
});

test('retry: once retries stop, a flush\'s first attempt is still made; only a retry is not', async () => {
  const { notifier, stage, stopRetrying, ctx, firing } = setup();
  stopRetrying.abort(new Error('shutting down'));
  assert.deepEqual(await stage.exec(ctx, [firing]), [firing]);
  assert.equal(notifier.sent.length, 1);
  notifier.failWith(retryable('503'));
  await assert.rejects(stage.exec(ctx, [firing]), /canceled after 1 attempts: 503/);
  assert.equal(notifier.attempts, 2, 'the failed one was not retried');
});

test('retry: an already aborted flush sends nothing', async () => {
  const { notifier, stage, ctx, controller, firing } = setup();
  controller.abort(new Error('shutdown'));
  await assert.rejects(stage.exec(ctx, [firing]), /canceled after 0 attempts: shutdown/);
  assert.equal(notifier.attempts, 0);
});

test('retry: without send_resolved only firing alerts are sent', async () => {
  const { notifier, stage, ctx, firing, resolved } = setup(false);
  assert.deepEqual(await stage.exec(ctx, [firing, resolved]), [firing, resolved], 'all alerts continue (to be recorded)');
  assert.deepEqual(notifier.sent.map((s) => s.alerts), [[firing]]);
});

test('retry: without send_resolved and nothing firing, nothing is sent but the stage succeeds', async () => {
  const { notifier, stage, ctx, resolved } = setup(false);
  assert.deepEqual(await stage.exec(ctx, [resolved]), [resolved]);
  assert.equal(notifier.attempts, 0);
});

test('retry: with send_resolved resolved alerts are sent too', async () => {
  const { notifier, stage, ctx, firing, resolved } = setup(true);
  await stage.exec(ctx, [firing, resolved]);
  assert.deepEqual(notifier.sent.map((s) => s.alerts), [[firing, resolved]]);
});
