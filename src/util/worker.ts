import { Worker, type WorkerOptions } from 'node:worker_threads';
import { repinAfterWorkerStart } from './heap-tuning.js';

/**
 * Starts a worker thread running the module `name` (no extension) next to `baseUrl` (the
 * caller's import.meta.url). Compiled code runs `name.js`; when the caller runs as TypeScript
 * under tsx (tests, dev), worker threads do not inherit tsx's loader, so the worker first
 * registers it and then imports `name.ts`.
 */
export function startModuleWorker(baseUrl: string, name: string, options: Pick<WorkerOptions, 'workerData' | 'resourceLimits'> = {}): Worker {
  let worker: Worker;
  if (!baseUrl.endsWith('.ts')) {
    worker = new Worker(new URL(`./${name}.js`, baseUrl), options);
  } else {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL(`./${name}.ts`, baseUrl).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    worker = new Worker(bootstrap, { ...options, eval: true });
  }
  // The worker thread re-applies the command line's V8 flags as it starts ('online' follows).
  worker.once('online', repinAfterWorkerStart);
  return worker;
}
