/**
 * Worker thread that writes the alert persistence's batches, so that JSON encoding and
 * SQLite's few microseconds per row are not spent on the thread that serves the API.
 * Protocol: receives { id, batch } and answers { id, error? } once committed; receives
 * { close: true }, closes the database and answers { closed: true }.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { alertWriter, openAlertsDb, type AlertBatch } from './sqlite-schema.js';

/** Nice value of the writer thread (0 normal, 19 lowest). */
const WRITER_NICE = 10;

export type WriterRequest = { readonly id: number; readonly batch: AlertBatch } | { readonly close: true };
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
const write = alertWriter(db);

port.on('message', (msg: WriterRequest) => {
  if ('close' in msg) {
    db.close();
    port.postMessage({ closed: true } satisfies WriterReply);
    port.close();
    return;
  }
  try {
    write(msg.batch);
    port.postMessage({ id: msg.id } satisfies WriterReply);
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).message } satisfies WriterReply);
  }
});
