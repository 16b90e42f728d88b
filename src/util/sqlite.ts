import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AlertrouterError } from './errors.js';

/** A SQLite file could not be opened or prepared. */
export class StorageError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage_failed', message, options);
  }
}

export interface OpenSqliteOptions {
  /**
   * 'FULL' syncs every commit to disk (for rare writes that must survive power loss);
   * 'NORMAL' in WAL mode survives a killed process, which is what batched writes need.
   */
  readonly synchronous: 'FULL' | 'NORMAL';
  /**
   * Page size of a database created now (SQLite's default is 4096); an existing file keeps its
   * own. Larger pages make random-key inserts of rows of a few hundred bytes much cheaper.
   */
  readonly pageSizeBytes?: number;
}

/**
 * Opens (creating folders and file as needed) a SQLite database in WAL mode, so readers
 * never block the writer. Throws StorageError naming the path on failure.
 */
export function openSqlite(path: string, options: OpenSqliteOptions): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // Before WAL mode: switching to WAL writes the file header, which fixes the page size.
    if (options.pageSizeBytes !== undefined) db.pragma(`page_size = ${options.pageSizeBytes}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    throw new StorageError(`cannot open SQLite database "${path}": ${(err as Error).message}`, { cause: err });
  }
}
