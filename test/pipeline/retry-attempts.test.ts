// What the retry stage reports per attempt: the NotifyAttempt records (notification history)
// and one log line per attempt with the receiver, integration, group, attempt and outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotifyError } from '../../src/notify/notifier.js';
import { retryStage, type NotifyAttempt } from '../../src/pipeline/retry.js';
import { createLogger } from '../../src/util/log.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { FakeClock } from '../support/fake-clock.js';
import { flushContext } from '../support/flush-context.js';
import { makeAlert } from '../support/alerts.js';

function setup(sendResolved = true) {
  const clock = new FakeClock();
  const notifier = new CapturingNotifier('webhook', 2, sendResolved, () => clock.nowMs());
  const attempts: NotifyAttempt[] = [];
  const notifications: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const stage = retryStage({
    notifier,
    clock,
    random: () => 0.5,
    onAttempt: (a) => attempts.push(a),
    metrics: { notificationDone: (i, ok) => notifications.push(`${i}:${ok}`) },
  });
  const ctx = flushContext({
    nowMs: clock.nowMs(),
    groupKey: '{}:{alertname="A"}',
    receiverName: 'team-a',
    logger: logger.child({ aggrGroup: '{}:{alertname="A"}' }),
  });
  const firing = makeAlert({ labels: { alertname: 'A', n: '1' }, startsAtMs: clock.nowMs() - 60_000 });
  const resolved = makeAlert({ labels: { alertname: 'A', n: '2' }, startsAtMs: clock.nowMs() - 60_000, endsAtMs: clock.nowMs() - 1 });
  return { clock, notifier, stage, ctx, firing, resolved, attempts, lines, notifications };
}

test('retry attempts: each attempt is reported with its number, outcome, error and the alerts sent', async () => {
  const { clock, notifier, stage, ctx, firing, resolved, attempts } = setup();
  const t0 = clock.nowMs();
  notifier.failWith(new NotifyError('unexpected status code 503', { retryable: true }));
  const done = stage.exec(ctx, [firing, resolved]);
  await clock.advance(500);
  await done;
  assert.deepEqual(
    attempts.map(({ latencyMs, ...rest }) => {
      assert.ok(latencyMs >= 0 && latencyMs < 1000, `latency ${latencyMs}`);
      return rest;
    }),
    [
      {
        receiver: 'team-a', groupKey: '{}:{alertname="A"}', integration: 'webhook', index: 2, attempt: 1,
        fingerprints: [firing.fingerprint, resolved.fingerprint], firing: 1, atMs: t0, outcome: 'retry', error: 'unexpected status code 503',
      },
      {
        receiver: 'team-a', groupKey: '{}:{alertname="A"}', integration: 'webhook', index: 2, attempt: 2,
        fingerprints: [firing.fingerprint, resolved.fingerprint], firing: 1, atMs: t0 + 500, outcome: 'success',
      },
    ],
  );
});

test('retry attempts: a non-retryable failure is reported as failed and logged at error level', async () => {
  const { notifier, stage, ctx, firing, attempts, lines } = setup();
  notifier.failWith(new NotifyError('unexpected status code 400', { retryable: false }));
  await assert.rejects(stage.exec(ctx, [firing]));
  assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome, a.error]), [[1, 'failed', 'unexpected status code 400']]);
  const line = lines.find((l) => l['outcome'] === 'failed');
  assert.ok(line, JSON.stringify(lines));
  assert.equal(line['level'], 'error');
  assert.equal(line['receiver'], 'team-a');
  assert.equal(line['integration'], 'webhook[2]');
  assert.equal(line['aggrGroup'], '{}:{alertname="A"}');
  assert.equal(line['attempt'], 1);
  assert.match(JSON.stringify(line['err']), /unexpected status code 400/);
  assert.equal(typeof line['latencyMs'], 'number');
});

test('retry attempts: one log line per attempt — warn for a retry, info for the success', async () => {
  const { clock, notifier, stage, ctx, firing, lines } = setup();
  notifier.failWith(new NotifyError('connection refused', { retryable: true }));
  const done = stage.exec(ctx, [firing]);
  await clock.advance(500);
  await done;
  const perAttempt = lines.filter((l) => 'attempt' in l).map((l) => [l['level'], l['attempt'], l['outcome'], l['numAlerts']]);
  assert.deepEqual(perAttempt, [
    ['warn', 1, 'retry', 1],
    ['info', 2, 'success', 1],
  ]);
});

test('retry attempts: nothing to send (resolved only, no send_resolved) counts as a successful notification without an attempt', async () => {
  const { stage, ctx, resolved, attempts, notifications, notifier } = setup(false);
  await stage.exec(ctx, [resolved]);
  assert.equal(notifier.attempts, 0);
  assert.deepEqual(attempts, []);
  assert.deepEqual(notifications, ['webhook:true'], 'as Alertmanager, alertmanager_notifications_total counts it');
});
