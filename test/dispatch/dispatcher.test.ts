import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { NO_END_MS, type Alert } from '../../src/alert/alert.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import type { RouteConfig } from '../../src/config/types.js';
import { AlertStore } from '../../src/store/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { CapturingStage } from '../support/capturing-stage.js';
import { makeAlert } from '../support/alerts.js';
import { routeConfig } from '../support/route-config.js';

const S = 1000;
const MIN = 60 * S;
const logger = pino({ level: 'silent' });

function setup(root: RouteConfig = routeConfig({ receiver: 'default', groupBy: ['alertname'] })) {
  const clock = new FakeClock();
  const t0 = clock.nowMs();
  const store = new AlertStore({ clock });
  const stage = new CapturingStage();
  const dispatcher = new Dispatcher({ alerts: store, route: buildRouteTree(root), stage, clock, logger });
  dispatcher.start();
  /** Puts an alert as the API would: received now, firing until `endsInMs` from now unless resolved. */
  const put = (labels: Record<string, string>, opts: { startsAtMs?: number; endsAtMs?: number } = {}): Alert => {
    const now = clock.nowMs();
    const a = makeAlert({ labels, startsAtMs: opts.startsAtMs ?? now, endsAtMs: opts.endsAtMs ?? now + 5 * MIN, updatedAtMs: now, timeout: opts.endsAtMs === undefined });
    store.put([a]);
    return a;
  };
  return { clock, t0, store, stage, dispatcher, put };
}

test('dispatcher: first flush of a new group comes after group_wait, with the flush context filled in', async () => {
  const { clock, t0, stage, put } = setup(routeConfig({ receiver: 'team-x', groupBy: ['alertname'], groupWaitMs: 30 * S, repeatIntervalMs: 2 * 3600 * S }));
  put({ alertname: 'A', instance: 'i1' });
  await clock.advance(30 * S - 1);
  assert.equal(stage.calls.length, 0);
  await clock.advance(1);
  assert.equal(stage.calls.length, 1);
  const { ctx, alerts } = stage.calls[0]!;
  assert.equal(ctx.groupKey, '{}:{alertname="A"}');
  assert.deepEqual(ctx.groupLabels, { alertname: 'A' });
  assert.equal(ctx.receiverName, 'team-x');
  assert.equal(ctx.repeatIntervalMs, 2 * 3600 * S);
  assert.equal(ctx.nowMs, t0 + 30 * S);
  assert.equal(ctx.signal.aborted, false);
  assert.deepEqual(alerts.map((a) => a.labels), [{ alertname: 'A', instance: 'i1' }]);
});

test('dispatcher: alerts arriving during group_wait join the first flush', async () => {
  const { clock, stage, put } = setup();
  put({ alertname: 'A', instance: 'i1' });
  await clock.advance(10 * S);
  put({ alertname: 'A', instance: 'i2' });
  await clock.advance(20 * S);
  assert.deepEqual(stage.calls.map((c) => c.alerts.map((a) => a.labels['instance'])), [['i1', 'i2']]);
});

test('dispatcher: a new alert in a group that already flushed waits for the next group_interval', async () => {
  const { clock, t0, stage, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: 5 * MIN }));
  put({ alertname: 'A', instance: 'i1' });
  await clock.advance(40 * S);
  assert.equal(stage.calls.length, 1);
  // Even an alert that started long ago does not cut the interval short once the group has flushed.
  put({ alertname: 'A', instance: 'i2' }, { startsAtMs: t0 - 60 * MIN });
  await clock.advance(30 * S + 5 * MIN - 40 * S - 1);
  assert.equal(stage.calls.length, 1);
  await clock.advance(1);
  assert.equal(stage.calls.length, 2);
  assert.equal(stage.calls[1]!.ctx.nowMs, t0 + 30 * S + 5 * MIN);
  assert.deepEqual(stage.calls[1]!.alerts.map((a) => a.labels['instance']), ['i1', 'i2']);
});

