/**
 * npm run bench — alertrouter and the real Alertmanager side by side, same config, same load,
 * one run, printed as figures and ratios. Loopback only; every loop is bounded.
 *
 *   ingest alerts/s     batches of 100 alerts, ~8 labels, routed through 50 regex routes
 *   RSS                 with 10k and 100k active alerts
 *   groups time         GET /api/v2/alerts/groups with 100k active alerts
 *   webhook latency     POST of a new alert → webhook arrival, minus group_wait (p50, p99)
 *
 * Env: BENCH_INGEST (alerts for the ingest figure, default 50000), BENCH_ACTIVE (default 100000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';

const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
const ALERTROUTER_MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const INGEST_ALERTS = Number(process.env.BENCH_INGEST ?? 50_000);
const ACTIVE_ALERTS = Number(process.env.BENCH_ACTIVE ?? 100_000);
const BATCH = 100;
const IN_FLIGHT = 8;
const LATENCY_SAMPLES = 200;
const LATENCY_GROUP_WAIT_MS = 1000;

interface Target {
  name: string;
  url: string;
  proc: ChildProcess;
}

/** Webhook capture: records arrival time per alertname of the latency alerts. */
function startCapture(): Promise<{ server: Server; port: number; arrivals: Map<string, number> }> {
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

function configYaml(capturePort: number, target: string): string {
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
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready within 20s`);
}

async function start(name: string, capturePort: number, dir: string): Promise<Target> {
  const port = await freePort();
  const cfg = join(dir, `${name}.yml`);
  writeFileSync(cfg, configYaml(capturePort, name));
  const storage = join(dir, `${name}-data`);
  const args = [`--config.file=${cfg}`, `--storage.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'];
  const proc =
    name === 'alertmanager'
      ? spawn(ALERTMANAGER_BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawn(process.execPath, [ALERTROUTER_MAIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, proc);
  return { name, url, proc };
}

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

/** Request bodies are built before the clock starts, so the figure is the server's, not the client's. */
function buildBodies(from: number, count: number, prefix: string): string[] {
  const bodies: string[] = [];
  for (let start = from; start < from + count; start += BATCH) {
    const alerts = [];
    for (let i = start; i < Math.min(from + count, start + BATCH); i++) alerts.push(makeAlert(i, prefix));
    bodies.push(JSON.stringify(alerts));
  }
  return bodies;
}

async function postBatches(url: string, from: number, count: number, prefix: string): Promise<number> {
  const bodies = buildBodies(from, count, prefix);
  let next = 0;
  const t0 = performance.now();
  async function worker(): Promise<void> {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const r = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!r.ok) throw new Error(`${url}: POST /api/v2/alerts answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return count / ((performance.now() - t0) / 1000);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function groupsTimeMs(url: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/v2/alerts/groups`);
  await r.arrayBuffer();
  if (!r.ok) throw new Error(`${url}: GET /api/v2/alerts/groups answered ${r.status}`);
  return performance.now() - t0;
}

async function latency(t: Target, arrivals: Map<string, number>): Promise<{ p50: number; p99: number }> {
  const sent = new Map<string, number>();
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const id = `${t.name}-${i}`;
    sent.set(id, performance.now());
    const body = [{ labels: { alertname: 'Latency', bench: 'latency', latency_id: id } }];
    await fetch(`${t.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await new Promise((r) => setTimeout(r, 10));
  }
  const deadline = Date.now() + LATENCY_GROUP_WAIT_MS + 30_000;
  const key = (id: string) => `/${t.name}/latency|${id}`;
  while (Date.now() < deadline && [...sent.keys()].some((id) => !arrivals.has(key(id)))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const lat = [...sent].map(([id, at]) => (arrivals.get(key(id)) ?? Infinity) - at - LATENCY_GROUP_WAIT_MS).sort((a, b) => a - b);
  const pick = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
  return { p50: pick(0.5), p99: pick(0.99) };
}

function row(label: string, am: number, ar: number, unit: string, better: 'higher' | 'lower'): string {
  const ratio = ar / am;
  return `${label.padEnd(34)} ${am.toFixed(1).padStart(10)} ${ar.toFixed(1).padStart(10)}  ${unit.padEnd(8)} ${ratio.toFixed(2).padStart(6)}x  (${better} is better)`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-bench-'));
  const capture = await startCapture();
  const targets: Target[] = [];
  try {
    targets.push(await start('alertmanager', capture.port, dir));
    targets.push(await start('alertrouter', capture.port, dir));
    const [am, ar] = targets as [Target, Target];
    const results: string[] = [];

    // Active set: 'active-' alerts stay firing (resolve_timeout 1h); warm-up posts part of it.
    for (const t of targets) await postBatches(t.url, 0, 2000, 'active-');
    for (const t of targets) await postBatches(t.url, 0, 10_000, 'active-');
    await new Promise((r) => setTimeout(r, 2000));
    results.push(row('RSS with 10k active alerts (MiB)', rssMiB(am.proc.pid!), rssMiB(ar.proc.pid!), 'MiB', 'lower'));

    const latAm = await latency(am, capture.arrivals);
    const latAr = await latency(ar, capture.arrivals);
    results.push(row('webhook latency p50 (ms)', latAm.p50, latAr.p50, 'ms', 'lower'));
    results.push(row('webhook latency p99 (ms)', latAm.p99, latAr.p99, 'ms', 'lower'));

    // Ingest of new alerts; alternate the two so neither profits from a quieter moment.
    const half = INGEST_ALERTS / 2;
    const ingestAm = await postBatches(am.url, 0, half, 'ingest-');
    const ingestAr = await postBatches(ar.url, 0, half, 'ingest-');
    const ingestAr2 = await postBatches(ar.url, half, half, 'ingest-');
    const ingestAm2 = await postBatches(am.url, half, half, 'ingest-');
    results.push(row('ingest (alerts/s)', (ingestAm + ingestAm2) / 2, (ingestAr + ingestAr2) / 2, 'alerts/s', 'higher'));

    // Top the active set up to ACTIVE_ALERTS distinct alerts.
    const topUp = Math.max(0, ACTIVE_ALERTS - INGEST_ALERTS - 10_000);
    for (const t of targets) await postBatches(t.url, 10_000, topUp, 'active-');
    await new Promise((r) => setTimeout(r, 2000));
    results.push(row(`RSS with ${ACTIVE_ALERTS / 1000}k active alerts (MiB)`, rssMiB(am.proc.pid!), rssMiB(ar.proc.pid!), 'MiB', 'lower'));
    const gAm = Math.min(await groupsTimeMs(am.url), await groupsTimeMs(am.url));
    const gAr = Math.min(await groupsTimeMs(ar.url), await groupsTimeMs(ar.url));
    results.push(row(`GET /alerts/groups at ${ACTIVE_ALERTS / 1000}k (ms)`, gAm, gAr, 'ms', 'lower'));

    console.log(`\n${'figure'.padEnd(34)} ${'Alertmanager'.padStart(10)} ${'alertrouter'.padStart(10)}  ${'unit'.padEnd(8)}  ratio (alertrouter / Alertmanager)`);
    for (const r of results) console.log(r);
    console.log('\nTargets: ingest ratio >= 2.00, RSS at 100k ratio <= 0.70, latency p99 ratio <= 1.00');
  } finally {
    for (const t of targets) t.proc.kill('SIGTERM');
    capture.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
