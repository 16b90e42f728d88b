/**
 * AlertPersistence in a SQLite file. Ingest must stay fast, so no write happens on the
 * request path: saves and deletes are coalesced by fingerprint (the latest wins) and handed,
 * every `flushIntervalMs` or once `maxPending` pile up, as one batch to a worker thread that
 * commits it in one transaction. A killed process loses at most the changes of the last
 * interval or two (more while the CPU is saturated: the writer runs at a lower priority, see
 * sqlite-writer.ts); their senders re-send them on their next evaluation anyway.
 *
 * The writer thread is also the daemon's WalCheckpointer: databases committed to on the main
 * thread (notification log, history) have their WAL checkpointed there, once it is large, the
 * check made about a second after their commits.
 */
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { newAlert, type Alert } from '../alert/alert.js';
import type { Clock } from '../util/clock.js';
import { StorageError, type WalCheckpointer } from '../util/sqlite.js';
import { startModuleWorker } from '../util/worker.js';
import type { AlertPersistence } from './alerts.js';
import { openAlertsDb } from './sqlite-schema.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';

export interface SqliteAlertPersistenceOptions {
  /** Database file; created with its folder when missing. */
  readonly path: string;
  readonly clock: Clock;
  /** Longest time a change waits before it is handed to the writer (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** Pending changes that make a batch at once (default 5000). */
  readonly maxPending?: number;
  /** Where failed writes are reported. */
  readonly logger?: Logger;
}

/** fingerprint → alert to save, or null to delete. */
type Changes = Map<string, Alert | null>;

/** The writer thread's young generation (V8 default: up to 48 MiB). */
const WRITER_YOUNG_GENERATION_MB = 4;

/** Batches handed to the writer at once, at most. */
const MAX_IN_FLIGHT = 2;

/** How long after a commit the writer thread checks that database's WAL (WalCheckpointer). */
const WAL_CHECKPOINT_DELAY_MS = 1000;

export class SqliteAlertPersistence implements AlertPersistence, WalCheckpointer {
  private readonly path: string;
  private readonly clock: Clock;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly logger: Logger | undefined;
  /** Reads at startup; the worker has its own connection for writes. */
  private readonly db: Database.Database;
  private readonly selectAll: Database.Statement<[], { body: string }>;
  private worker: Worker | undefined;
  private pending: Changes = new Map();
  /** Batches handed to the writer and not yet committed, by batch id (ascending). */
  private readonly inFlight = new Map<number, Changes>();
  private nextId = 1;
  private cancelTimer: (() => void) | undefined;
  private drainWaiters: Array<() => void> = [];
  private closed = false;
  /** Databases with commits since their WAL was last handed to the writer for a checkpoint. */
  private walsToCheckpoint = new Set<string>();
  private cancelCheckpointTimer: (() => void) | undefined;
  /** The checkpoint request the writer has not answered yet, and what resolves it. */
  private checkpointInFlight: Promise<void> | undefined;
  private answerCheckpoint: (() => void) | undefined;

  constructor(options: SqliteAlertPersistenceOptions) {
    this.path = options.path;
    this.clock = options.clock;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxPending = options.maxPending ?? 5000;
    this.logger = options.logger;
    this.db = openAlertsDb(options.path);
    this.selectAll = this.db.prepare<[], { body: string }>('SELECT body FROM alerts');
  }

  saveBatch(alerts: readonly Alert[]): void {
    this.ensureOpen();
    for (const a of alerts) this.pending.set(a.fingerprint, a);
    this.schedule();
  }

  deleteBatch(fingerprints: readonly string[]): void {
    this.ensureOpen();
    for (const fp of fingerprints) this.pending.set(fp, null);
    this.schedule();
  }

  /** Every stored alert, including changes not yet committed (so a caller sees its own writes). */
  loadAll(): Alert[] {
    const alerts = new Map<string, Alert>();
    for (const row of this.selectAll.iterate()) {
      const a = newAlert(JSON.parse(row.body) as Alert);
      alerts.set(a.fingerprint, a);
    }
    for (const changes of [...this.inFlight.values(), this.pending]) {
      for (const [fp, a] of changes) {
        if (a) alerts.set(fp, a);
        else alerts.delete(fp);
      }
    }
    return [...alerts.values()];
  }

  /**
   * Starts the writer thread now rather than at the first write. A starting worker re-applies
   * the process's V8 flags (util/heap-tuning.ts), so the daemon starts it while idle, not in the
   * middle of its first burst of alerts.
   */
  startWriter(): void {
    this.ensureOpen();
    this.writer();
  }

  /** WalCheckpointer: the writer thread checks `path`'s WAL within WAL_CHECKPOINT_DELAY_MS. */
  committed(path: string): void {
    if (this.closed) return;
    this.walsToCheckpoint.add(path);
    this.cancelCheckpointTimer ??= this.clock.setTimer(WAL_CHECKPOINT_DELAY_MS, () => {
      this.cancelCheckpointTimer = undefined;
      void this.checkpointWals();
    });
  }

