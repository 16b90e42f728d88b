/**
 * AlertPersistence in a SQLite file, as a journal of changes plus a snapshot (journal.ts,
 * sqlite-schema.ts). Ingest must stay fast, so the request path only appends an entry to a
 * list: a POST body is recorded as the text it arrived as, not as the alerts it became. Every
 * `flushIntervalMs`, or once `maxPending` entries pile up, the list goes as one batch to a
 * worker thread that commits it in one transaction. A killed process loses at most the changes
 * of the last interval or two (more while the CPU is saturated: the writer runs at a lower
 * priority, see sqlite-writer.ts); their senders re-send them on their next evaluation anyway.
 *
 * Once the journal has grown past `compactAfterBytes` (plus 1 KiB per alert held at the last
 * snapshot), the held alerts are written as a new snapshot, handed to the writer in parts
 * between requests, and the journal entries it covers are dropped. Alerts are immutable, so
 * the list taken at the start is a consistent picture as of that entry.
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
import { entryBytes, replayEntry, type BodyDecoder, type JournalEntry, type PostedBody, type SequencedEntry } from './journal.js';
import { lastSeq, openAlertsDb, readAlertsDb } from './sqlite-schema.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';

export interface SqliteAlertPersistenceOptions {
  /** Database file; created with its folder when missing. */
  readonly path: string;
  readonly clock: Clock;
  /** Longest time a change waits before it is handed to the writer (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** Pending entries that make a batch at once (default 1000). */
  readonly maxPending?: number;
  /** Decodes recorded POST bodies when the journal is replayed (api/v2/postable.ts). */
  readonly decodeBody?: BodyDecoder;
  /** Journal bytes past which a snapshot is written, besides 1 KiB per alert held (default 64 MiB). */
  readonly compactAfterBytes?: number;
  /** Where failed writes are reported. */
  readonly logger?: Logger;
}

/** The writer thread's young generation (V8 default: up to 48 MiB). */
const WRITER_YOUNG_GENERATION_MB = 4;

/** Alerts per snapshot message; one is handed over per turn of the event loop. */
const SNAPSHOT_PART = 2000;

/**
 * Bytes of entries per batch handed to the writer (a batch that is one larger entry is larger).
 * A batch is copied into one malloc'd buffer on its way to the writer thread. Buffers of 128 KiB
 * and more are mmap'd, and freeing one makes glibc raise its mmap and trim thresholds to that
 * size for good; with 4 MiB batches the main thread's heap then kept ~10-20 MiB of freed memory
 * resident after a burst of alerts. Pending entries also make a batch at once at this size.
 */
const MAX_BATCH_BYTES = 64 * 1024;

/**
 * Batches handed to the writer and not yet committed, at most: while the writer is behind, new
 * entries wait (and alerts saved as they are coalesce by fingerprint), so a flood of large
 * alerts costs memory for the latest version of each, not for every version.
 */
const MAX_IN_FLIGHT = 2;

/** Journal bytes allowed per alert held at the last snapshot, on top of compactAfterBytes. */
const JOURNAL_BYTES_PER_ALERT = 1024;

/** How long after a commit the writer thread checks that database's WAL (WalCheckpointer). */
const WAL_CHECKPOINT_DELAY_MS = 1000;

type WriterCall = Exclude<WriterRequest, { close: true }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface WriterCallState {
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  /** Settles (never rejects) once the call is answered or failed. */
  readonly answered: Promise<void>;
}

