// Differential test: one scripted alert history, given to the real Alertmanager 0.25 and to our
// store + dispatcher + notify pipeline (on a FakeClock), produces the same notifications — same
// group keys, same alerts as firing or resolved, in the same order, after about the same waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { isResolved } from '../../src/alert/alert.js';
import { decodePostableAlerts, prepareAlerts } from '../../src/api/v2/postable.js';
import { loadConfigString } from '../../src/config/load.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { buildPipeline } from '../../src/pipeline/build.js';
import { AlertStore } from '../../src/store/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager, startWebhookSink } from '../support/real-alertmanager.js';

const alertmanager = requireOracle('alertmanager');

const config = (url: string) => `
global:
  resolve_timeout: 5m
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - receiver: hook
      matchers: ['alertname="Old"']
      group_wait: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${url}/hook
        send_resolved: true
`;

/** A step posts alerts (times as offsets from the step's own now) and expects one notification. */
interface Step {
  readonly name: string;
  readonly alerts: ReadonlyArray<{ labels: Record<string, string>; startOffsetMs?: number; endOffsetMs?: number }>;
}

const MIN = 60_000;
const STEPS: Step[] = [
  { name: 'first alert, after group_wait', alerts: [{ labels: { alertname: 'Seq', instance: 'a' } }] },
  { name: 'second alert, at the next group_interval', alerts: [{ labels: { alertname: 'Seq', instance: 'b' } }] },
  { name: 'first resolves', alerts: [{ labels: { alertname: 'Seq', instance: 'a' }, startOffsetMs: -MIN, endOffsetMs: 0 }] },
  { name: 'second resolves', alerts: [{ labels: { alertname: 'Seq', instance: 'b' }, startOffsetMs: -MIN, endOffsetMs: 0 }] },
  { name: 'an alert older than a 1h group_wait flushes its new group at once', alerts: [{ labels: { alertname: 'Old', instance: 'x' }, startOffsetMs: -2 * 3600_000 }] },
];

interface Seen {
  readonly groupKey: string;
  /** `instance:status` of each alert, in payload order. */
  readonly alerts: readonly string[];
  /** From the post to the notification's arrival. */
  readonly waitedMs: number;
}

function toApi(step: Step, nowMs: number): object[] {
  return step.alerts.map((a) => ({
    labels: a.labels,
    ...(a.startOffsetMs === undefined ? {} : { startsAt: new Date(nowMs + a.startOffsetMs).toISOString() }),
    ...(a.endOffsetMs === undefined ? {} : { endsAt: new Date(nowMs + a.endOffsetMs).toISOString() }),
  }));
}

async function runAlertmanager(t: { after(fn: () => void | Promise<void>): void }): Promise<Seen[]> {
  const sink = await startWebhookSink(t);
  const am = await startAlertmanager(t, alertmanager!, config(sink.url));
  const seen: Seen[] = [];
  for (const [i, step] of STEPS.entries()) {
    const postedAt = Date.now();
    await am.postAlerts(toApi(step, postedAt));
    await sink.waitFor(i + 1, 15_000);
    const { message, atMs } = sink.received[i]!;
    seen.push({ groupKey: message.groupKey, alerts: message.alerts.map((a) => `${a.labels['instance']}:${a.status}`), waitedMs: atMs - postedAt });
  }
  return seen;
}

async function runOurs(t: { after(fn: () => void | Promise<void>): void }): Promise<Seen[]> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-notify-oracle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = loadConfigString(config('http://127.0.0.1:1'));
  const clock = new FakeClock(Date.now());
  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  t.after(() => nflog.close());
  const hook = new CapturingNotifier('webhook', 0, cfg.receivers[0]!.webhookConfigs[0]!.sendResolved, () => clock.nowMs());
  const store = new AlertStore({ clock });
  const stage = buildPipeline({ receivers: new Map([['hook', [hook]]]), timeIntervals: cfg.timeIntervals, nflog, clock });
  const dispatcher = new Dispatcher({ alerts: store, route: buildRouteTree(cfg.route), stage, clock, logger: pino({ level: 'silent' }) });
  dispatcher.start();
  t.after(() => dispatcher.stop());
  const seen: Seen[] = [];
  for (const [i, step] of STEPS.entries()) {
    const postedAt = clock.nowMs();
    const prepared = prepareAlerts(decodePostableAlerts(JSON.stringify(toApi(step, postedAt))), { nowMs: postedAt, resolveTimeoutMs: cfg.global.resolveTimeoutMs });
    store.put(prepared.valid);
    await clock.advance(0);
    while (hook.sent.length <= i && clock.nowMs() - postedAt < 15_000) await clock.advance(50);
    const sent = hook.sent[i];
    assert.ok(sent, `ours: no notification for step "${step.name}"`);
    seen.push({
      groupKey: sent.groupKey,
      alerts: sent.alerts.map((a) => `${a.labels['instance']}:${isResolved(a, sent.atMs) ? 'resolved' : 'firing'}`),
      waitedMs: sent.atMs - postedAt,
    });
  }
  return seen;
}

test('compat: notification sequence and timing equal Alertmanager (group_wait, group_interval, resolved, old alerts)', { skip: !alertmanager && missingOracleReason('alertmanager'), timeout: 90_000 }, async (t) => {
  const [theirs, ours] = await Promise.all([runAlertmanager(t), runOurs(t)]);
  for (const [i, step] of STEPS.entries()) {
    const a = theirs[i]!;
    const b = ours[i]!;
    assert.equal(b.groupKey, a.groupKey, `${step.name}: group key`);
    assert.deepEqual(b.alerts, a.alerts, `${step.name}: alerts`);
    // Alertmanager's ticks run on its own clock since its group started; ours on the FakeClock.
    assert.ok(Math.abs(b.waitedMs - a.waitedMs) < 400, `${step.name}: waited ${b.waitedMs}ms, Alertmanager ${a.waitedMs}ms`);
  }
});
