/**
 * Worker thread that writes the alert persistence's batches, so that JSON encoding and
 * SQLite's few microseconds per row are not spent on the thread that serves the API.
 * Protocol: receives { id, batch } and answers { id, error? } once committed; receives
 * { close: true }, closes the database and answers { closed: true }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { alertWriter, openAlertsDb, type AlertBatch } from './sqlite-schema.js';

export type WriterRequest = { readonly id: number; readonly batch: AlertBatch } | { readonly close: true };
export type WriterReply = { readonly id: number; readonly error?: string } | { readonly closed: true };

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
