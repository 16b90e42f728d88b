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
import { decodePostedBody } from '../../src/api/v2/postable.js';
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

/** What another process would load from the file right now (committed changes only). */
function rowsOnDisk(path: string): string[] {
  const reader = new SqliteAlertPersistence({ path, clock: new FakeClock(), decodeBody: decodePostedBody });
  try {
    return reader.loadAll().map((a) => a.fingerprint).sort();
  } finally {
    void reader.close();
  }
}

function journalRows(path: string): { seq: number; kind: string }[] {
  return journalRowsWithBodies(path).map(({ seq, kind }) => ({ seq, kind }));
}

function journalRowsWithBodies(path: string): { seq: number; kind: string; body: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT seq, kind, body FROM journal ORDER BY seq').all() as { seq: number; kind: string; body: string }[];
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

test('sqlite persistence: after repeated puts of one alert, its latest version loads', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  const store = new AlertStore({ clock, persistence: p });
  const now = clock.nowMs();
  for (let i = 0; i < 10; i++) {
    store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: now, endsAtMs: now + (i + 1) * MIN, updatedAtMs: now + i, annotations: { i: String(i) } })]);
  }
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

test('sqlite persistence: while two batches are being written, further changes wait, and a newer version of an alert replaces the waiting one', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock });
  const now = clock.nowMs();
  const version = (v: number) => makeAlert({ labels: { alertname: 'A' }, startsAtMs: now, updatedAtMs: now + v, annotations: { v: String(v) } });
  for (const v of [1, 2, 3, 4]) {
    p.saveBatch([version(v)]);
    p.flush();
  }
  // Versions 1 and 2 went to the writer; 3 waited and was replaced by 4 (an empty entry keeps its place).
  assert.equal(p.pendingCount, 2);
  assert.deepEqual(p.loadAll().map((a) => a.annotations['v']), ['4']);
  await p.drain();
  assert.equal(p.pendingCount, 0);
  assert.deepEqual(journalRows(path).map((r) => r.kind), ['set', 'set', 'set', 'set']);
  const reader = open(t, { path, clock });
  assert.deepEqual(reader.loadAll().map((a) => a.annotations['v']), ['4']);
});

test('sqlite persistence: batches handed to the writer hold about 64 KiB of entries at most, two at a time', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock, decodeBody: decodePostedBody, flushIntervalMs: 10_000 });
  const store = new AlertStore({ clock, persistence: p });
  for (let i = 0; i < 10; i++) {
    const x = posted(clock.nowMs(), [{ labels: { alertname: `A${i}` }, annotations: { pad: 'x'.repeat(20 * 1024) } }]);
    store.put(x.alerts, { posted: x.posted });
  }
  // ~20 KiB bodies: a batch goes once 64 KiB are pending, with 4 bodies; two such batches are
  // with the writer, and the last two bodies wait for one of them.
  assert.equal(p.pendingCount, 2);
  await p.drain();
  assert.equal(journalRows(path).length, 10);
  const again = open(t, { path, clock, decodeBody: decodePostedBody });
  assert.deepEqual(again.loadAll().sort(byFp), store.list().sort(byFp));
});

test('sqlite persistence: a large POST body is recorded as the alerts it stored, which coalesce', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock, decodeBody: decodePostedBody, flushIntervalMs: 10_000 });
  const store = new AlertStore({ clock, persistence: p });
  for (let i = 0; i < 5; i++) {
    const big = posted(clock.nowMs() + i, [{ labels: { alertname: 'Big' }, annotations: { blob: String(i).repeat(300 * 1024) } }]);
    store.put(big.alerts, { posted: big.posted });
  }
  const small = posted(clock.nowMs(), [{ labels: { alertname: 'Small' } }]);
  store.put(small.alerts, { posted: small.posted });
  // One 'set' per big put. Each is a batch at once by its size: the first two went to the writer,
  // the next three wait, the older two of them emptied. The small body waits as it arrived.
  assert.equal(p.pendingCount, 4);
  assert.deepEqual(
    p.loadAll().map((a) => a.annotations['blob']?.slice(0, 1)).sort(),
    ['4', undefined].sort(),
  );
  await p.drain();
  const rows = journalRowsWithBodies(path);
  assert.deepEqual(rows.map((r) => r.kind), ['set', 'set', 'set', 'set', 'set', 'post']);
  assert.deepEqual(rows.map((r) => r.body.length > 300 * 1024), [true, true, false, false, true, false]);
  const again = open(t, { path, clock, decodeBody: decodePostedBody });
  const loaded = again.loadAll().sort(byFp);
  assert.deepEqual(loaded, store.list().sort(byFp));
  assert.equal(loaded.find((a) => a.labels['alertname'] === 'Big')!.annotations['blob']!.slice(0, 1), '4');
});

/** A POST body as Prometheus sends it, and what the API made of it at `nowMs`. */
function posted(nowMs: number, alerts: { labels: Record<string, string>; endsAt?: string; annotations?: Record<string, string> }[]) {
  const p = { body: JSON.stringify(alerts), nowMs, resolveTimeoutMs: 5 * MIN };
  return { posted: p, alerts: decodePostedBody(p) };
}

