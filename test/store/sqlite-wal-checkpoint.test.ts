// WAL checkpoints off the main thread: the notification log and history commit on the main thread
// and hand their checkpoints (and the fsyncs in them) to the alert writer thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import Database from 'better-sqlite3';
import { framesToCheckpoint, type WalCheckpointer } from '../../src/util/sqlite.js';
import { FakeClock } from '../support/fake-clock.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-wal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Records `count` sends; 600 make ~1,500 WAL frames, past SQLite's automatic checkpoint at 1,000. */
function logSends(nflog: SqliteNotificationLog, count = 600): void {
  for (let i = 0; i < count; i++) {
    nflog.log(
      { receiver: 'r', integration: 'webhook', index: 0, groupKey: `{}:{alertname="A${i}"}` },
      { firing: [`fp-${i}`], resolved: [], nowMs: 1000 + i, expiryMs: 3600_000 },
    );
  }
}

// The database file only grows when a checkpoint copies the WAL's pages into it.
const fileBytes = (path: string): number => statSync(path).size;

test('nflog: without a WAL checkpointer, SQLite checkpoints inside the commits', (t) => {
  const path = join(tempDir(t), 'nflog.db');
  const nflog = new SqliteNotificationLog({ path });
  t.after(() => nflog.close());
  const before = fileBytes(path);
  logSends(nflog);
  assert.ok(fileBytes(path) > before, 'a commit checkpointed the WAL into the database file');
});

test('nflog: with a WAL checkpointer, commits do not checkpoint; each commit is reported to it', (t) => {
  const path = join(tempDir(t), 'nflog.db');
  const reported: string[] = [];
  const checkpointer: WalCheckpointer = { committed: (p) => reported.push(p) };
  const nflog = new SqliteNotificationLog({ path, walCheckpointer: checkpointer });
  t.after(() => nflog.close());
  const before = fileBytes(path);
  logSends(nflog);
  assert.equal(fileBytes(path), before);
  assert.ok(framesToCheckpoint(path) > 1000);
  assert.equal(reported.length, 600);
  assert.ok(reported.every((p) => p === path));
});

test('alert writer thread: checkpoints the WAL of a database committed to elsewhere once 1,000 frames wait, checked a second after its commits', async (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const persistence = new SqliteAlertPersistence({ path: join(dir, 'alerts.db'), clock });
  t.after(() => persistence.close());
  const nflogPath = join(dir, 'nflog.db');
  const nflog = new SqliteNotificationLog({ path: nflogPath, walCheckpointer: persistence });
  t.after(() => nflog.close());
  const before = fileBytes(nflogPath);
  logSends(nflog);
  // One timer for all the commits, due a second after the first.
  assert.deepEqual(clock.pendingDueTimes(), [clock.nowMs() + 1000]);
  await clock.advance(1000);
  assert.deepEqual(clock.pendingDueTimes(), []);
  // The timer's request is on its way to the writer; this waits for its answer.
  await persistence.checkpointWals();
  assert.ok(fileBytes(nflogPath) > before, 'the writer thread copied the WAL into the database file');
  assert.deepEqual(nflog.query({ receiver: 'r', integration: 'webhook', index: 0, groupKey: '{}:{alertname="A599"}' })?.firing, ['fp-599']);
});

test('alert writer thread: leaves a small WAL alone (the next commit would pay a sync for each checkpoint)', async (t) => {
  const dir = tempDir(t);
  const persistence = new SqliteAlertPersistence({ path: join(dir, 'alerts.db'), clock: new FakeClock() });
  t.after(() => persistence.close());
  const nflogPath = join(dir, 'nflog.db');
  const nflog = new SqliteNotificationLog({ path: nflogPath, walCheckpointer: persistence });
  t.after(() => nflog.close());
  const before = fileBytes(nflogPath);
  logSends(nflog, 20);
  await persistence.checkpointWals();
  assert.equal(fileBytes(nflogPath), before);
});

test('framesToCheckpoint: the WAL frames a checkpoint has not copied yet, read from the WAL-index', (t) => {
  const path = join(tempDir(t), 'x.db');
  assert.equal(framesToCheckpoint(path), 0, 'no database, no WAL-index');
  const db = new Database(path);
  t.after(() => db.close());
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < 20; i++) insert.run('x'.repeat(3000));
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  assert.ok(result!.log >= 20);
  assert.equal(framesToCheckpoint(path), 0, 'all copied');
  insert.run('y'.repeat(3000));
  const afterOne = framesToCheckpoint(path);
  assert.ok(afterOne > 0, 'the WAL restarted with the new commit');
  for (let i = 0; i < 4; i++) insert.run('y'.repeat(3000));
  assert.equal(framesToCheckpoint(path), 5 * afterOne, 'every such commit writes as many pages');
});
