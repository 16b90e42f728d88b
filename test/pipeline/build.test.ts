/**
 * The notify pipeline as built by buildPipeline, driven by a real Dispatcher and a real
 * SQLite notification log, on a FakeClock: what reaches each integration, and when.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { RouteConfig } from '../../src/config/types.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { NotifyError } from '../../src/notify/notifier.js';
import { buildPipeline, type PipelineOptions } from '../../src/pipeline/build.js';
import type { Muter } from '../../src/pipeline/stage.js';
import { AlertStore } from '../../src/store/alerts.js';
import { AlertMarker } from '../../src/store/marker.js';
import { parseTimeInterval } from '../../src/timeinterval/timeinterval.js';
import { FakeClock } from '../support/fake-clock.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { makeAlert } from '../support/alerts.js';
import { routeConfig } from '../support/route-config.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const logger = pino({ level: 'silent' });

interface Setup {
  route?: RouteConfig;
  /** receiver name → [send_resolved per webhook integration] */
  receivers?: Record<string, boolean[]>;
  extra?: Partial<PipelineOptions>;
}

function start(t: { after(fn: () => void): void }, setup: Setup = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-pipeline-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new FakeClock();
  const t0 = clock.nowMs();
  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  t.after(() => nflog.close());
  const notifiers = new Map<string, CapturingNotifier[]>();
  for (const [name, flags] of Object.entries(setup.receivers ?? { r: [true] })) {
    notifiers.set(name, flags.map((sendResolved, i) => new CapturingNotifier('webhook', i, sendResolved, () => clock.nowMs())));
  }
  const stage = buildPipeline({ receivers: notifiers, timeIntervals: new Map(), nflog, clock, random: () => 0.5, ...setup.extra });
  const store = new AlertStore({ clock });
  const route = setup.route ?? routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: 5 * MIN, repeatIntervalMs: H });
  const dispatcher = new Dispatcher({ alerts: store, route: buildRouteTree(route), stage, clock, logger });
  dispatcher.start();
  t.after(() => dispatcher.stop());
  const put = (labels: Record<string, string>, endsAtMs = t0 + 24 * H) =>
    store.put([makeAlert({ labels, startsAtMs: clock.nowMs(), endsAtMs, updatedAtMs: clock.nowMs() })]);
  const resolve = (labels: Record<string, string>) => put(labels, clock.nowMs());
  const sentAt = (n: CapturingNotifier) => n.sent.map((s) => s.atMs - t0);
  return { clock, t0, nflog, notifiers, store, dispatcher, put, resolve, sentAt, webhook: notifiers.get('r')?.[0] };
}

test('pipeline: notifies after group_wait, not again while nothing changes, again after repeat_interval', async (t) => {
  const { clock, put, webhook, sentAt } = start(t);
  put({ alertname: 'A' });
  await clock.advance(30 * S);
  assert.deepEqual(sentAt(webhook!), [30 * S]);
  // Flushes every 5m; the last notification must be strictly more than 1h old: the 13th tick.
  await clock.advance(60 * MIN);
  assert.deepEqual(sentAt(webhook!), [30 * S]);
  await clock.advance(5 * MIN);
  assert.deepEqual(sentAt(webhook!), [30 * S, 30 * S + 65 * MIN]);
});

test('pipeline: a new alert in the group is notified at the next group_interval with the others', async (t) => {
  const { clock, put, webhook, sentAt } = start(t);
  put({ alertname: 'A', instance: '1' });
  await clock.advance(30 * S);
  await clock.advance(MIN);
  put({ alertname: 'A', instance: '2' });
  await clock.advance(4 * MIN);
  assert.deepEqual(sentAt(webhook!), [30 * S, 30 * S + 5 * MIN]);
  assert.deepEqual(webhook!.sent[1]!.alerts.map((a) => a.labels['instance']), ['1', '2']);
});

test('pipeline: with send_resolved the resolution is sent, then the group is gone', async (t) => {
  const { clock, put, resolve, webhook, dispatcher } = start(t);
  put({ alertname: 'A' });
  await clock.advance(30 * S);
  resolve({ alertname: 'A' });
  await clock.advance(5 * MIN);
  assert.deepEqual(webhook!.summary(), [['A:f'], ['A:r']]);
  assert.equal(dispatcher.aggregationGroupCount(), 0);
});

test('pipeline: without send_resolved nothing is sent for the resolution, but it is logged so a re-fire notifies', async (t) => {
  const { clock, put, resolve, nflog, notifiers } = start(t, { receivers: { r: [false] } });
  const webhook = notifiers.get('r')![0]!;
  put({ alertname: 'A' });
  await clock.advance(30 * S);
  resolve({ alertname: 'A' });
  await clock.advance(5 * MIN);
  assert.deepEqual(webhook.summary(), [['A:f']]);
  const entry = nflog.query({ receiver: 'r', integration: 'webhook', index: 0, groupKey: '{}:{alertname="A"}' });
  assert.deepEqual({ firing: entry?.firing.length, resolved: entry?.resolved.length }, { firing: 0, resolved: 1 });
  put({ alertname: 'A' });
  await clock.advance(30 * S);
  assert.deepEqual(webhook.summary(), [['A:f'], ['A:f']]);
});