  /**
   * Has the writer check, now, the WAL of every database committed to since the last check and
   * checkpoint those with WAL_CHECKPOINT_FRAMES or more waiting; resolves once it did (failures
   * are logged).
   * One request is in flight at a time.
   */
  async checkpointWals(): Promise<void> {
    this.cancelCheckpointTimer?.();
    this.cancelCheckpointTimer = undefined;
    while (this.checkpointInFlight) await this.checkpointInFlight;
    if (this.walsToCheckpoint.size === 0 || this.closed) return;
    const paths = [...this.walsToCheckpoint];
    this.walsToCheckpoint.clear();
    const worker = this.writer();
    this.checkpointInFlight = new Promise<void>((resolve) => (this.answerCheckpoint = resolve));
    worker.postMessage({ checkpoint: paths } satisfies WriterRequest);
    await this.checkpointInFlight;
  }

  /** Number of changes not yet handed to the writer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Hands all pending changes to the writer now, as one batch — unless MAX_IN_FLIGHT batches
   * are still being written: then they wait (and keep coalescing) until one is committed,
   * so a writer that falls behind slows nothing down and memory stays bounded by the alerts.
   */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending.size === 0 || this.inFlight.size >= MAX_IN_FLIGHT) return;
    const changes = this.pending;
    this.pending = new Map();
    const id = this.nextId++;
    this.inFlight.set(id, changes);
    const upserts: Alert[] = [];
    const deletes: string[] = [];
    for (const [fp, a] of changes) {
      if (a) upserts.push(a);
      else deletes.push(fp);
    }
    const worker = this.writer();
    // Keep the process alive while a batch is on its way to disk, not while idle.
    worker.ref();
    worker.postMessage({ id, batch: { upserts, deletes } } satisfies WriterRequest);
  }

  /** Flushes, then resolves once everything handed to the writer is committed. */
  drain(): Promise<void> {
    this.flush();
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Commits everything pending, then stops the writer and closes the file; later saves throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    this.cancelCheckpointTimer?.();
    this.cancelCheckpointTimer = undefined;
    this.checkpointAnswered([]);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.ref();
      worker.postMessage({ close: true } satisfies WriterRequest);
      await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    }
    this.db.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError(`alert persistence "${this.path}" is closed`);
  }

  private writer(): Worker {
    if (this.worker) return this.worker;
    const worker = startModuleWorker(import.meta.url, 'sqlite-writer', {
      workerData: { path: this.path },
      // Its batches die young: a small young generation spares the daemon ~16-30 MiB of RSS.
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB },
    });
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      if ('id' in reply) this.batchCommitted(reply.id, reply.error);
      else if ('checkpointed' in reply) this.checkpointAnswered(reply.errors);
    });
    worker.on('error', (err) => this.writerDied(worker, err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.writerDied(worker, new Error(`alert writer exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private checkpointAnswered(errors: readonly string[]): void {
    for (const error of errors) this.logger?.warn({ err: error }, 'checkpointing a SQLite WAL failed; its connection checkpoints by itself once the WAL is large');
    const answer = this.answerCheckpoint;
    this.answerCheckpoint = undefined;
    this.checkpointInFlight = undefined;
    answer?.();
  }

  private batchCommitted(id: number, error: string | undefined): void {
    const changes = this.inFlight.get(id);
    if (!changes) return;
    this.inFlight.delete(id);
    if (error !== undefined) {
      this.logger?.error({ err: error, changes: changes.size }, `persisting alerts to "${this.path}" failed; will retry`);
      this.requeue(changes);
      return;
    }
    if (this.pending.size > 0) {
      if (this.drainWaiters.length > 0 || this.pending.size >= this.maxPending) this.flush();
      else this.armTimer();
    }
    if (this.inFlight.size === 0) this.worker?.unref();
    if (this.inFlight.size === 0 && this.pending.size === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  private writerDied(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.logger?.error({ err }, `alert writer for "${this.path}" stopped; restarting it`);
    // A checkpoint it did not answer is not retried: the next commit asks for one anyway.
    this.checkpointAnswered([]);
    // Newest first, so that requeue keeps the latest version of each alert.
    const lost = [...this.inFlight.values()].reverse();
    this.inFlight.clear();
    for (const changes of lost) this.requeue(changes);
  }

  /** Puts changes whose write failed back, unless something newer is queued or in flight. */
  private requeue(changes: Changes): void {
    for (const [fp, a] of changes) {
      if (this.pending.has(fp) || [...this.inFlight.values()].some((c) => c.has(fp))) continue;
      this.pending.set(fp, a);
    }
    // Someone waits in drain(): retry now rather than after the interval.
    if (this.drainWaiters.length > 0) this.flush();
    else this.armTimer();
  }

  private schedule(): void {
    if (this.pending.size >= this.maxPending) this.flush();
    else this.armTimer();
  }

  private armTimer(): void {
    if (this.cancelTimer !== undefined || this.pending.size === 0 || this.closed) return;
    this.cancelTimer = this.clock.setTimer(this.flushIntervalMs, () => {
      this.cancelTimer = undefined;
      this.flush();
    });
  }
}