test('dispatcher: flushes every group_interval while the group holds alerts', async () => {
  const { clock, t0, stage, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 10 * S, groupIntervalMs: MIN }));
  put({ alertname: 'A' }, { endsAtMs: t0 + 60 * MIN });
  await clock.advance(10 * S + 3 * MIN);
  assert.deepEqual(stage.calls.map((c) => c.ctx.nowMs - t0), [10 * S, 10 * S + MIN, 10 * S + 2 * MIN, 10 * S + 3 * MIN]);
});

test('dispatcher: an alert that started more than group_wait ago flushes a new group at once', async () => {
  const { clock, t0, stage, put } = setup();
  put({ alertname: 'Old' }, { startsAtMs: t0 - 31 * S });
  await clock.advance(0);
  assert.equal(stage.calls.length, 1);
  assert.equal(stage.calls[0]!.ctx.nowMs, t0);
});

test('dispatcher: an alert that started exactly group_wait ago still waits (strictly older only)', async () => {
  const { clock, t0, stage, put } = setup();
  put({ alertname: 'Edge' }, { startsAtMs: t0 - 30 * S });
  await clock.advance(30 * S - 1);
  assert.equal(stage.calls.length, 0);
  await clock.advance(1);
  assert.equal(stage.calls.length, 1);
});

test('dispatcher: firing alerts are flushed without end time, resolved ones with it', async () => {
  const { clock, t0, stage, put } = setup();
  put({ alertname: 'A', instance: 'firing' }, { endsAtMs: t0 + 10 * MIN });
  put({ alertname: 'A', instance: 'resolved' }, { endsAtMs: t0 + 5 * S });
  await clock.advance(30 * S);
  const byInstance = Object.fromEntries(stage.calls[0]!.alerts.map((a) => [a.labels['instance'], a.endsAtMs]));
  assert.deepEqual(byInstance, { firing: NO_END_MS, resolved: t0 + 5 * S });
});

test('dispatcher: resolved alerts are notified, then dropped, and the empty group is removed', async () => {
  const { clock, t0, stage, dispatcher, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: MIN }));
  put({ alertname: 'A', instance: 'i1' });
  put({ alertname: 'A', instance: 'i2' });
  await clock.advance(30 * S);
  assert.equal(dispatcher.aggregationGroupCount(), 1);
  put({ alertname: 'A', instance: 'i1' }, { endsAtMs: clock.nowMs() });
  await clock.advance(MIN);
  assert.deepEqual(stage.calls[1]!.alerts.map((a) => [a.labels['instance'], a.endsAtMs]), [['i1', t0 + 30 * S], ['i2', NO_END_MS]]);
  assert.deepEqual(dispatcher.groups()[0]!.alerts.map((a) => a.labels['instance']), ['i2'], 'i1 dropped after its resolved notification');

  put({ alertname: 'A', instance: 'i2' }, { endsAtMs: clock.nowMs() });
  await clock.advance(MIN);
  assert.equal(stage.calls.length, 3);
  assert.equal(dispatcher.aggregationGroupCount(), 0);
  assert.deepEqual(dispatcher.groups(), []);
  await clock.advance(10 * MIN);
  assert.equal(stage.calls.length, 3, 'a removed group flushes no more');

  put({ alertname: 'A', instance: 'i3' });
  assert.equal(dispatcher.aggregationGroupCount(), 1, 'the next alert starts a fresh group');
  await clock.advance(30 * S);
  assert.equal(stage.calls.length, 4);
});

test('dispatcher: a failed flush keeps resolved alerts for the next attempt', async () => {
  const { clock, stage, dispatcher, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: MIN }));
  put({ alertname: 'A' }, { endsAtMs: clock.nowMs() + 10 * S });
  stage.fail = new Error('receiver down');
  await clock.advance(30 * S);
  assert.equal(stage.calls.length, 1);
  assert.equal(dispatcher.aggregationGroupCount(), 1);
  stage.fail = undefined;
  await clock.advance(MIN);
  assert.equal(stage.calls.length, 2);
  assert.equal(stage.calls[1]!.alerts[0]!.labels['alertname'], 'A');
  assert.equal(dispatcher.aggregationGroupCount(), 0);
});