test('sqlite persistence: a POST body is recorded as it arrived, and replaying it rebuilds the merged alerts', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock, decodeBody: decodePostedBody });
  const store = new AlertStore({ clock, persistence: p });
  const t0 = clock.nowMs();
  const first = posted(t0, [{ labels: { alertname: 'Down', job: 'a' }, annotations: { v: '1' } }, { labels: { alertname: 'Up', env: '' } }]);
  store.put(first.alerts, { posted: first.posted });
  // The same alert again later: merged (start kept, end and annotations from the newer one).
  const second = posted(t0 + MIN, [{ labels: { alertname: 'Down', job: 'a' }, annotations: { v: '2' } }]);
  store.put(second.alerts, { posted: second.posted });
  const held = store.list().sort(byFp);
  await p.close();

  assert.deepEqual(journalRows(path).map((r) => r.kind), ['post', 'post']);
  const again = new AlertStore({ clock, persistence: open(t, { path, clock, decodeBody: decodePostedBody }) });
  assert.deepEqual(again.list().sort(byFp), held);
  const down = held.find((a) => a.labels['alertname'] === 'Down')!;
  assert.equal(down.startsAtMs, t0);
  assert.equal(down.annotations['v'], '2');
  assert.equal(down.endsAtMs, t0 + MIN + 5 * MIN);
});

test('sqlite persistence: a journal with POST bodies and no decoder is an error naming the file', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock, decodeBody: decodePostedBody });
  const store = new AlertStore({ clock, persistence: p });
  const x = posted(clock.nowMs(), [{ labels: { alertname: 'A' } }]);
  store.put(x.alerts, { posted: x.posted });
  await p.close();
  const reader = open(t, { path, clock });
  assert.throws(() => reader.loadAll(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'storage_failed');
    assert.match(err.message, /journal entry 1 of ".*alerts\.db".*POST body.*no decoder/);
    return true;
  });
});

test('sqlite persistence: a recorded body that no longer decodes is skipped; everything else loads', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock, decodeBody: decodePostedBody });
  const store = new AlertStore({ clock, persistence: p });
  const a = posted(clock.nowMs(), [{ labels: { alertname: 'A' } }]);
  store.put(a.alerts, { posted: a.posted });
  await p.close();
  const db = new Database(path);
  db.prepare("INSERT INTO journal (seq, kind, body, now_ms, resolve_timeout_ms) VALUES (2, 'post', '{not json', 0, 0)").run();
  db.close();
  const b = posted(clock.nowMs(), [{ labels: { alertname: 'B' } }]);
  const again = open(t, { path, clock, decodeBody: decodePostedBody });
  const store2 = new AlertStore({ clock, persistence: again });
  store2.put(b.alerts, { posted: b.posted });
  assert.deepEqual(store2.list().map((x) => x.labels['alertname']).sort(), ['A', 'B']);
  await again.drain();
  assert.deepEqual(rowsOnDisk(path), [...a.alerts, ...b.alerts].map((x) => x.fingerprint).sort());
});

test('sqlite persistence: a snapshot replaces the journal it covers; later entries stay and replay on top', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock, decodeBody: decodePostedBody });
  const store = new AlertStore({ clock, persistence: p });
  const t0 = clock.nowMs();
  for (let i = 0; i < 5; i++) {
    const x = posted(t0 + i, [{ labels: { alertname: `A${i}` } }, { labels: { alertname: 'Same' }, annotations: { i: String(i) } }]);
    store.put(x.alerts, { posted: x.posted });
  }
  const snapshot = p.snapshot();
  // Changes while the snapshot is written are not in it: they stay in the journal.
  const later = posted(t0 + 10, [{ labels: { alertname: 'Later' } }]);
  store.put(later.alerts, { posted: later.posted });
  store.gc(t0 + 10, { retain: (a) => a.labels['alertname'] !== 'A0' }); // nothing resolved: keeps all
  await snapshot;
  await p.drain();
  assert.deepEqual(journalRows(path), [{ seq: 6, kind: 'post' }]);
  const held = store.list().sort(byFp);
  await p.close();

  const again = new AlertStore({ clock, persistence: open(t, { path, clock, decodeBody: decodePostedBody }) });
  assert.deepEqual(again.list().sort(byFp), held);
  assert.equal(held.length, 7);
  assert.equal(held.find((a) => a.labels['alertname'] === 'Same')!.annotations['i'], '4');
});

test('sqlite persistence: once the journal outgrows its allowance a snapshot is written by itself', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = open(t, { path, clock, decodeBody: decodePostedBody, compactAfterBytes: 2000 });
  const store = new AlertStore({ clock, persistence: p });
  const t0 = clock.nowMs();
  for (let i = 0; i < 40; i++) {
    const x = posted(t0, [{ labels: { alertname: 'Repeated', instance: `host-${i % 2}` }, annotations: { summary: 'x'.repeat(100) } }]);
    store.put(x.alerts, { posted: x.posted });
  }
  await p.drain();
  const rows = journalRows(path);
  assert.ok(rows.length < 40, `journal compacted (${rows.length} entries left of 40)`);
  assert.deepEqual(rowsOnDisk(path), store.list().map((a) => a.fingerprint).sort());
});

test('sqlite persistence: a snapshot left half-written by a killed writer is dropped; the old state loads', async (t) => {
  const path = tempDb(t);
  const clock = new FakeClock();
  const p = new SqliteAlertPersistence({ path, clock });
  const a = makeAlert({ labels: { alertname: 'A' }, startsAtMs: clock.nowMs() });
  p.saveBatch([a]);
  await p.close();
  const db = new Database(path);
  db.exec('CREATE TABLE alerts_next (fingerprint TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at_ms INTEGER NOT NULL)');
  db.prepare('INSERT INTO alerts_next VALUES (?, ?, ?)').run('junk', '{}', 0);
  db.close();
  const again = open(t, { path, clock });
  again.startWriter();
  assert.deepEqual(again.loadAll(), [a]);
  again.saveBatch([]);
  await again.drain();
  assert.deepEqual(rowsOnDisk(path), [a.fingerprint]);
});
