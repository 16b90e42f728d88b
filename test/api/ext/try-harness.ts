// Serves the try-before-you-page router on 127.0.0.1 over real parts: a config loaded from
// YAML, its integrations (buildIntegrations), its routing tree and the given templates.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { apiErrorHandler } from '../../../src/api/errors.js';
import { tryRouter, type TryAlertGroup } from '../../../src/api/ext/try.js';
import { loadConfigString } from '../../../src/config/load.js';
import { buildRouteTree } from '../../../src/dispatch/route.js';
import { buildIntegrations } from '../../../src/notify/build.js';
import { Templates } from '../../../src/template/template.js';
import type { Clock } from '../../../src/util/clock.js';

export interface TryServer {
  /** Base URL, as --alertmanager.url; the routes are under `${url}/api/ext/v1`. */
  readonly url: string;
  close(): Promise<void>;
}

export interface TryServerOptions {
  readonly configYaml: string;
  readonly clock: Clock;
  readonly externalURL: string;
  readonly templates?: Templates;
  /** The dispatcher's groups, as the test sets them. */
  readonly groups?: readonly TryAlertGroup[];
  readonly maxBodyBytes?: number;
}

/** Starts the server on an ephemeral port. */
export async function startTryServer(options: TryServerOptions): Promise<TryServer> {
  const { clock, externalURL } = options;
  const config = loadConfigString(options.configYaml);
  const templates = options.templates ?? Templates.fromStrings();
  const integrations = buildIntegrations(config, { templates, externalURL, clock });
  const route = buildRouteTree(config.route);
  const app = express();
  app.use(
    '/api/ext/v1',
    tryRouter({
      clock,
      logger: pino({ level: 'silent' }),
      externalURL,
      current: () => ({ templates, integrations, resolveTimeoutMs: config.global.resolveTimeoutMs, match: (labels) => route.match(labels) }),
      groups: () => options.groups ?? [],
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    }),
  );
  // The router throws ApiError; the app's error middleware answers, as in the daemon.
  app.use(apiErrorHandler(pino({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
