/**
 * Runs the API app on 127.0.0.1:0 over real parts: the AlertStore and AlertMarker, a routing
 * tree built from RouteConfig and the Dispatcher (its flushes go to a stage that records them).
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { createApiApp, type ApiAppOptions } from '../../src/api/app.js';
import type { ApiConfigView, ApiDeps } from '../../src/api/deps.js';
import type { RouteConfig } from '../../src/config/types.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { AlertMarker } from '../../src/store/marker.js';
import { AlertStore } from '../../src/store/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { routeConfig } from '../support/route-config.js';

/** The default tree of the API tests: `default` at the root; team a (continue), team b, pager below. */
export const DEFAULT_ROUTE = routeConfig({
  receiver: 'default',
  groupBy: ['alertname'],
  routes: [
    routeConfig({ receiver: 'team-a', matchers: '{team="a"}', continue: true }),
    routeConfig({ receiver: 'team-b', matchers: '{team="b"}' }),
    routeConfig({ receiver: 'pager', matchers: '{severity="page"}' }),
  ],
});

export interface Harness {
  readonly url: string;
  readonly clock: FakeClock;
  readonly store: AlertStore;
  readonly marker: AlertMarker;
  /** Group keys of the flushes the dispatcher sent down the pipeline, in order. */
  readonly flushed: string[];
  /** Replaces the config the API reads (what a reload would do). */
  setConfig(config: ApiConfigView): void;
  /** What the next reload() does. */
  reloadWith(fn: () => Promise<void>): void;
  post(path: string, body: string, contentType?: string): Promise<{ status: number; text: string; type: string | null }>;
  get(path: string): Promise<{ status: number; text: string; type: string | null; json: () => unknown }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly routePrefix?: string;
  readonly maxBodyBytes?: number;
  readonly extendV2?: ApiAppOptions['extendV2'];
  readonly route?: RouteConfig;
  readonly resolveTimeoutMs?: number;
  readonly startMs?: number;
}

/** Starts the app on an ephemeral loopback port. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new FakeClock(options.startMs);
  const marker = new AlertMarker();
  const store = new AlertStore({ clock, marker });
  const root = buildRouteTree(options.route ?? DEFAULT_ROUTE);
  const logger = pino({ level: 'silent' });
  const flushed: string[] = [];
  const dispatcher = new Dispatcher({
    alerts: store,
    route: root,
    clock,
    logger,
    stage: {
      exec: async (ctx, alerts) => {
        flushed.push(ctx.groupKey);
        return alerts;
      },
    },
  });
  dispatcher.start();
  let config: ApiConfigView = {
    original: 'route:\n  receiver: default\n',
    global: { resolveTimeoutMs: options.resolveTimeoutMs ?? 5 * 60_000 },
    receivers: [{ name: 'default' }, { name: 'team-a' }, { name: 'team-b' }, { name: 'pager' }],
  };
  let reload = async (): Promise<void> => {};
  const deps: ApiDeps = {
    clock,
    alerts: store,
    marker,
    config: () => config,
    receiversFor: (labels) => root.match(labels).map((r) => r.receiver),
    groups: () => dispatcher.groups(),
    reload: () => reload(),
    versionInfo: {
      version: '0.1.0',
      revision: 'abc123',
      branch: 'main',
      buildUser: 'test@host',
      buildDate: '20240115-12:00:00',
      goVersion: 'node20',
    },
    startedAtMs: clock.nowMs(),
    peer: { name: 'node-1', address: '127.0.0.1:9094' },
  };
  const app = createApiApp(deps, {
    routePrefix: options.routePrefix ?? '/',
    logger,
    maxBodyBytes: options.maxBodyBytes,
    extendV2: options.extendV2,
  });
  const server: Server = await new Promise((resolve) => {
    const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    clock,
    store,
    marker,
    flushed,
    setConfig: (c) => {
      config = c;
    },
    reloadWith: (fn) => {
      reload = fn;
    },
    async post(path, body, contentType = 'application/json') {
      // A byte body makes fetch send no Content-Type of its own (a string body gets text/plain).
      const init: RequestInit =
        contentType === ''
          ? { method: 'POST', body: new TextEncoder().encode(body) }
          : { method: 'POST', body, headers: { 'content-type': contentType } };
      const res = await fetch(url + path, init);
      return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
    },
    async get(path) {
      const res = await fetch(url + path);
      const text = await res.text();
      return { status: res.status, text, type: res.headers.get('content-type'), json: () => JSON.parse(text) };
    },
    async close() {
      await dispatcher.stop();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