export class SqliteAlertPersistence implements AlertPersistence, WalCheckpointer {
  private readonly path: string;
  private readonly clock: Clock;
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly decodeBody: BodyDecoder | undefined;
  private readonly compactAfterBytes: number;
  private readonly logger: Logger | undefined;
  /** Reads at startup; the worker has its own connection for writes. */
  private readonly db: Database.Database;
  private worker: Worker | undefined;
  private nextSeq: number;
  private pending: SequencedEntry[] = [];
  private pendingBytes = 0;
  /**
   * Where the latest 'set' entry of each fingerprint is (one alert per such entry), counted from
   * the front `pending` had when this map was started: `pendingTaken` entries have left the
   * front since, so it is pending at index (position - pendingTaken) when that is not negative.
   */
  private pendingSetAt = new Map<string, number>();
  private pendingTaken = 0;
  /** Batches handed to the writer and not yet committed, by call id. */
  private readonly inFlight = new Map<number, SequencedEntry[]>();
  /** Calls to the writer awaiting their reply, by id. */
  private readonly calls = new Map<number, WriterCallState>();
  private nextId = 1;
  private cancelTimer: (() => void) | undefined;
  /** Journal bytes since the snapshot, and how many may pile up before the next one. */
  private journalBytes = 0;
  private heldAtSnapshot = 0;
  private snapshotSource: (() => readonly Alert[]) | undefined;
  private snapshotting: Promise<void> | undefined;
  private closed = false;
  private loaded = false;
  /** Databases with commits since their WAL was last handed to the writer for a checkpoint. */
  private readonly walsToCheckpoint = new Set<string>();
  private cancelCheckpointTimer: (() => void) | undefined;
  /** The checkpoint request the writer has not answered yet (one at a time). */
  private checkpointInFlight: Promise<void> | undefined;

  constructor(options: SqliteAlertPersistenceOptions) {
    this.path = options.path;
    this.clock = options.clock;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxPending = options.maxPending ?? 1000;
    this.decodeBody = options.decodeBody;
    this.compactAfterBytes = options.compactAfterBytes ?? 64 * 1024 * 1024;
    this.logger = options.logger;
    this.db = openAlertsDb(options.path);
    this.nextSeq = lastSeq(this.db) + 1;
  }

  /**
   * Records alerts as they are, one entry each. A version not yet handed to the writer is
   * replaced by the newer one: a 'set' overwrites whatever came before it, so replaying the
   * rest without the older version ends in the same state.
   */
  saveBatch(alerts: readonly Alert[]): void {
    this.ensureOpen();
    for (const a of alerts) {
      const position = this.pendingSetAt.get(a.fingerprint);
      const at = position === undefined ? -1 : position - this.pendingTaken;
      if (at >= 0) {
        const superseded = this.pending[at]!;
        this.pendingBytes -= entryBytes(superseded.entry);
        this.pending[at] = { seq: superseded.seq, entry: { kind: 'set', alerts: [] } };
      }
      this.pendingSetAt.set(a.fingerprint, this.pendingTaken + this.pending.length);
      this.append({ kind: 'set', alerts: [a] });
    }
  }

  recordPost(posted: PostedBody): void {
    this.append({ kind: 'post', posted });
  }

  deleteBatch(fingerprints: readonly string[]): void {
    this.append({ kind: 'delete', fingerprints: [...fingerprints] });
  }

  /**
   * Every alert recorded and not deleted: the snapshot, then the journal replayed, including
   * entries not yet committed (so a caller sees its own writes). Throws StorageError when the
   * file cannot be read or replayed.
   */
  loadAll(): Alert[] {
    let stored: ReturnType<typeof readAlertsDb>;
    try {
      stored = readAlertsDb(this.db);
    } catch (err) {
      throw new StorageError(`cannot read alerts from "${this.path}": ${(err as Error).message}`, { cause: err });
    }
    const held = new Map<string, Alert>();
    for (const a of stored.snapshot) held.set(a.fingerprint, newAlert(a));
    // Entries by sequence number: one both committed and still in memory counts once.
    const entries = new Map<number, JournalEntry>();
    for (const e of stored.entries) entries.set(e.seq, e.entry);
    for (const batch of [...this.inFlight.values(), this.pending]) {
      for (const e of batch) if (e.seq > stored.snapshotSeq) entries.set(e.seq, e.entry);
    }
    const sorted = [...entries.keys()].sort((a, b) => a - b);
    const needsDecoder = sorted.find((seq) => entries.get(seq)!.kind === 'post');
    if (needsDecoder !== undefined && !this.decodeBody) {
      throw new StorageError(`cannot replay journal entry ${needsDecoder} of "${this.path}": it holds a POST body, but no decoder was given`);
    }
    for (const seq of sorted) {
      try {
        replayEntry(held, entries.get(seq)!, this.decodeBody);
      } catch (err) {
        // One body that no longer decodes (say, written by a version with other rules) must not
        // keep the daemon from starting with everything else: skip it, say so.
        this.logger?.warn({ err, seq }, `skipped journal entry ${seq} of "${this.path}": it does not replay`);
      }
    }
    if (!this.loaded) {
      // What the file held when opened counts towards the next snapshot.
      this.loaded = true;
      this.heldAtSnapshot = stored.snapshot.length;
      this.journalBytes += stored.journalBytes;
    }
    return [...held.values()];
  }

