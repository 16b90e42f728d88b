/**
 * The alerts database shared by the persistence's reading side (main thread) and its writer
 * (worker thread):
 *   alerts    the snapshot: every held alert as JSON, as of journal entry `snapshot_seq`;
 *   journal   every change since, in order (journal.ts): POST bodies as received, alerts set
 *             as they are, fingerprints deleted;
 *   meta      `snapshot_seq`: journal entries up to it are in the snapshot (and are skipped).
 * A file written before the journal existed holds only `alerts`: it reads as a snapshot at 0.
 */
import type Database from 'better-sqlite3';
import type { Alert } from '../alert/alert.js';
import { openSqlite } from '../util/sqlite.js';
import type { JournalEntry, SequencedEntry } from './journal.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  now_ms INTEGER NOT NULL DEFAULT 0,
  resolve_timeout_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** Opens the alerts database (WAL, synchronous=NORMAL: survives a killed process) and creates the tables. */
export function openAlertsDb(path: string): Database.Database {
  // 16 KiB pages: snapshot inserts by random fingerprint measured ~40% cheaper than with 4 KiB ones.
  const db = openSqlite(path, { synchronous: 'NORMAL', pageSizeBytes: 16384 });
  db.exec(SCHEMA);
  return db;
}

/** Journal entries up to this one are in the snapshot. */
export function snapshotSeq(db: Database.Database): number {
  const row = db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'snapshot_seq'").get();
  return row?.value ?? 0;
}

/** The snapshot's alerts and the journal entries after it, in order, as stored. */
export function readAlertsDb(db: Database.Database): { snapshot: Alert[]; entries: SequencedEntry[]; snapshotSeq: number; journalBytes: number } {
  // One read transaction: a snapshot being swapped in by the writer is seen whole or not at all.
  return db.transaction(() => {
    const seq = snapshotSeq(db);
    const snapshot = db.prepare<[], { body: string }>('SELECT body FROM alerts').all().map((r) => JSON.parse(r.body) as Alert);
    const entries: SequencedEntry[] = [];
    let journalBytes = 0;
    const rows = db
      .prepare<[number], { seq: number; kind: string; body: string; now_ms: number; resolve_timeout_ms: number }>(
        'SELECT seq, kind, body, now_ms, resolve_timeout_ms FROM journal WHERE seq > ? ORDER BY seq',
      )
      .iterate(seq);
    for (const row of rows) {
      journalBytes += row.body.length;
      entries.push({ seq: row.seq, entry: decodeRow(row) });
    }
    return { snapshot, entries, snapshotSeq: seq, journalBytes };
  })();
}

/** The largest sequence number used so far (journal or snapshot). */
export function lastSeq(db: Database.Database): number {
  const row = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM journal').get();
  return Math.max(row?.seq ?? 0, snapshotSeq(db));
}

function decodeRow(row: { seq: number; kind: string; body: string; now_ms: number; resolve_timeout_ms: number }): JournalEntry {
  switch (row.kind) {
    case 'post':
      return { kind: 'post', posted: { body: row.body, nowMs: row.now_ms, resolveTimeoutMs: row.resolve_timeout_ms } };
    case 'set':
      return { kind: 'set', alerts: JSON.parse(row.body) as Alert[] };
    case 'delete':
      return { kind: 'delete', fingerprints: JSON.parse(row.body) as string[] };
    default:
      throw new Error(`journal entry ${row.seq} has an unknown kind "${row.kind}"`);
  }
}

/** What the writer does with the database: append entries, and write a snapshot in parts. */
export interface AlertsDbWriter {
  /** Appends entries in one transaction; those already in the snapshot are skipped. */
  append(entries: readonly SequencedEntry[]): void;
  /** Starts a new snapshot (the old one stays in force until `finishSnapshot`). */
  beginSnapshot(): void;
  /** Adds alerts to the snapshot being written (one transaction). */
  addToSnapshot(alerts: readonly Alert[]): void;
  /**
   * Swaps the new snapshot in, as of journal entry `upToSeq`, and drops the entries it covers —
   * one transaction, so a kill leaves the old snapshot and the whole journal, or the new ones.
   */
  finishSnapshot(upToSeq: number): void;
}

export function alertsDbWriter(db: Database.Database): AlertsDbWriter {
  // A snapshot a killed writer left half-written is of no use.
  db.exec('DROP TABLE IF EXISTS alerts_next');
  const insertEntry = db.prepare<[number, string, string, number, number]>(
    'INSERT OR REPLACE INTO journal (seq, kind, body, now_ms, resolve_timeout_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const readSnapshotSeq = db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'snapshot_seq'");
  const append = db.transaction((entries: readonly SequencedEntry[]) => {
    const covered = readSnapshotSeq.get()?.value ?? 0;
    for (const { seq, entry } of entries) {
      if (seq <= covered) continue;
      switch (entry.kind) {
        case 'post':
          insertEntry.run(seq, 'post', entry.posted.body, entry.posted.nowMs, entry.posted.resolveTimeoutMs);
          break;
        case 'set':
          insertEntry.run(seq, 'set', JSON.stringify(entry.alerts), 0, 0);
          break;
        case 'delete':
          insertEntry.run(seq, 'delete', JSON.stringify(entry.fingerprints), 0, 0);
          break;
      }
    }
  });
  let insertNext: Database.Statement<[string, string, number]> | undefined;
  const addToSnapshot = db.transaction((alerts: readonly Alert[]) => {
    for (const a of alerts) insertNext!.run(a.fingerprint, JSON.stringify(a), a.updatedAtMs);
  });
  const finishSnapshot = db.transaction((upToSeq: number) => {
    db.exec('DROP TABLE alerts; ALTER TABLE alerts_next RENAME TO alerts');
    db.prepare("INSERT INTO meta (key, value) VALUES ('snapshot_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(upToSeq);
    db.prepare('DELETE FROM journal WHERE seq <= ?').run(upToSeq);
  });
  return {
    append: (entries) => append(entries),
    beginSnapshot() {
      db.exec(
        'DROP TABLE IF EXISTS alerts_next; ' +
          'CREATE TABLE alerts_next (fingerprint TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at_ms INTEGER NOT NULL)',
      );
      insertNext = db.prepare('INSERT OR REPLACE INTO alerts_next (fingerprint, body, updated_at_ms) VALUES (?, ?, ?)');
    },
    addToSnapshot: (alerts) => addToSnapshot(alerts),
    finishSnapshot(upToSeq) {
      finishSnapshot(upToSeq);
      insertNext = undefined;
    },
  };
}
