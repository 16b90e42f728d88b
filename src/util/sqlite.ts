import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import { AlertrouterError } from './errors.js';

/** A SQLite file could not be opened or prepared. */
export class StorageError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage_failed', message, options);
  }
}

/**
 * Checkpoints WAL databases on a thread of its own. A checkpoint syncs the WAL and then the
 * database file: ~10-30 ms of fsync that SQLite otherwise spends inside whichever commit pushes
 * the WAL past 1,000 pages, on the committing thread (for the notification log, the thread that
 * sends notifications). What stays with the committing thread is at most a sync of the WAL header,
 * in its first commit after a checkpoint: so checkpoints are no more frequent than SQLite's own,
 * once WAL_CHECKPOINT_FRAMES are waiting.
 */
export interface WalCheckpointer {
  /** The database at `path` has new commits: check its WAL soon (within about a second). */
  committed(path: string): void;
}

/** WAL frames (pages) from which a WalCheckpointer checkpoints: SQLite's wal_autocheckpoint default. */
export const WAL_CHECKPOINT_FRAMES = 1000;

/**
 * WAL size (pages) at which a connection whose checkpoints run on a WalCheckpointer still
 * checkpoints by itself: only reached when that thread falls far behind.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * How many frames of the WAL of the database at `path` wait for a checkpoint, read from its
 * WAL-index (the `-shm` file, shared memory of every connection) without taking a lock: the
 * header's mxFrame (bytes 16-19) minus the checkpoint info's nBackfill (bytes 96-99), in the
 * machine's byte order, as SQLite's walformat.html lays them out. 0 when there is no WAL-index.
 * A torn read only misjudges one check.
 */
export function framesToCheckpoint(path: string): number {
  let fd: number;
  try {
    fd = openSync(`${path}-shm`, 'r');
  } catch {
    return 0;
  }
  try {
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100) return 0;
    const le = endianness() === 'LE';
    const mxFrame = le ? header.readUInt32LE(16) : header.readUInt32BE(16);
    const nBackfill = le ? header.readUInt32LE(96) : header.readUInt32BE(96);
    return Math.max(0, mxFrame - nBackfill);
  } finally {
    closeSync(fd);
  }
}

/**
 * Page cache per connection (KiB). better-sqlite3 builds SQLite with a 16 MB default; the alert
 * writer filled it while appending the journal, ~16 MiB of resident memory that appending never
 * reads back. SQLite's own default (2,000 KiB) is plenty for our tables' working sets.
 */
const PAGE_CACHE_KIB = 2048;

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
  /**
   * Set when a WalCheckpointer checkpoints this database: SQLite's automatic checkpoints move
   * out to BACKSTOP_AUTOCHECKPOINT_PAGES. The caller tells the checkpointer about its commits.
   */
  readonly checkpointedElsewhere?: boolean;
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
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (options.checkpointedElsewhere) db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    return db;
  } catch (err) {
    throw new StorageError(`cannot open SQLite database "${path}": ${(err as Error).message}`, { cause: err });
  }
}
