// Serves our silence routers from a real express app on 127.0.0.1:0 over a real SQLite file,
// the way the API app mounts them, for HTTP and amtool tests.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { apiErrorHandler } from '../../src/api/errors.js';
import { recurringSilencesRouter } from '../../src/api/ext/recurring-silences.js';
import { silencesRouter } from '../../src/api/v2/silences.js';
import { RecurringSilences } from '../../src/silence/recurring-store.js';
import { SilenceRepository } from '../../src/silence/repository.js';
import type { Clock } from '../../src/util/clock.js';

type Cleanup = { after(fn: () => void | Promise<void>): void };

export interface SilenceApi {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:12345 */
  readonly url: string;
  readonly repo: SilenceRepository;
  readonly recurring: RecurringSilences;
  readonly dbPath: string;
  request(method: string, path: string, body?: string, contentType?: string): Promise<{ status: number; text: string; headers: Headers }>;
}

/** Starts the app; closed and its folder removed when the test ends. */
export async function startSilenceApi(t: Cleanup, clock: Clock): Promise<SilenceApi> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-silence-api-'));
  const dbPath = join(dir, 'silences.db');
  const repo = new SilenceRepository(dbPath);
  const recurring = new RecurringSilences({ repository: repo, clock });
  const app = express();
  app.set('query parser', 'simple');
  app.set('etag', false);
  app.set('x-powered-by', false);
  app.use('/api/v2', silencesRouter({ clock, silences: repo }));
  app.use('/api/ext/v1', recurringSilencesRouter({ clock, recurring }));
  app.use(apiErrorHandler(pino({ level: 'silent' })));
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    repo.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    repo,
    recurring,
    dbPath,
    async request(method, path, body, contentType = 'application/json') {
      const res = await fetch(url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': contentType },
        ...(body === undefined ? {} : { body }),
      });
      return { status: res.status, text: await res.text(), headers: res.headers };
    },
  };
}
