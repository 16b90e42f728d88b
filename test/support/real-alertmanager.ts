// Runs the real Alertmanager 0.25 on loopback for differential tests, with a webhook sink that
// hands over notifications as they arrive (tests await them instead of sleeping).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

type Cleanup = { after(fn: () => void | Promise<void>): void };

/** A webhook notification as Alertmanager sends it (the fields the tests look at). */
export interface WebhookMessage {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly groupKey: string;
  readonly groupLabels: Record<string, string>;
  readonly alerts: ReadonlyArray<{ status: 'firing' | 'resolved'; labels: Record<string, string>; startsAt: string; endsAt: string }>;
}

export interface WebhookSink {
  /** Base URL; Alertmanager posts to `${url}/<receiver name>`. */
  readonly url: string;
  /** Notifications received so far, oldest first, with the arrival time (Date.now()). */
  readonly received: Array<{ readonly path: string; readonly atMs: number; readonly message: WebhookMessage }>;
  /** Resolves once `count` notifications have arrived in total; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

/** An HTTP server on 127.0.0.1 collecting webhook notifications; closed when the test ends. */
export async function startWebhookSink(t: Cleanup): Promise<WebhookSink> {
  const received: WebhookSink['received'] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ path: req.url ?? '', atMs: Date.now(), message: JSON.parse(body) as WebhookMessage });
      res.writeHead(200).end();
      for (const w of waiters) if (received.length >= w.count) w.resolve();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    waitFor(count, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited ${timeoutMs}ms for notification #${count}; got ${received.length}`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

export interface RealAlertmanager {
  /** host:port it listens on. */
  readonly address: string;
  /** Every log line so far (standard error). */
  readonly log: string[];
  /** POSTs alerts (API v2 JSON objects) and fails the test on a non-200 answer. */
  postAlerts(alerts: readonly object[]): Promise<void>;
  /** GET /api/v2/alerts. */
  getAlerts(): Promise<Array<{ labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string }>>;
}

/**
 * Starts `binary` with `configYaml`, clustering off, on a free loopback port; waits until it
 * serves. Stopped and its folder removed when the test ends. `extraArgs` are added to the
 * command line (e.g. `--web.external-url=…`).
 */
export async function startAlertmanager(
  t: Cleanup,
  binary: string,
  configYaml: string,
  options: { readonly extraArgs?: readonly string[] } = {},
): Promise<RealAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-am-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const am = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', '--log.level=info', ...(options.extraArgs ?? [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  t.after(async () => {
    if (am.exitCode === null) {
      am.kill('SIGTERM');
      await once(am, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const log: string[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    createInterface({ input: am.stderr! }).on('line', (line) => {
      log.push(line);
      // logfmt (the default) or --log.format=json (keys sorted: address comes before msg).
      const m = /msg="Listening on" address=(\S+)/.exec(line) ?? /"address":"([^"]+)".*"msg":"Listening on"/.exec(line);
      if (m) resolve(m[1]!);
    });
    am.once('exit', () => reject(new Error(`Alertmanager did not start:\n${log.join('\n')}`)));
  });
  return {
    address,
    log,
    async postAlerts(alerts) {
      const res = await fetch(`http://${address}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (res.status !== 200) throw new Error(`Alertmanager refused alerts: ${res.status} ${await res.text()}`);
    },
    async getAlerts() {
      const res = await fetch(`http://${address}/api/v2/alerts`);
      return (await res.json()) as Awaited<ReturnType<RealAlertmanager['getAlerts']>>;
    },
  };
}
