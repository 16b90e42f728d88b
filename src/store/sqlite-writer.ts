/**
 * Worker thread that writes the alert persistence's journal and snapshots, so that SQLite's
 * work and the JSON encoding of snapshots are not spent on the thread that serves the API; it
 * also checkpoints the WAL of other databases written on the main thread (see WalCheckpointer).
 * Protocol, answered in the order received:
 *   { id, entries }                      append → { id, error? } once committed
 *   { id, snapshot: 'begin' }            start a snapshot → { id, error? }
 *   { id, snapshot: 'add', alerts }      add to it → { id, error? }
 *   { id, snapshot: 'finish', upToSeq }  swap it in → { id, error? }
 *   { id, checkpoint: paths }            checkpoint those WALs that are large → { id, error? }
 *   { close: true }                      close the database → { closed: true }
 */
import type Database from 'better-sqlite3';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Alert } from '../alert/alert.js';
import { framesToCheckpoint, openSqlite, WAL_CHECKPOINT_FRAMES } from '../util/sqlite.js';
import type { SequencedEntry } from './journal.js';
import { alertsDbWriter, openAlertsDb } from './sqlite-schema.js';

/** Nice value of the writer thread (0 normal, 19 lowest). */
const WRITER_NICE = 10;

export type WriterRequest =
  | { readonly id: number; readonly entries: readonly SequencedEntry[] }
  | { readonly id: number; readonly snapshot: 'begin' }
  | { readonly id: number; readonly snapshot: 'add'; readonly alerts: readonly Alert[] }
  | { readonly id: number; readonly snapshot: 'finish'; readonly upToSeq: number }
  | { readonly id: number; readonly checkpoint: readonly string[] }
  | { readonly close: true };
export type WriterReply = { readonly id: number; readonly error?: string } | { readonly closed: true };

// Under CPU contention, serving the API and sending notifications come first: this thread
// runs at a lower priority (nice 10) and catches up when the CPU is free; its batches keep
// coalescing meanwhile. Only on Linux, where a thread's priority is its own (elsewhere this
// call would lower the whole process).
if (process.platform === 'linux') {
  try {
    setPriority(WRITER_NICE);
  } catch {
    // Not allowed here (e.g. a seccomp profile): run at normal priority.
  }
}

const port = parentPort!;
const db = openAlertsDb((workerData as { path: string }).path);
const writer = alertsDbWriter(db);
/** Connections to the databases whose WAL this thread checkpoints, by path. */
const checkpointed = new Map<string, Database.Database>();

/** Checkpoints each WAL that is large enough; throws naming those that failed. */
function checkpoint(paths: readonly string[]): void {
  const errors: string[] = [];
  for (const path of paths) {
    try {
      // A smaller WAL waits: every checkpoint costs the writer a sync when it next commits.
      if (framesToCheckpoint(path) < WAL_CHECKPOINT_FRAMES) continue;
      let other = checkpointed.get(path);
      if (!other) {
        other = openSqlite(path, { synchronous: 'NORMAL', checkpointedElsewhere: true });
        checkpointed.set(path, other);
      }
      other.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      errors.push(`${path}: ${(err as Error).message}`);
    }
  }
  if (errors.length > 0) throw new Error(errors.join('; '));
}

function handle(msg: Exclude<WriterRequest, { close: true }>): void {
  if ('entries' in msg) writer.append(msg.entries);
  else if ('checkpoint' in msg) checkpoint(msg.checkpoint);
  else if (msg.snapshot === 'begin') writer.beginSnapshot();
  else if (msg.snapshot === 'add') writer.addToSnapshot(msg.alerts);
  else writer.finishSnapshot(msg.upToSeq);
}

port.on('message', (msg: WriterRequest) => {
  if ('close' in msg) {
    for (const other of checkpointed.values()) other.close();
    db.close();
    port.postMessage({ closed: true } satisfies WriterReply);
    port.close();
    return;
  }
  try {
    handle(msg);
    port.postMessage({ id: msg.id } satisfies WriterReply);
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).message } satisfies WriterReply);
  }
});
