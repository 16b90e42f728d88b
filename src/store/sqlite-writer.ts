/**
 * Worker thread that writes the alert persistence's batches, so that JSON encoding and
 * SQLite's few microseconds per row are not spent on the thread that serves the API; it also
 * checkpoints the WAL of other databases written on the main thread (see WalCheckpointer).
 * Protocol: receives { id, batch } and answers { id, error? } once committed; receives
 * { checkpoint: paths } and answers { checkpointed: paths, errors } once it checkpointed each
 * whose WAL has WAL_CHECKPOINT_FRAMES or more waiting (PASSIVE: never waits for, nor holds up,
 * a writer); receives { close: true }, closes the databases and answers { closed: true }.
 */
import type Database from 'better-sqlite3';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { framesToCheckpoint, openSqlite, WAL_CHECKPOINT_FRAMES } from '../util/sqlite.js';
import { alertWriter, openAlertsDb, type AlertBatch } from './sqlite-schema.js';

/** Nice value of the writer thread (0 normal, 19 lowest). */
const WRITER_NICE = 10;

export type WriterRequest =
  | { readonly id: number; readonly batch: AlertBatch }
  | { readonly checkpoint: readonly string[] }
  | { readonly close: true };
export type WriterReply =
  | { readonly id: number; readonly error?: string }
  | { readonly checkpointed: readonly string[]; readonly errors: readonly string[] }
  | { readonly closed: true };

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
const write = alertWriter(db);
/** Connections to the databases whose WAL this thread checkpoints, by path. */
const checkpointed = new Map<string, Database.Database>();

function checkpoint(paths: readonly string[]): WriterReply {
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
  return { checkpointed: paths, errors };
}

port.on('message', (msg: WriterRequest) => {
  if ('close' in msg) {
    for (const other of checkpointed.values()) other.close();
    db.close();
    port.postMessage({ closed: true } satisfies WriterReply);
    port.close();
    return;
  }
  if ('checkpoint' in msg) {
    port.postMessage(checkpoint(msg.checkpoint));
    return;
  }
  try {
    write(msg.batch);
    port.postMessage({ id: msg.id } satisfies WriterReply);
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).message } satisfies WriterReply);
  }
});
