/**
 * A restart with the alert store and the notification log in SQLite: the new process
 * notifies what was due and nothing that was already sent. The first "process" is never
 * closed, as after kill -9; the second opens the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { NO_END_MS } from '../../src/alert/alert.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { buildPipeline } from '../../src/pipeline/build.js';
import { AlertStore } from '../../src/store/alerts.js';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import { FakeClock } from '../support/fake-clock.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { makeAlert } from '../support/alerts.js';
import { routeConfig } from '../support/route-config.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const ROUTE = routeConfig({ receiver: 'r', groupBy: ['alertname'], groupWaitMs: 30 * S, groupIntervalMs: 5 * MIN, repeatIntervalMs: H });

type Cleanup = { after(fn: () => void): void };

/** One alertrouter "process" on the data folder `dir`, its clock starting at `startMs`. */
function boot(t: Cleanup, dir: string, startMs: number) {
  const clock = new FakeClock(startMs);
  const persistence = new SqliteAlertPersistence({ path: join(dir, 'alerts.db'), clock });
  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  const webhook = new CapturingNotifier('webhook', 0, true, () => clock.nowMs());
  const store = new AlertStore({ clock, persistence });
  const stage = buildPipeline({ receivers: new Map([['r', [webhook]]]), timeIntervals: new Map(), nflog, clock });
  const dispatcher = new Dispatcher({ alerts: store, route: buildRouteTree(ROUTE), stage, clock, logger: pino({ level: 'silent' }) });
  dispatcher.start();
  t.after(async () => {
    await dispatcher.stop();
    await persistence.close();
    nflog.close();
  });
  const put = (name: string, endsAtMs = T0 + 24 * H) =>
    store.put([makeAlert({ labels: { alertname: 'Disk', instance: name }, startsAtMs: clock.nowMs(), endsAtMs, updatedAtMs: clock.nowMs() })]);
  return { clock, webhook, dispatcher, store, persistence, put };
}

function tempDir(t: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-restart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('restart: what was due before the restart is notified right after it, and nothing twice', async (t) => {
  const dir = tempDir(t);
  const first = boot(t, dir, T0);
  first.put('a');
  await first.clock.advance(30 * S);
  assert.deepEqual(first.webhook.summary(), [['Disk:f']]);
  await first.clock.advance(10 * S);
  first.put('b'); // due with the next group_interval tick at T0+5m30s
  await first.clock.advance(20 * S);
  first.put('a', first.clock.nowMs()); // resolved at T0+60s, notification also due at T0+5m30s
  await first.clock.advance(MIN);
  // The process dies at T0+2m, after the alert writer's last batch reached the file
  // (it writes every 200ms; what came in during the last interval would be lost).
  await first.persistence.drain();
  void first.dispatcher.stop();

  const second = boot(t, dir, T0 + 3 * MIN);
  assert.equal(second.store.size, 2, 'both alerts reloaded');
  await second.clock.advance(0);
  assert.equal(second.webhook.sent.length, 1, 'the overdue flush happens at once');
  assert.equal(second.webhook.sent[0]!.atMs, T0 + 3 * MIN);
  assert.deepEqual(
    second.webhook.sent[0]!.alerts.map((a) => `${a.labels['instance']}:${a.endsAtMs === NO_END_MS ? 'firing' : 'resolved'}`),
    ['a:resolved', 'b:firing'],
  );
  await second.clock.advance(30 * MIN);
  assert.equal(second.webhook.sent.length, 1, 'nothing sent again within repeat_interval');
});

test('restart: a notification sent just before the restart is not sent again, and repeat_interval still counts from it', async (t) => {
  const dir = tempDir(t);
  const first = boot(t, dir, T0);
  first.put('a');
  await first.clock.advance(30 * S);
  assert.equal(first.webhook.sent.length, 1);
  await first.clock.advance(60 * S);
  await first.persistence.drain();
  void first.dispatcher.stop();

  const second = boot(t, dir, T0 + 90 * S);
  await second.clock.advance(0);
  assert.equal(second.webhook.sent.length, 0, 'already notified before the restart');
  // Ticks at T0+1m30s + k·5m; the first one more than 1h after T0+30s is k = 12.
  await second.clock.advance(60 * MIN - 1);
  assert.equal(second.webhook.sent.length, 0);
  await second.clock.advance(1);
  assert.deepEqual(second.webhook.sent.map((s) => s.atMs), [T0 + 90 * S + 60 * MIN]);
});
