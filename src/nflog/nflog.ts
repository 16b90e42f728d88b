/**
 * The notification log (Alertmanager's nflog): for every (receiver, integration, index,
 * group key) the alerts last notified as firing and as resolved, and when. The dedup stage
 * reads it to decide whether a flush needs sending; the record stage writes it after a send.
 *
 * Kept in SQLite and committed synchronously on every send, so that a killed process neither
 * sends again what it already sent nor forgets it (Alertmanager snapshots every 15 min). With
 * a WalCheckpointer, the checkpoints of its WAL (and their fsyncs) run on another thread rather
 * than inside the commit of a send that happens to fill the WAL.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../util/clock.js';
import { every } from '../util/every.js';
import { openSqlite, StorageError, type WalCheckpointer } from '../util/sqlite.js';

/** Which integration of which receiver notified which aggregation group. */
export interface NflogKey {
  readonly receiver: string;
  /** "webhook", "email", "slack". */
  readonly integration: string;
  readonly index: number;
  readonly groupKey: string;
}

export interface NflogEntry {
  /** Fingerprints of the alerts sent as firing. */
  readonly firing: readonly string[];
  /** Fingerprints of the alerts sent as resolved. */
  readonly resolved: readonly string[];
  readonly timestampMs: number;
  readonly expiresAtMs: number;
}

/** What the dedup and record stages need of the log. */
export interface NotificationLog {
  /** The latest entry for the key, expired or not (garbage collection removes expired ones). */
  query(key: NflogKey): NflogEntry | undefined;
  /**
   * Records a notification at `nowMs`, kept for `expiryMs` (Alertmanager passes twice the
   * repeat interval) but never longer than the log's retention. An entry newer than
   * `nowMs` already there is left alone.
   */
  log(key: NflogKey, entry: { firing: readonly string[]; resolved: readonly string[]; nowMs: number; expiryMs: number }): void;
}

/** Alertmanager's --data.retention default: 120h. */
export const DEFAULT_RETENTION_MS = 120 * 3600_000;

export interface SqliteNotificationLogOptions {
  readonly path: string;
  /** How long entries are kept at most (default 120h). */
  readonly retentionMs?: number;
  /** Checkpoints the WAL off this thread; without one, SQLite checkpoints inside commits. */
  readonly walCheckpointer?: WalCheckpointer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS nflog (
  receiver TEXT NOT NULL,
  integration TEXT NOT NULL,
  idx INTEGER NOT NULL,
  group_key TEXT NOT NULL,
  firing TEXT NOT NULL,
  resolved TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (receiver, integration, idx, group_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nflog_expires_at ON nflog (expires_at_ms);
`;

interface Row {
  firing: string;
  resolved: string;
  timestamp_ms: number;
  expires_at_ms: number;
}

type KeyParams = [receiver: string, integration: string, idx: number, groupKey: string];

export class SqliteNotificationLog implements NotificationLog {
  readonly retentionMs: number;
  private readonly path: string;
  private readonly walCheckpointer: WalCheckpointer | undefined;
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<KeyParams, Row>;
  private readonly upsert: Database.Statement<[...KeyParams, string, string, number, number]>;
  private readonly deleteExpired: Database.Statement<[number]>;
  private readonly countAll: Database.Statement<[], { n: number }>;

  constructor(options: SqliteNotificationLogOptions) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.path = options.path;
    this.walCheckpointer = options.walCheckpointer;
    // NORMAL (WAL): a commit survives the process being killed without an fsync per send.
    this.db = openSqlite(options.path, { synchronous: 'NORMAL', checkpointedElsewhere: this.walCheckpointer !== undefined });
    this.db.exec(SCHEMA);
    this.selectOne = this.db.prepare<KeyParams, Row>(
      'SELECT firing, resolved, timestamp_ms, expires_at_ms FROM nflog WHERE receiver = ? AND integration = ? AND idx = ? AND group_key = ?',
    );
    // A newer entry wins, as Alertmanager's Log ignores a write older than what it holds.
    this.upsert = this.db.prepare(
      'INSERT INTO nflog (receiver, integration, idx, group_key, firing, resolved, timestamp_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (receiver, integration, idx, group_key) DO UPDATE SET firing = excluded.firing, resolved = excluded.resolved, ' +
        'timestamp_ms = excluded.timestamp_ms, expires_at_ms = excluded.expires_at_ms WHERE excluded.timestamp_ms >= nflog.timestamp_ms',
    );
    this.deleteExpired = this.db.prepare<[number]>('DELETE FROM nflog WHERE expires_at_ms <= ?');
    this.countAll = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM nflog');
  }

  query(key: NflogKey): NflogEntry | undefined {
    const row = this.selectOne.get(key.receiver, key.integration, key.index, key.groupKey);
    if (!row) return undefined;
    return {
      firing: JSON.parse(row.firing) as string[],
      resolved: JSON.parse(row.resolved) as string[],
      timestampMs: row.timestamp_ms,
      expiresAtMs: row.expires_at_ms,
    };
  }

  log(key: NflogKey, entry: { firing: readonly string[]; resolved: readonly string[]; nowMs: number; expiryMs: number }): void {
    const keepMs = entry.expiryMs > 0 && entry.expiryMs < this.retentionMs ? entry.expiryMs : this.retentionMs;
    try {
      this.upsert.run(
        key.receiver,
        key.integration,
        key.index,
        key.groupKey,
        JSON.stringify(entry.firing),
        JSON.stringify(entry.resolved),
        entry.nowMs,
        entry.nowMs + keepMs,
      );
    } catch (err) {
      throw new StorageError(`notification log "${this.db.name}": recording ${describe(key)} failed: ${(err as Error).message}`, { cause: err });
    }
    this.walCheckpointer?.committed(this.path);
  }

  /** Removes entries whose expiry is at or before `nowMs`; returns how many. */
  gc(nowMs: number): number {
    const removed = this.deleteExpired.run(nowMs).changes;
    if (removed > 0) this.walCheckpointer?.committed(this.path);
    return removed;
  }

  /** Runs gc every `intervalMs` (Alertmanager's maintenance: 15m) on `clock`; returns a stop function. */
  startGc(options: { readonly clock: Clock; readonly intervalMs: number }): () => void {
    return every(options.clock, options.intervalMs, () => this.gc(options.clock.nowMs()));
  }

  /** Number of entries held (alertmanager_nflog_* style metrics, tests). */
  size(): number {
    return this.countAll.get()!.n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function describe(key: NflogKey): string {
  return `${key.receiver}/${key.integration}[${key.index}] group ${key.groupKey}`;
}