test('pipeline: one integration failing does not stop the other, and only the failed one is tried again', async (t) => {
  const { clock, put, notifiers, sentAt } = start(t, { receivers: { r: [true, true] } });
  const [broken, healthy] = notifiers.get('r')! as [CapturingNotifier, CapturingNotifier];
  broken.failWith(new NotifyError('401 unauthorized', { retryable: false }));
  put({ alertname: 'A' });
  await clock.advance(30 * S);
  assert.deepEqual(sentAt(healthy), [30 * S]);
  assert.deepEqual(sentAt(broken), []);
  await clock.advance(5 * MIN);
  assert.deepEqual(sentAt(broken), [30 * S + 5 * MIN], 'not logged as sent, so the next flush sends it');
  assert.deepEqual(sentAt(healthy), [30 * S], 'logged as sent, so deduplicated');
});

test('pipeline: a retrying integration does not delay the other one', async (t) => {
  const { clock, put, notifiers, sentAt } = start(t, { receivers: { r: [true, true] } });
  const [flaky, healthy] = notifiers.get('r')! as [CapturingNotifier, CapturingNotifier];
  flaky.failWith(new NotifyError('503', { retryable: true }), new NotifyError('503', { retryable: true }));
  put({ alertname: 'A' });
  await clock.advance(30 * S);
  assert.deepEqual(sentAt(healthy), [30 * S]);
  await clock.advance(1250);
  assert.deepEqual(sentAt(flaky), [30 * S + 1250], 'sent after the 500ms and 750ms backoff waits');
});

test('pipeline: mute_time_intervals hold notifications back while they contain the flush time', async (t) => {
  // The FakeClock starts Monday 2024-01-15 12:00 UTC; muted 12:00–12:10.
  const timeIntervals = new Map([['lunch', [parseTimeInterval({ times: [{ start_time: '12:00', end_time: '12:10' }] })]]]);
  const route = routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: 5 * MIN, muteTimeIntervals: ['lunch'] });
  const { clock, put, webhook, sentAt } = start(t, { route, extra: { timeIntervals } });
  put({ alertname: 'A' });
  await clock.advance(10 * MIN);
  assert.deepEqual(sentAt(webhook!), [], 'flushes at 12:00:30 and 12:05:30 muted');
  await clock.advance(1 * MIN);
  assert.deepEqual(sentAt(webhook!), [30 * S + 10 * MIN]);
});

test('pipeline: active_time_intervals let notifications through only inside them', async (t) => {
  const timeIntervals = new Map([['afternoon', [parseTimeInterval({ times: [{ start_time: '12:06', end_time: '18:00' }] })]]]);
  const route = routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: 5 * MIN, activeTimeIntervals: ['afternoon'] });
  const { clock, put, webhook, sentAt } = start(t, { route, extra: { timeIntervals } });
  put({ alertname: 'A' });
  await clock.advance(6 * MIN);
  assert.deepEqual(sentAt(webhook!), [], '12:00:30 and 12:05:30 are outside');
  await clock.advance(5 * MIN);
  assert.deepEqual(sentAt(webhook!), [30 * S + 10 * MIN]);
});

test('pipeline: the inhibitor and silencer drop what they mute; without a silencer alerts are marked active', async (t) => {
  const marker = new AlertMarker();
  const inhibitor: Muter = { mutes: (l) => l['severity'] === 'warning' };
  const { clock, put, webhook, store } = start(t, { route: routeConfig({ receiver: 'r' }), extra: { inhibitor, marker } });
  put({ alertname: 'Critical', severity: 'critical' });
  put({ alertname: 'Warning', severity: 'warning' });
  await clock.advance(30 * S);
  assert.deepEqual(webhook!.summary(), [['Critical:f']]);
  const critical = store.list().find((a) => a.labels['alertname'] === 'Critical')!;
  assert.equal(marker.status(critical.fingerprint).state, 'active');

  const silencer: Muter = { mutes: (l) => l['alertname'] === 'Critical' };
  const second = start(t, { route: routeConfig({ receiver: 'r' }), extra: { silencer } });
  second.put({ alertname: 'Critical' });
  second.put({ alertname: 'Other' });
  await second.clock.advance(30 * S);
  assert.deepEqual(second.webhook!.summary(), [['Other:f']]);
});

test('pipeline: each receiver gets only its own groups', async (t) => {
  const route = routeConfig({
    receiver: 'default',
    groupBy: ['alertname'],
    routes: [routeConfig({ matchers: '{team="a"}', receiver: 'team-a' })],
  });
  const { clock, put, notifiers } = start(t, { route, receivers: { default: [true], 'team-a': [true] } });
  put({ alertname: 'A', team: 'a' });
  put({ alertname: 'B', team: 'b' });
  await clock.advance(30 * S);
  assert.deepEqual(notifiers.get('team-a')![0]!.summary(), [['A:f']]);
  assert.deepEqual(notifiers.get('default')![0]!.summary(), [['B:f']]);
});