  /**
   * Names where the held alerts are read from when a snapshot is due (AlertStore does this);
   * without it the journal only grows.
   */
  attachSnapshotSource(source: () => readonly Alert[]): void {
    this.snapshotSource = source;
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
   * are logged: those connections still checkpoint by themselves once their WAL is very large).
   */
  async checkpointWals(): Promise<void> {
    this.cancelCheckpointTimer?.();
    this.cancelCheckpointTimer = undefined;
    while (this.checkpointInFlight) await this.checkpointInFlight;
    if (this.walsToCheckpoint.size === 0 || this.closed) return;
    const paths = [...this.walsToCheckpoint];
    this.walsToCheckpoint.clear();
    this.checkpointInFlight = this.call(this.nextId++, { checkpoint: paths })
      .catch((err: Error) => this.logger?.warn({ err }, 'checkpointing a SQLite WAL failed; its connection checkpoints by itself once the WAL is large'))
      .finally(() => (this.checkpointInFlight = undefined));
    await this.checkpointInFlight;
  }

  /** Number of entries not yet handed to the writer. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Hands the pending entries to the writer now, in batches of up to `maxPending` entries and
   * MAX_BATCH_BYTES — as many batches as MAX_IN_FLIGHT allows; the rest wait until one is committed.
   */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.pending.length > 0 && !this.closed && this.inFlight.size < MAX_IN_FLIGHT) this.handOver(this.takeBatch());
    if (this.pending.length === 0) this.forgetPendingSets();
    else this.armTimer();
  }

  /** Later 'set' entries no longer replace earlier ones still pending (which stay as they are). */
  private forgetPendingSets(): void {
    this.pendingSetAt = new Map();
    this.pendingTaken = 0;
  }

  /** Removes the next batch from the front of `pending`. */
  private takeBatch(): SequencedEntry[] {
    let count = 0;
    let bytes = 0;
    while (count < this.pending.length && count < this.maxPending && (count === 0 || bytes < MAX_BATCH_BYTES)) {
      bytes += entryBytes(this.pending[count]!.entry);
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.pendingBytes -= bytes;
    this.pendingTaken += count;
    return batch;
  }

  private handOver(entries: SequencedEntry[]): void {
    const id = this.nextId++;
    this.inFlight.set(id, entries);
    this.call(id, { entries }).then(
      () => {
        this.inFlight.delete(id);
        if (this.batchDue()) this.flush();
        else this.armTimer();
      },
      (err: Error) => {
        this.inFlight.delete(id);
        this.logger?.error({ err, entries: entries.length }, `persisting alerts to "${this.path}" failed; will retry`);
        this.pending = [...entries, ...this.pending];
        this.pendingBytes = this.pending.reduce((sum, e) => sum + entryBytes(e.entry), 0);
        this.forgetPendingSets();
        this.armTimer();
      },
    );
  }

  /**
   * Writes the held alerts as a new snapshot now (unless one is being written) and resolves
   * once it is in force. Normally started by itself once the journal has grown enough.
   */
  snapshot(): Promise<void> {
    this.ensureOpen();
    if (!this.snapshotSource) return Promise.resolve();
    this.snapshotting ??= this.writeSnapshot(this.snapshotSource).finally(() => (this.snapshotting = undefined));
    return this.snapshotting;
  }

  /** Flushes, then resolves once everything handed to the writer (and any snapshot) is committed. */
  async drain(): Promise<void> {
    for (;;) {
      this.flush();
      const waits = [...this.calls.values()].map((c) => c.answered);
      if (this.snapshotting) waits.push(this.snapshotting.catch(() => {}));
      if (waits.length === 0 && this.pending.length === 0) return;
      await Promise.all(waits);
    }
  }

  /** Commits everything pending, then stops the writer and closes the file; later saves throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    this.cancelTimer?.();
    this.cancelCheckpointTimer?.();
    this.cancelCheckpointTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.ref();
      worker.postMessage({ close: true } satisfies WriterRequest);
      await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    }
    this.db.close();
  }

  private append(entry: JournalEntry): void {
    this.ensureOpen();
    const bytes = entryBytes(entry);
    this.pending.push({ seq: this.nextSeq++, entry });
    this.pendingBytes += bytes;
    this.journalBytes += bytes;
    if (this.batchDue()) this.flush();
    else this.armTimer();
    if (!this.snapshotting && this.journalBytes > this.compactAfterBytes + this.heldAtSnapshot * JOURNAL_BYTES_PER_ALERT) {
      void this.snapshot().catch(() => {});
    }
  }

  private batchDue(): boolean {
    return this.pending.length >= this.maxPending || this.pendingBytes >= MAX_BATCH_BYTES;
  }

  private async writeSnapshot(source: () => readonly Alert[]): Promise<void> {
    // Entries up to here are what the picture shows; everything after stays in the journal.
    this.flush();
    const upToSeq = this.nextSeq - 1;
    const alerts = source();
    const bytesBefore = this.journalBytes;
    const started = this.clock.nowMs();
    try {
      await this.call(this.nextId++, { snapshot: 'begin' });
      for (let i = 0; i < alerts.length; i += SNAPSHOT_PART) {
        // One part per turn of the event loop: requests are served between parts.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.call(this.nextId++, { snapshot: 'add', alerts: alerts.slice(i, i + SNAPSHOT_PART) });
      }
      await this.call(this.nextId++, { snapshot: 'finish', upToSeq });
    } catch (err) {
      // The journal still holds everything; try again after as much again has piled up.
      this.heldAtSnapshot = Math.max(this.heldAtSnapshot, alerts.length);
      this.journalBytes = Math.floor(bytesBefore / 2);
      this.logger?.error({ err }, `writing a snapshot of the alerts to "${this.path}" failed`);
      throw err;
    }
    this.heldAtSnapshot = alerts.length;
    this.journalBytes -= bytesBefore;
    this.logger?.debug({ alerts: alerts.length, journalBytes: bytesBefore, ms: this.clock.nowMs() - started }, 'alerts snapshot written');
  }

  private call(id: number, request: DistributiveOmit<WriterCall, 'id'>): Promise<void> {
    const worker = this.writer();
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.calls.set(id, { resolve, reject, answered: done.catch(() => {}) });
    // Keep the process alive while something is on its way to disk, not while idle.
    worker.ref();
    worker.postMessage({ id, ...request } as WriterCall satisfies WriterRequest);
    return done;
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
      if (!('id' in reply)) return;
      const call = this.calls.get(reply.id);
      if (!call) return;
      this.calls.delete(reply.id);
      if (this.calls.size === 0) worker.unref();
      if (reply.error !== undefined) call.reject(new Error(reply.error));
      else call.resolve();
    });
    worker.on('error', (err) => this.writerDied(worker, err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.writerDied(worker, new Error(`alert writer exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  /** Fails every call the dead writer had not answered; journal batches go back to pending. */
  private writerDied(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.logger?.error({ err }, `alert writer for "${this.path}" stopped; restarting it`);
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.reject(err);
  }

  private armTimer(): void {
    if (this.cancelTimer !== undefined || this.pending.length === 0 || this.closed) return;
    this.cancelTimer = this.clock.setTimer(this.flushIntervalMs, () => {
      this.cancelTimer = undefined;
      this.flush();
    });
  }
}
