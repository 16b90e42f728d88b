/**
 * The notification history (alertrouter's extension): every send attempt of every
 * integration — who, which group, which alerts, how it went, how long it took — kept in
 * SQLite for --data.retention and listed newest first by GET /api/ext/v1/notifications.
 *
 * Attempts are queued in memory and written in one transaction per batch (on a timer, or
 * at once when the batch is full), so a flush never waits for the disk. A query writes what
 * is queued first, so it sees every attempt reported before it. History is best effort: a
 * failed write is logged and its batch dropped; it never fails a notification.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NotifyAttempt } from '../pipeline/retry.js';
import type { Clock } from '../util/clock.js';
import { openSqlite, type WalCheckpointer } from '../util/sqlite.js';

/** One recorded attempt, as queries return it. */
export interface HistoryEntry {
  readonly id: number;
  readonly atMs: number;
  readonly receiver: string;
  readonly integration: string;
  readonly index: number;
  readonly groupKey: string;
  readonly fingerprints: readonly string[];
  /** How many of the alerts were sent as firing (the rest as resolved). */
  readonly firing: number;
  readonly attempt: number;
  readonly outcome: NotifyAttempt['outcome'];
  readonly error: string | undefined;
  readonly latencyMs: number;
}

/** Filters of a history query; all given ones must hold. */
export interface HistoryQuery {
  readonly receiver?: string;
  readonly groupKey?: string;
  readonly integration?: string;
  /** With `integration`: only that one of the receiver's integrations of the kind. */
  readonly index?: number;
  /** Only attempts that sent the alert with this fingerprint. */
  readonly fingerprint?: string;
  /** Only attempts with this outcome. */
  readonly outcome?: NotifyAttempt['outcome'];
  readonly limit: number;
}