test('dispatcher: a resolved alert updated while its notification was in flight is kept', async () => {
  const { clock, stage, dispatcher, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: MIN }));
  put({ alertname: 'A' }, { endsAtMs: clock.nowMs() + 10 * S });
  const release = stage.hold();
  await clock.advance(30 * S);
  assert.equal(stage.calls.length, 1);
  // It fires again while the resolved notification is being sent.
  await clock.advance(1 * S);
  put({ alertname: 'A' }, { startsAtMs: clock.nowMs() });
  release();
  await clock.advance(0);
  assert.equal(dispatcher.aggregationGroupCount(), 1);
  assert.equal(dispatcher.groups()[0]!.alerts[0]!.endsAtMs, clock.nowMs() + 5 * MIN);
});

test('dispatcher: a flush still running when the next is due delays it until it ends', async () => {
  const { clock, t0, stage, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: MIN }));
  put({ alertname: 'A' }, { endsAtMs: t0 + 60 * MIN });
  const release = stage.hold();
  await clock.advance(30 * S + MIN + 5 * S);
  assert.equal(stage.calls.length, 1, 'second tick waits for the first flush');
  release();
  await clock.advance(0);
  assert.equal(stage.calls.length, 2);
  assert.equal(stage.calls[1]!.ctx.nowMs, t0 + 30 * S + MIN + 5 * S);
  await clock.advance(MIN - 1);
  assert.equal(stage.calls.length, 2);
  await clock.advance(1);
  assert.equal(stage.calls.length, 3, 'the interval restarts from the delayed flush');
});

test('dispatcher: a flush is aborted once group_interval (at least 10s) has passed', async () => {
  const { clock, stage, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 1 * S, groupIntervalMs: 2 * S }));
  put({ alertname: 'A' });
  stage.hold();
  await clock.advance(1 * S);
  const { signal } = stage.calls[0]!.ctx;
  await clock.advance(10 * S - 1);
  assert.equal(signal.aborted, false);
  await clock.advance(1);
  assert.equal(signal.aborted, true);
});

test('dispatcher: group_by splits alerts into groups by those labels only', async () => {
  const { clock, stage, dispatcher, put } = setup(routeConfig({ receiver: 'r', groupBy: ['alertname', 'cluster'] }));
  put({ alertname: 'A', cluster: 'c1', instance: 'i1' });
  put({ alertname: 'A', cluster: 'c1', instance: 'i2' });
  put({ alertname: 'A', cluster: 'c2', instance: 'i1' });
  put({ alertname: 'B', instance: 'i1' });
  assert.equal(dispatcher.aggregationGroupCount(), 3);
  await clock.advance(30 * S);
  const byKey = Object.fromEntries(stage.calls.map((c) => [c.ctx.groupKey, c.alerts.length]));
  assert.deepEqual(byKey, { '{}:{alertname="A", cluster="c1"}': 2, '{}:{alertname="A", cluster="c2"}': 1, '{}:{alertname="B"}': 1 });
});

test('dispatcher: group_by "..." groups by every label', async () => {
  const { dispatcher, put } = setup(routeConfig({ receiver: 'r', groupByAll: true }));
  put({ alertname: 'A', instance: 'i1' });
  put({ alertname: 'A', instance: 'i2' });
  assert.deepEqual(dispatcher.groups().map((g) => g.labels), [{ alertname: 'A', instance: 'i1' }, { alertname: 'A', instance: 'i2' }]);
});

