/**
 * What bench/run.ts and bench/latency.ts share: the real Alertmanager 0.25 and alertrouter
 * started side by side with one configuration (50 regex routes, a `latency` route with a 1 s
 * group_wait), a webhook capture server, a keep-alive HTTP client, the latency samples and CPU
 * time read from /proc. Loopback only; every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sleep } from './proc.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
export const ALERTROUTER_MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
/** group_wait of the route the latency alerts take; subtracted from every latency sample. */
export const LATENCY_GROUP_WAIT_MS = 1000;
/** Requests in flight per daemon at most (the agent's sockets). */
export const IN_FLIGHT = 8;

/** Alerts per POST. */
export const BATCH = 100;

export interface Target {
  name: string;
  url: URL;
  proc: ChildProcess;
  agent: Agent;
}

/** The value at quantile `q` of ascending `sorted`. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export interface Capture {
  server: Server;
  port: number;
  /** `/<daemon>/<receiver>|<latency_id>` → performance.now() when its webhook arrived (first one). */
  arrivals: Map<string, number>;
}

/** Webhook capture: records the arrival time of each latency alert, by path and latency_id. */
export function startCapture(): Promise<Capture> {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: { labels: Record<string, string> }[] };
        for (const a of body.alerts) {
          const key = `${req.url}|${a.labels.latency_id}`;
          if (a.labels.latency_id && !arrivals.has(key)) arrivals.set(key, now);
        }
      } catch {
        /* not ours */
      }
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, arrivals })),
  );
}

