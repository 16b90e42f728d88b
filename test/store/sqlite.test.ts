import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AlertStore } from '../../src/store/alerts.js';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeAlert } from '../support/alerts.js';

const MIN = 60_000;

function tempDb(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'sub', 'alerts.db');
}

/** What another process would read from the file right now. */
function rowsOnDisk(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT fingerprint FROM alerts ORDER BY fingerprint').all() as { fingerprint: string }[]).map((r) => r.fingerprint);
  } finally {
    db.close();
  }
}

test('sqlite persistence: alerts survive close and reopen exactly', (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const now = clock.nowMs();
  const a = makeAlert({
    labels: { alertname: 'DiskFull', instance: 'db-1:9100', 'ünï': 'cödé' },
    annotations: { summary: 'disk "/" is 95% full' },
    startsAtMs: now - 3 * MIN,
    endsAtMs: now + 5 * MIN,
    updatedAtMs: now,
    timeout: true,
  });
  const b = makeAlert({ labels: { alertname: 'Down' }, startsAtMs: now - MIN, endsAtMs: now - 1 });

  const p1 = new SqliteAlertPersistence({ path, clock });
  const s1 = new AlertStore({ clock, persistence: p1 });
  s1.put([a, b]);
  p1.close();

  const p2 = new SqliteAlertPersistence({ path, clock });
  t.after(() => p2.close());
  const s2 = new AlertStore({ clock, persistence: p2 });
  const byFp = (x: { fingerprint: string }, y: { fingerprint: string }) => (x.fingerprint < y.fingerprint ? -1 : 1);
  assert.deepEqual(s2.list().sort(byFp), [a, b].sort(byFp));
});

test('sqlite persistence: writes are batched until the flush interval, then land in one go', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock, flushIntervalMs: 200 });
  t.after(() => p.close());
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  const alerts = [1, 2, 3].map((i) => makeAlert({ labels: { alertname: `A${i}` }, startsAtMs: now, endsAtMs: now + MIN }));
  for (const a of alerts) store.put([a]);

  assert.deepEqual(rowsOnDisk(path), [], 'nothing written on the request path');
  assert.equal(p.pendingCount, 3);
  await clock.advance(199);
  assert.deepEqual(rowsOnDisk(path), []);
  await clock.advance(1);
  assert.deepEqual(rowsOnDisk(path), alerts.map((a) => a.fingerprint).sort());
  assert.equal(p.pendingCount, 0);
});

test('sqlite persistence: reaching maxPending writes at once without waiting for the timer', (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock, flushIntervalMs: 10_000, maxPending: 2 });
  t.after(() => p.close());
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: now })]);
  assert.equal(rowsOnDisk(path).length, 0);
  store.put([makeAlert({ labels: { alertname: 'B' }, startsAtMs: now })]);
  assert.equal(rowsOnDisk(path).length, 2);
});

test('sqlite persistence: repeated puts of one alert coalesce to its latest version', (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  for (let i = 0; i < 10; i++) {
    store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: now, endsAtMs: now + (i + 1) * MIN, updatedAtMs: now + i, annotations: { i: String(i) } })]);
  }
  assert.equal(p.pendingCount, 1);
  p.close();
  const reopened = new SqliteAlertPersistence({ path, clock });
  t.after(() => reopened.close());
  const loaded = reopened.loadAll();
  assert.equal(loaded.length, 1);
  assert.equal(loaded[0]!.annotations['i'], '9');
  assert.equal(loaded[0]!.endsAtMs, now + 10 * MIN);
});

test('sqlite persistence: gc deletes collected alerts from the file', (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  const firing = makeAlert({ labels: { alertname: 'Firing' }, startsAtMs: now, endsAtMs: now + 5 * MIN });
  const resolved = makeAlert({ labels: { alertname: 'Resolved' }, startsAtMs: now - 5 * MIN, endsAtMs: now - MIN });
  store.put([firing, resolved]);
  p.flush();
  assert.equal(rowsOnDisk(path).length, 2);
  store.gc(now);
  p.close();
  assert.deepEqual(rowsOnDisk(path), [firing.fingerprint]);
});

test('sqlite persistence: saving after close is an error naming the file', (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  p.close();
  assert.throws(() => p.saveBatch([makeAlert({ labels: { a: 'b' }, startsAtMs: 0 })]), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'storage_failed');
    assert.match(err.message, /alerts\.db.*closed/);
    return true;
  });
});
