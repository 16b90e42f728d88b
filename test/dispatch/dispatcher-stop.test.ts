// Graceful stop (a flush in flight may finish within a grace period) and the group lookup
// that explain uses (group key, next flush due).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Alert } from '../../src/alert/alert.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import type { FlushContext } from '../../src/pipeline/context.js';
import type { Stage } from '../../src/pipeline/stage.js';
import { AlertStore } from '../../src/store/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeAlert } from '../support/alerts.js';
import { routeConfig } from '../support/route-config.js';

const S = 1000;

/** A stage whose flushes take `sendMs` on the clock, or end early (rejecting) when aborted. */
class SlowStage implements Stage {
  readonly finished: string[] = [];
  readonly aborted: string[] = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly sendMs: number,
  ) {}
  exec(ctx: FlushContext, alerts: readonly Alert[]): Promise<readonly Alert[]> {
    return new Promise((resolve, reject) => {
      const cancel = this.clock.setTimer(this.sendMs, () => {
        this.finished.push(ctx.groupKey);
        resolve(alerts);
      });
      ctx.signal.addEventListener('abort', () => {
        cancel();
        this.aborted.push(ctx.groupKey);
        reject(ctx.signal.reason);
      });
    });
  }
}

function setup(sendMs: number) {
  const clock = new FakeClock();
  const store = new AlertStore({ clock });
  const stage = new SlowStage(clock, sendMs);
  const route = buildRouteTree(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 10 * S, groupIntervalMs: 60 * S }));
  const dispatcher = new Dispatcher({ alerts: store, route, stage, clock, logger: pino({ level: 'silent' }) });
  dispatcher.start();
  const now = clock.nowMs();
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: now, endsAtMs: now + 3600 * S })]);
  return { clock, stage, dispatcher, route };
}

test('dispatcher stop: with a grace period a flush in flight finishes instead of being aborted', async () => {
  const { clock, stage, dispatcher } = setup(3 * S);
  await clock.advance(10 * S + 1);
  let stopped = false;
  const stopping = dispatcher.stop({ graceMs: 10 * S }).then(() => (stopped = true));
  await clock.advance(2 * S);
  assert.equal(stopped, false, 'waits for the flush');
  await clock.advance(1 * S);
  await stopping;
  assert.deepEqual(stage.finished, ['{}:{alertname="A"}']);
  assert.deepEqual(stage.aborted, []);
});

test('dispatcher stop: a flush still running when the grace period ends is aborted then', async () => {
  const { clock, stage, dispatcher } = setup(60 * S);
  await clock.advance(10 * S + 1);
  let stopped = false;
  const stopping = dispatcher.stop({ graceMs: 5 * S }).then(() => (stopped = true));
  await clock.advance(5 * S - 1);
  assert.equal(stopped, false);
  assert.deepEqual(stage.aborted, []);
  await clock.advance(1);
  await stopping;
  assert.deepEqual(stage.aborted, ['{}:{alertname="A"}']);
  assert.deepEqual(stage.finished, []);
});

test('dispatcher stop: without a grace period a running flush is aborted at once', async () => {
  const { clock, stage, dispatcher } = setup(60 * S);
  await clock.advance(10 * S + 1);
  await dispatcher.stop();
  assert.deepEqual(stage.aborted, ['{}:{alertname="A"}']);
});

test('dispatcher groupOf: the group an alert is in, with its next flush due and whether it is flushing', async () => {
  const { clock, dispatcher, route } = setup(2 * S);
  const t0 = clock.nowMs();
  let group = dispatcher.groupOf(route, { alertname: 'A', instance: 'x' });
  assert.equal(group?.groupKey, '{}:{alertname="A"}');
  assert.equal(group?.nextFlushAtMs, t0 + 10 * S, 'first flush after group_wait');
  assert.equal(group?.flushing, false);
  await clock.advance(10 * S);
  group = dispatcher.groupOf(route, { alertname: 'A' });
  assert.equal(group?.flushing, true);
  assert.equal(group?.nextFlushAtMs, t0 + 70 * S, 'then every group_interval');
  assert.equal(dispatcher.groupOf(route, { alertname: 'B' }), undefined);
  await clock.advance(2 * S);
  assert.equal(dispatcher.groupOf(route, { alertname: 'A' })?.flushing, false);
  await dispatcher.stop();
});
