/**
 * AlertPersistence in a SQLite file. Ingest must stay fast, so writes are not made on the
 * request path: saves and deletes are coalesced by fingerprint (the latest wins) and written
 * in one transaction every `flushIntervalMs`, or at once when `maxPending` pile up, and on
 * close. A killed process loses at most the last interval's changes; the alerts' senders
 * re-send them on their next evaluation anyway.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Alert } from '../alert/alert.js';
import type { Clock } from '../util/clock.js';
import { openSqlite, StorageError } from '../util/sqlite.js';
import type { AlertPersistence } from './alerts.js';

export interface SqliteAlertPersistenceOptions {
  /** Database file; created with its folder when missing. */
  readonly path: string;
  readonly clock: Clock;
  /** Longest time a change waits before it is written (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** Pending changes that trigger an immediate write (default 5000). */
  readonly maxPending?: number;
  /** Where failed background writes are reported. */
  readonly logger?: Logger;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The stored form: the Alert itself as JSON (all its fields are plain data). */
type Row = { body: string };

export class SqliteAlertPersistence implements AlertPersistence {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly logger: Logger | undefined;
  /** fingerprint → alert to save, or null to delete. */
  private pending = new Map<string, Alert | null>();
  private cancelTimer: (() => void) | undefined;
  private readonly writePending: (changes: Map<string, Alert | null>) => void;
  private readonly selectAll: Database.Statement<[], Row>;
  private closed = false;

  constructor(options: SqliteAlertPersistenceOptions) {
    this.clock = options.clock;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxPending = options.maxPending ?? 5000;
    this.logger = options.logger;
    this.db = openSqlite(options.path, { synchronous: 'NORMAL' });
    this.db.exec(SCHEMA);
    const upsert = this.db.prepare<[string, string, number]>(
      'INSERT INTO alerts (fingerprint, body, updated_at_ms) VALUES (?, ?, ?) ' +
        'ON CONFLICT(fingerprint) DO UPDATE SET body = excluded.body, updated_at_ms = excluded.updated_at_ms',
    );
    const remove = this.db.prepare<[string]>('DELETE FROM alerts WHERE fingerprint = ?');
    this.selectAll = this.db.prepare<[], Row>('SELECT body FROM alerts');
    this.writePending = this.db.transaction((changes: Map<string, Alert | null>) => {
      for (const [fp, alert] of changes) {
        if (alert) upsert.run(fp, JSON.stringify(alert), alert.updatedAtMs);
        else remove.run(fp);
      }
    });
  }

  saveBatch(alerts: readonly Alert[]): void {
    for (const a of alerts) this.pending.set(a.fingerprint, a);
    this.schedule();
  }

  deleteBatch(fingerprints: readonly string[]): void {
    for (const fp of fingerprints) this.pending.set(fp, null);
    this.schedule();
  }

  /** Every stored alert, after writing what is pending (so a caller sees its own changes). */
  loadAll(): Alert[] {
    this.flush();
    return this.selectAll.all().map((r) => JSON.parse(r.body) as Alert);
  }

  /** Number of changes not yet written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes all pending changes in one transaction now. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending.size === 0) return;
    const changes = this.pending;
    this.pending = new Map();
    try {
      this.writePending(changes);
    } catch (err) {
      // Put the changes back (newer ones queued since win) so a later flush retries them.
      for (const [fp, alert] of changes) if (!this.pending.has(fp)) this.pending.set(fp, alert);
      throw new StorageError(`writing ${changes.size} alert change(s) to "${this.db.name}" failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Writes what is pending and closes the file; later saves are an error. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  private schedule(): void {
    if (this.closed) throw new StorageError(`alert persistence "${this.db.name}" is closed`);
    if (this.pending.size >= this.maxPending) this.flushSafely();
    else this.armTimer();
  }

  private armTimer(): void {
    if (this.cancelTimer !== undefined || this.pending.size === 0) return;
    this.cancelTimer = this.clock.setTimer(this.flushIntervalMs, () => {
      this.cancelTimer = undefined;
      this.flushSafely();
    });
  }

  /** Ingest must not fail because the disk did: report, keep the changes, retry next interval. */
  private flushSafely(): void {
    try {
      this.flush();
    } catch (err) {
      this.logger?.error({ err }, 'persisting alerts failed; will retry');
      this.armTimer();
    }
  }
}