test('dispatcher: a route with continue puts the alert into a group of each matching route', async () => {
  const root = routeConfig({
    receiver: 'default',
    groupBy: ['alertname'],
    routes: [
      routeConfig({ matchers: '{team="a"}', receiver: 'team-a', continue: true }),
      routeConfig({ matchers: '{severity="page"}', receiver: 'pager', groupWaitMs: 5 * S }),
    ],
  });
  const { clock, stage, dispatcher, put } = setup(root);
  put({ alertname: 'A', team: 'a', severity: 'page' });
  assert.equal(dispatcher.aggregationGroupCount(), 2);
  assert.deepEqual(
    dispatcher.groups().map((g) => [g.receiver, g.groupKey, g.routeId]),
    [
      ['pager', '{}/{severity="page"}:{alertname="A"}', '{}/{severity="page"}/1'],
      ['team-a', '{}/{team="a"}:{alertname="A"}', '{}/{team="a"}/0'],
    ],
  );
  await clock.advance(5 * S);
  assert.deepEqual(stage.calls.map((c) => c.ctx.receiverName), ['pager'], 'each group keeps its own group_wait');
  await clock.advance(25 * S);
  assert.deepEqual(stage.calls.map((c) => c.ctx.receiverName), ['pager', 'team-a']);
});

test('dispatcher: alerts are flushed in Alertmanager order (job, instance, then labels)', async () => {
  const { clock, stage, put } = setup(routeConfig({ receiver: 'r' }));
  put({ alertname: 'Z' });
  put({ alertname: 'Y', instance: 'b' });
  put({ alertname: 'X', job: 'b' });
  put({ alertname: 'W', job: 'a', instance: 'z' });
  put({ alertname: 'V', job: 'a', instance: 'y' });
  put({ alertname: 'U', instance: 'a' });
  await clock.advance(30 * S);
  assert.deepEqual(stage.names(), [['V', 'W', 'X', 'U', 'Y', 'Z']]);
});

test('dispatcher: start routes alerts the store already holds', async () => {
  const clock = new FakeClock();
  const store = new AlertStore({ clock });
  store.put([makeAlert({ labels: { alertname: 'Held' }, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + MIN })]);
  const stage = new CapturingStage();
  const dispatcher = new Dispatcher({ alerts: store, route: buildRouteTree(routeConfig({ receiver: 'r' })), stage, clock, logger });
  dispatcher.start();
  assert.equal(dispatcher.aggregationGroupCount(), 1);
  await clock.advance(30 * S);
  assert.deepEqual(stage.names(), [['Held']]);
});

test('dispatcher: stop cancels every timer, aborts the running flush and ignores later alerts', async () => {
  const { clock, stage, dispatcher, put } = setup();
  put({ alertname: 'A' });
  put({ alertname: 'B' });
  const release = stage.hold();
  await clock.advance(30 * S);
  const running = stage.calls[0]!.ctx.signal;
  const stopped = dispatcher.stop();
  assert.equal(running.aborted, true);
  release();
  await stopped;
  const callsAtStop = stage.calls.length;
  put({ alertname: 'C' });
  await clock.advance(60 * MIN);
  assert.equal(stage.calls.length, callsAtStop);
  assert.equal(dispatcher.aggregationGroupCount(), 0);
  assert.deepEqual(clock.pendingDueTimes(), []);
});

test('dispatcher: heldFingerprints lists resolved alerts still waiting for their notification', async () => {
  const { clock, store, dispatcher, put } = setup();
  const a = put({ alertname: 'A' }, { endsAtMs: clock.nowMs() + 1 * S });
  await clock.advance(2 * S);
  // Resolved in the store, but its group has not flushed yet.
  assert.ok(dispatcher.heldFingerprints().has(a.fingerprint));
  assert.deepEqual(store.gc(clock.nowMs(), { retain: (x) => dispatcher.heldFingerprints().has(x.fingerprint) }), []);
  await clock.advance(30 * S);
  assert.equal(dispatcher.heldFingerprints().has(a.fingerprint), false);
  assert.equal(store.gc(clock.nowMs()).length, 1);
});
