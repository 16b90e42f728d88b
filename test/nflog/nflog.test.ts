import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETENTION_MS, SqliteNotificationLog, type NflogKey } from '../../src/nflog/nflog.js';
import { FakeClock } from '../support/fake-clock.js';

const H = 3600_000;
const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const key: NflogKey = { receiver: 'team-a', integration: 'webhook', index: 0, groupKey: '{}/{team="a"}:{alertname="Disk"}' };

function tempPath(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-nflog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'nflog.db');
}

function open(t: { after(fn: () => void): void }, path: string, retentionMs?: number): SqliteNotificationLog {
  const log = new SqliteNotificationLog({ path, ...(retentionMs === undefined ? {} : { retentionMs }) });
  t.after(() => log.close());
  return log;
}

test('nflog: an unknown key has no entry', (t) => {
  const log = open(t, tempPath(t));
  assert.equal(log.query(key), undefined);
});

test('nflog: log then query returns the sets, time and expiry (twice repeat interval under retention)', (t) => {
  const log = open(t, tempPath(t));
  log.log(key, { firing: ['a1', 'a2'], resolved: ['r1'], nowMs: T0, expiryMs: 8 * H });
  assert.deepEqual(log.query(key), { firing: ['a1', 'a2'], resolved: ['r1'], timestampMs: T0, expiresAtMs: T0 + 8 * H });
});

test('nflog: expiry is capped at the retention, and 0 means the retention', (t) => {
  const log = open(t, tempPath(t), 10 * H);
  log.log(key, { firing: ['a'], resolved: [], nowMs: T0, expiryMs: 48 * H });
  assert.equal(log.query(key)!.expiresAtMs, T0 + 10 * H);
  log.log(key, { firing: ['a'], resolved: [], nowMs: T0 + 1, expiryMs: 0 });
  assert.equal(log.query(key)!.expiresAtMs, T0 + 1 + 10 * H);
  assert.equal(DEFAULT_RETENTION_MS, 120 * H);
});

test('nflog: entries are keyed by receiver, integration, index and group key', (t) => {
  const log = open(t, tempPath(t));
  const variants: NflogKey[] = [
    key,
    { ...key, receiver: 'team-b' },
    { ...key, integration: 'email' },
    { ...key, index: 1 },
    { ...key, groupKey: '{}:{alertname="Disk"}' },
  ];
  variants.forEach((k, i) => log.log(k, { firing: [`f${i}`], resolved: [], nowMs: T0, expiryMs: H }));
  assert.deepEqual(variants.map((k) => log.query(k)!.firing), [['f0'], ['f1'], ['f2'], ['f3'], ['f4']]);
  assert.equal(log.size(), 5);
});

test('nflog: a later log replaces the entry, an older one does not', (t) => {
  const log = open(t, tempPath(t));
  log.log(key, { firing: ['a'], resolved: [], nowMs: T0 + 10, expiryMs: H });
  log.log(key, { firing: ['b'], resolved: [], nowMs: T0 + 5, expiryMs: H });
  assert.deepEqual(log.query(key)!.firing, ['a']);
  log.log(key, { firing: [], resolved: ['a'], nowMs: T0 + 20, expiryMs: H });
  assert.deepEqual(log.query(key), { firing: [], resolved: ['a'], timestampMs: T0 + 20, expiresAtMs: T0 + 20 + H });
});

test('nflog: every log is on disk at once: a second connection (a restarted process) sees it', (t) => {
  const path = tempPath(t);
  const writer = open(t, path);
  writer.log(key, { firing: ['a'], resolved: [], nowMs: T0, expiryMs: H });
  // No close: a killed process never gets to close.
  const reader = open(t, path);
  assert.deepEqual(reader.query(key)?.firing, ['a']);
});

test('nflog: gc removes entries expired at or before now, keeps the rest', (t) => {
  const log = open(t, tempPath(t));
  log.log(key, { firing: ['a'], resolved: [], nowMs: T0, expiryMs: H });
  log.log({ ...key, index: 1 }, { firing: ['a'], resolved: [], nowMs: T0, expiryMs: 2 * H });
  assert.equal(log.gc(T0 + H - 1), 0);
  assert.equal(log.query(key)?.firing.length, 1, 'expired entries are still answered until gc');
  assert.equal(log.gc(T0 + H), 1);
  assert.equal(log.query(key), undefined);
  assert.ok(log.query({ ...key, index: 1 }));
});

test('nflog: startGc collects on every interval of the clock', async (t) => {
  const clock = new FakeClock(T0);
  const log = open(t, tempPath(t));
  log.log(key, { firing: ['a'], resolved: [], nowMs: T0, expiryMs: 10 * 60_000 });
  const stop = log.startGc({ clock, intervalMs: 15 * 60_000 });
  t.after(stop);
  await clock.advance(14 * 60_000);
  assert.equal(log.size(), 1);
  await clock.advance(60_000);
  assert.equal(log.size(), 0);
});