export function configYaml(capturePort: number, target: string): string {
  const routes: string[] = [];
  for (let i = 0; i < 50; i++) {
    routes.push(`    - receiver: team-${i}
      matchers: ['service=~"svc-${i}-.*"', 'severity=~"critical|warning"']
      group_by: [alertname, service]`);
  }
  const receivers = Array.from({ length: 50 }, (_, i) => `  - name: team-${i}
    webhook_configs:
      - url: http://127.0.0.1:${capturePort}/${target}/team-${i}
        send_resolved: false`);
  return `global:
  resolve_timeout: 1h
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10m
  group_interval: 10m
  repeat_interval: 12h
  routes:
    - receiver: latency
      matchers: ['bench="latency"']
      group_by: [latency_id]
      group_wait: ${LATENCY_GROUP_WAIT_MS / 1000}s
${routes.join('\n')}
receivers:
  - name: default
  - name: latency
    webhook_configs:
      - url: http://127.0.0.1:${capturePort}/${target}/latency
${receivers.join('\n')}
`;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitReady(url: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url}: process exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} did not become ready within 20s`);
}

export interface StartOptions {
  /** alertrouter's main.js to run; absent: the real Alertmanager. */
  readonly main?: string;
  /** Extra node flags for alertrouter. */
  readonly nodeArgs?: readonly string[];
  /** File the daemon's standard output goes to (e.g. --trace-gc output); discarded when absent. */
  readonly stdoutFile?: string;
}

/** Starts a daemon named `name` with configYaml, its data under `dir`; resolves once it is ready. */
export async function start(name: string, capturePort: number, dir: string, options: StartOptions = {}): Promise<Target> {
  const port = await freePort();
  const cfg = join(dir, `${name}.yml`);
  writeFileSync(cfg, configYaml(capturePort, name));
  const args = [`--config.file=${cfg}`, `--storage.path=${join(dir, `${name}-data`)}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'];
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'ignore';
  const proc = options.main
    ? spawn(process.execPath, [...(options.nodeArgs ?? []), options.main, ...args], { stdio: ['ignore', stdout, 'inherit'] })
    : spawn(ALERTMANAGER_BIN, args, { stdio: ['ignore', stdout, 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, proc);
  return { name, url: new URL(url), proc, agent: new Agent({ keepAlive: true, maxSockets: IN_FLIGHT }) };
}

/** Stops the daemons (SIGTERM) and resolves once they have exited, so their files can go. */
export async function stopAll(targets: readonly Target[]): Promise<void> {
  await Promise.all(
    targets.map((t) => {
      t.agent.destroy();
      const exited = t.proc.exitCode !== null ? Promise.resolve() : new Promise((r) => t.proc.once('exit', r));
      t.proc.kill('SIGTERM');
      return exited;
    }),
  );
}

/** One HTTP exchange on the target's keep-alive agent; resolves to status and body. */
export function send(t: Target, options: { method: string; path: string; body?: Buffer }): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (options.body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = options.body.length;
    }
    const req = request(
      { agent: t.agent, host: t.url.hostname, port: t.url.port, path: options.path, method: options.method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Alert number `i`: ~8 labels, one of 50 services (the 50 routes), 20 alertnames. */
function makeAlert(i: number, prefix: string): object {
  const team = i % 50;
  return {
    labels: {
      alertname: `Bench${i % 20}`,
      service: `svc-${team}-${i % 7}`,
      severity: i % 3 === 0 ? 'critical' : 'warning',
      instance: `host-${i}.example.org:9100`,
      job: `job-${i % 11}`,
      cluster: `eu-${i % 3}`,
      env: 'prod',
      id: `${prefix}${i}`,
    },
    annotations: { summary: `bench alert ${i}` },
    generatorURL: 'http://prometheus.example.org/graph',
  };
}

/**
 * Batches of BATCH alerts numbered from `from` (ids `<prefix><n>`), encoded up front so that a
 * figure is the server's, not the client's.
 */
export function buildBodies(from: number, count: number, prefix: string): Buffer[] {
  const bodies: Buffer[] = [];
  for (let start = from; start < from + count; start += BATCH) {
    const alerts = [];
    for (let i = start; i < Math.min(from + count, start + BATCH); i++) alerts.push(makeAlert(i, prefix));
    bodies.push(Buffer.from(JSON.stringify(alerts)));
  }
  return bodies;
}

/** Posts the bodies with IN_FLIGHT requests in flight; returns alerts per second. */
export async function postBodies(t: Target, bodies: readonly Buffer[], alerts: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  async function worker(): Promise<void> {
    while (next < bodies.length) {
      const r = await send(t, { method: 'POST', path: '/api/v2/alerts', body: bodies[next++]! });
      if (r.status !== 200) throw new Error(`${t.name}: POST /api/v2/alerts answered ${r.status}: ${r.body.toString()}`);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return alerts / ((performance.now() - t0) / 1000);
}

/** Latency samples of one target: webhook arrival minus POST start minus group_wait, and the POST's own time (ms). */
export interface LatencySamples {
  /** Ascending. */
  readonly latencyMs: number[];
  /** Ascending. */
  readonly postMs: number[];
}

/**
 * `samples` new alerts per target, alternating between the targets 5 ms apart so load changes
 * hit all alike, each in its own group on the `latency` route; waits for their webhooks (at most
 * 30 s past group_wait; a missing one counts as Infinity). `idPrefix` keeps repeated calls apart.
 */
export async function latencySamples(
  targets: readonly Target[],
  arrivals: ReadonlyMap<string, number>,
  options: { readonly samples: number; readonly idPrefix?: string },
): Promise<LatencySamples[]> {
  const sent = targets.map(() => new Map<string, { atMs: number; postMs: number }>());
  for (let i = 0; i < options.samples; i++) {
    for (const [j, t] of targets.entries()) {
      const id = `${t.name}-${options.idPrefix ?? ''}${i}`;
      const body = Buffer.from(JSON.stringify([{ labels: { alertname: 'Latency', bench: 'latency', latency_id: id } }]));
      const atMs = performance.now();
      await send(t, { method: 'POST', path: '/api/v2/alerts', body });
      sent[j]!.set(id, { atMs, postMs: performance.now() - atMs });
      await sleep(5);
    }
  }
  const key = (t: Target, id: string) => `/${t.name}/latency|${id}`;
  const missing = () => targets.some((t, j) => [...sent[j]!.keys()].some((id) => !arrivals.has(key(t, id))));
  const deadline = Date.now() + LATENCY_GROUP_WAIT_MS + 30_000;
  while (Date.now() < deadline && missing()) await sleep(100);
  return targets.map((t, j) => {
    const entries = [...sent[j]!];
    return {
      latencyMs: entries.map(([id, s]) => (arrivals.get(key(t, id)) ?? Infinity) - s.atMs - LATENCY_GROUP_WAIT_MS).sort((a, b) => a - b),
      postMs: entries.map(([, s]) => s.postMs).sort((a, b) => a - b),
    };
  });
}
