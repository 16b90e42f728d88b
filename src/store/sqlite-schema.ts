/**
 * The alerts table shared by the persistence's reading side (main thread) and its writer
 * (worker thread). A rowid table: inserts by random fingerprint run about 4× faster than
 * WITHOUT ROWID with JSON bodies of a few hundred bytes.
 */
import type Database from 'better-sqlite3';
import type { Alert } from '../alert/alert.js';
import { openSqlite } from '../util/sqlite.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
`;

/** One batch of changes; a fingerprint appears at most once across both lists. */
export interface AlertBatch {
  readonly upserts: readonly Alert[];
  readonly deletes: readonly string[];
}

/** Opens the alerts database (WAL, synchronous=NORMAL: survives a killed process) and creates the table. */
export function openAlertsDb(path: string): Database.Database {
  // 16 KiB pages: upserts by random fingerprint measured ~40% cheaper than with 4 KiB ones.
  const db = openSqlite(path, { synchronous: 'NORMAL', pageSizeBytes: 16384 });
  db.exec(SCHEMA);
  return db;
}

/** Returns a function writing a batch in one transaction (alerts stored as their JSON). */
export function alertWriter(db: Database.Database): (batch: AlertBatch) => void {
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO alerts (fingerprint, body, updated_at_ms) VALUES (?, ?, ?) ' +
      'ON CONFLICT(fingerprint) DO UPDATE SET body = excluded.body, updated_at_ms = excluded.updated_at_ms',
  );
  const remove = db.prepare<[string]>('DELETE FROM alerts WHERE fingerprint = ?');
  return db.transaction((batch: AlertBatch) => {
    for (const a of batch.upserts) upsert.run(a.fingerprint, JSON.stringify(a), a.updatedAtMs);
    for (const fp of batch.deletes) remove.run(fp);
  });
}