export interface NotificationHistoryOptions {
  readonly path: string;
  readonly clock: Clock;
  /** How long attempts are kept (--data.retention). */
  readonly retentionMs: number;
  readonly logger: Logger;
  /** Longest an attempt waits in memory before it is written; default 1s. */
  readonly flushIntervalMs?: number;
  /** Queued attempts that trigger a write at once; default 500. */
  readonly batchSize?: number;
  /** Checkpoints the WAL off this thread; without one, SQLite checkpoints inside commits. */
  readonly walCheckpointer?: WalCheckpointer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  receiver TEXT NOT NULL,
  integration TEXT NOT NULL,
  idx INTEGER NOT NULL,
  group_key TEXT NOT NULL,
  fingerprints TEXT NOT NULL,
  firing INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error TEXT,
  latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_at ON notifications (at_ms);
CREATE INDEX IF NOT EXISTS notifications_receiver ON notifications (receiver, at_ms);
CREATE INDEX IF NOT EXISTS notifications_group ON notifications (group_key, at_ms);
CREATE TABLE IF NOT EXISTS notification_alerts (
  notification_id INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  PRIMARY KEY (fingerprint, notification_id)
) WITHOUT ROWID;
`;

interface Row {
  id: number;
  at_ms: number;
  receiver: string;
  integration: string;
  idx: number;
  group_key: string;
  fingerprints: string;
  firing: number;
  attempt: number;
  outcome: string;
  error: string | null;
  latency_ms: number;
}

// What a full disk may make us hold before dropping the oldest queued attempts.
const MAX_QUEUED = 50_000;

export class NotificationHistory {
  private readonly db: Database.Database;
  private readonly path: string;
  private readonly walCheckpointer: WalCheckpointer | undefined;
  private readonly clock: Clock;
  private readonly retentionMs: number;
  private readonly logger: Logger;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private queue: NotifyAttempt[] = [];
  private cancelFlush: (() => void) | undefined;
  private readonly insertOne: Database.Statement;
  private readonly insertAlert: Database.Statement;
  private readonly writeBatch: (batch: readonly NotifyAttempt[]) => void;

  /** Opens (creating as needed) the history database; throws StorageError naming the path. */
  constructor(options: NotificationHistoryOptions) {
    this.clock = options.clock;
    this.retentionMs = options.retentionMs;
    this.logger = options.logger;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.path = options.path;
    this.walCheckpointer = options.walCheckpointer;
    // NORMAL: losing the last batch on power loss is acceptable for a history.
    this.db = openSqlite(options.path, { synchronous: 'NORMAL', checkpointedElsewhere: this.walCheckpointer !== undefined });
    this.db.exec(SCHEMA);
    this.insertOne = this.db.prepare(
      'INSERT INTO notifications (at_ms, receiver, integration, idx, group_key, fingerprints, firing, attempt, outcome, error, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertAlert = this.db.prepare('INSERT OR IGNORE INTO notification_alerts (notification_id, fingerprint) VALUES (?, ?)');
    this.writeBatch = this.db.transaction((batch: readonly NotifyAttempt[]) => {
      for (const a of batch) {
        const { lastInsertRowid } = this.insertOne.run(
          a.atMs,
          a.receiver,
          a.integration,
          a.index,
          a.groupKey,
          JSON.stringify(a.fingerprints),
          a.firing,
          a.attempt,
          a.outcome,
          a.error ?? null,
          a.latencyMs,
        );
        for (const fp of a.fingerprints) this.insertAlert.run(lastInsertRowid, fp);
      }
    });
  }

  /** Queues an attempt; it is written within flushIntervalMs (at once when the batch is full). */
  record(attempt: NotifyAttempt): void {
    if (!this.db.open) return;
    this.queue.push(attempt);
    if (this.queue.length > MAX_QUEUED) this.queue.splice(0, this.queue.length - MAX_QUEUED);
    if (this.queue.length >= this.batchSize) this.flush();
    else this.cancelFlush ??= this.clock.setTimer(this.flushIntervalMs, () => this.flush());
  }

  /** Writes every queued attempt in one transaction (errors are logged, not thrown). */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (this.queue.length === 0 || !this.db.open) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.writeBatch(batch);
    } catch (err) {
      this.logger.error({ err, dropped: batch.length, path: this.db.name }, 'writing the notification history failed; these attempts are not recorded');
      return;
    }
    this.walCheckpointer?.committed(this.path);
  }

  /** Attempts matching the query, newest first, at most `limit`. */
  query(q: HistoryQuery): HistoryEntry[] {
    this.flush();
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      params.push(value);
    };
    if (q.receiver !== undefined) add('receiver = ?', q.receiver);
    if (q.groupKey !== undefined) add('group_key = ?', q.groupKey);
    if (q.integration !== undefined) add('integration = ?', q.integration);
    if (q.index !== undefined) add('idx = ?', q.index);
    if (q.outcome !== undefined) add('outcome = ?', q.outcome);
    if (q.fingerprint !== undefined) add('id IN (SELECT notification_id FROM notification_alerts WHERE fingerprint = ?)', q.fingerprint);
    const sql =
      'SELECT * FROM notifications' + (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') + ' ORDER BY at_ms DESC, id DESC LIMIT ?';
    const rows = this.db.prepare(sql).all(...params, q.limit) as Row[];
    return rows.map(toEntry);
  }

  /** Removes attempts older than the retention; returns how many. */
  gc(nowMs: number = this.clock.nowMs()): number {
    this.flush();
    const cutoff = nowMs - this.retentionMs;
    const run = this.db.transaction(() => {
      this.db.prepare('DELETE FROM notification_alerts WHERE notification_id IN (SELECT id FROM notifications WHERE at_ms < ?)').run(cutoff);
      return this.db.prepare('DELETE FROM notifications WHERE at_ms < ?').run(cutoff).changes;
    });
    const removed = run();
    if (removed > 0) this.walCheckpointer?.committed(this.path);
    return removed;
  }

  /** Writes what is queued and closes the database; later records are ignored. */
  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }
}

function toEntry(row: Row): HistoryEntry {
  return {
    id: row.id,
    atMs: row.at_ms,
    receiver: row.receiver,
    integration: row.integration,
    index: row.idx,
    groupKey: row.group_key,
    fingerprints: JSON.parse(row.fingerprints) as string[],
    firing: row.firing,
    attempt: row.attempt,
    outcome: row.outcome as HistoryEntry['outcome'],
    error: row.error ?? undefined,
    latencyMs: row.latency_ms,
  };
}
