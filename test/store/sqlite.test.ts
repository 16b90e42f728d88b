import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AlertStore } from '../../src/store/alerts.js';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeAlert } from '../support/alerts.js';

const MIN = 60_000;

type Cleanup = { after(fn: () => void | Promise<void>): void };

function tempDb(t: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'sub', 'alerts.db');
}

function open(t: Cleanup, options: ConstructorParameters<typeof SqliteAlertPersistence>[0]): SqliteAlertPersistence {
  const p = new SqliteAlertPersistence(options);
  t.after(() => p.close());
  return p;
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

const byFp = (x: { fingerprint: string }, y: { fingerprint: string }) => (x.fingerprint < y.fingerprint ? -1 : 1);

test('sqlite persistence: alerts survive close and reopen exactly', async (t) => {
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
  new AlertStore({ clock, persistence: p1 }).put([a, b]);
  await p1.close();

  const s2 = new AlertStore({ clock, persistence: open(t, { path, clock }) });
  assert.deepEqual(s2.list().sort(byFp), [a, b].sort(byFp));
});

test('sqlite persistence: nothing is written on the request path; after the flush interval one batch lands', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock, flushIntervalMs: 200 });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  const alerts = [1, 2, 3].map((i) => makeAlert({ labels: { alertname: `A${i}` }, startsAtMs: now, endsAtMs: now + MIN }));
  for (const a of alerts) store.put([a]);

  assert.equal(p.pendingCount, 3);
  await clock.advance(199);
  assert.equal(p.pendingCount, 3, 'still coalescing');
  await clock.advance(1);
  assert.equal(p.pendingCount, 0, 'handed to the writer at 200ms');
  await p.drain();
  assert.deepEqual(rowsOnDisk(path), alerts.map((a) => a.fingerprint).sort());
});

test('sqlite persistence: reaching maxPending hands a batch over without waiting for the timer', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock, flushIntervalMs: 10_000, maxPending: 2 });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: now })]);
  assert.equal(p.pendingCount, 1);
  store.put([makeAlert({ labels: { alertname: 'B' }, startsAtMs: now })]);
  assert.equal(p.pendingCount, 0);
  await p.drain();
  assert.equal(rowsOnDisk(path).length, 2);
});

test('sqlite persistence: repeated puts of one alert coalesce to its latest version', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  for (let i = 0; i < 10; i++) {
    store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: now, endsAtMs: now + (i + 1) * MIN, updatedAtMs: now + i, annotations: { i: String(i) } })]);
  }
  assert.equal(p.pendingCount, 1);
  await p.close();
  const loaded = open(t, { path, clock }).loadAll();
  assert.equal(loaded.length, 1);
  assert.equal(loaded[0]!.annotations['i'], '9');
  assert.equal(loaded[0]!.endsAtMs, now + 10 * MIN);
});

test('sqlite persistence: loadAll includes changes not yet committed', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock });
  const now = clock.nowMs();
  const a = makeAlert({ labels: { alertname: 'A' }, startsAtMs: now });
  const b = makeAlert({ labels: { alertname: 'B' }, startsAtMs: now });
  p.saveBatch([a, b]);
  await p.drain();
  p.saveBatch([{ ...a, annotations: { v: 'in flight' } }]);
  p.flush(); // handed to the writer, maybe not committed yet
  p.deleteBatch([b.fingerprint]); // still pending
  assert.deepEqual(p.loadAll(), [{ ...a, annotations: { v: 'in flight' } }]);
  await p.drain();
  assert.deepEqual(rowsOnDisk(path), [a.fingerprint]);
});

test('sqlite persistence: gc deletes collected alerts from the file', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  const firing = makeAlert({ labels: { alertname: 'Firing' }, startsAtMs: now, endsAtMs: now + 5 * MIN });
  const resolved = makeAlert({ labels: { alertname: 'Resolved' }, startsAtMs: now - 5 * MIN, endsAtMs: now - MIN });
  store.put([firing, resolved]);
  await p.drain();
  assert.equal(rowsOnDisk(path).length, 2);
  store.gc(now);
  await p.close();
  assert.deepEqual(rowsOnDisk(path), [firing.fingerprint]);
});

test('sqlite persistence: saving after close is an error naming the file', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  await p.close();
  assert.throws(() => p.saveBatch([makeAlert({ labels: { a: 'b' }, startsAtMs: 0 })]), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'storage_failed');
    assert.match(err.message, /alerts\.db.*closed/);
    return true;
  });
});

test('sqlite persistence: when the writer thread dies, what was handed to it is written by a new one', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock, flushIntervalMs: 50 });
  const now = clock.nowMs();
  p.saveBatch([makeAlert({ labels: { alertname: 'Warmup' }, startsAtMs: now })]);
  await p.drain();
  const a = makeAlert({ labels: { alertname: 'HandedOver' }, startsAtMs: now });
  p.saveBatch([a]);
  p.flush();
  // Killed right after the hand-over: the batch may or may not have been committed.
  const writer = (p as unknown as { worker: Worker }).worker;
  // An idle writer does not hold the process open; hold it while the test waits for the exit.
  const keepAlive = setInterval(() => {}, 1000);
  const exited = once(writer, 'exit');
  await writer.terminate();
  await exited;
  clearInterval(keepAlive);
  await clock.advance(50);
  await p.drain();
  assert.deepEqual(rowsOnDisk(path).includes(a.fingerprint), true);
  const b = makeAlert({ labels: { alertname: 'Later' }, startsAtMs: now });
  p.saveBatch([b]);
  await p.drain();
  assert.deepEqual(rowsOnDisk(path).includes(b.fingerprint), true, 'later writes go to the new writer');
});

test('sqlite persistence: while two batches are being written, further changes wait and coalesce', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock });
  const now = clock.nowMs();
  const version = (v: number) => makeAlert({ labels: { alertname: 'A' }, startsAtMs: now, updatedAtMs: now + v, annotations: { v: String(v) } });
  for (const v of [1, 2, 3, 4]) {
    p.saveBatch([version(v)]);
    p.flush();
  }
  // Versions 1 and 2 went to the writer; 3 was replaced by 4 before it could go.
  assert.equal(p.pendingCount, 1);
  assert.deepEqual(p.loadAll().map((a) => a.annotations['v']), ['4']);
  await p.drain();
  assert.equal(p.pendingCount, 0);
  const reader = new Database(path, { readonly: true });
  t.after(() => reader.close());
  const row = reader.prepare('SELECT body FROM alerts').get() as { body: string };
  assert.equal((JSON.parse(row.body) as { annotations: { v: string } }).annotations.v, '4');
});
