// New alert databases use 16 KiB pages (cheaper random-key upserts); a file made with SQLite's
// default 4 KiB pages keeps them and works as before.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { FakeClock } from '../support/fake-clock.js';

function pageSize(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

test('sqlite persistence: a new alerts database gets 16 KiB pages', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-pages-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'alerts.db');
  const p = new SqliteAlertPersistence({ path, clock: new FakeClock() });
  p.saveBatch([makeAlert({ labels: { alertname: 'A' }, startsAtMs: 1_000 })]);
  await p.close();
  assert.equal(pageSize(path), 16384);
});

test('sqlite persistence: an existing database with 4 KiB pages keeps them, and its alerts load', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-pages-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'alerts.db');
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  old.exec('CREATE TABLE alerts (fingerprint TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at_ms INTEGER NOT NULL)');
  old.close();
  const first = new SqliteAlertPersistence({ path, clock: new FakeClock() });
  const alert = makeAlert({ labels: { alertname: 'Kept' }, startsAtMs: 1_000 });
  first.saveBatch([alert]);
  await first.close();
  assert.equal(pageSize(path), 4096);
  const again = new SqliteAlertPersistence({ path, clock: new FakeClock() });
  t.after(() => again.close());
  assert.deepEqual(again.loadAll(), [alert]);
});
