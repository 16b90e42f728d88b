/**
 * npm run bench — alertrouter and the real Alertmanager side by side, same config, same load,
 * one run, printed as figures and ratios. Loopback only; every loop is bounded.
 *
 *   ingest alerts/s     batches of 100 alerts, ~8 labels, routed through 50 regex routes
 *   RSS                 with 10k and 100k active alerts (100k: 2 s and 15 s after the last request)
 *   CPU per alert       user + system time of the whole process (all threads) per ingested alert,
 *                       counted until the process is idle again (deferred work included)
 *   groups time         GET /api/v2/alerts/groups with 100k active alerts
 *   webhook latency     POST of a new alert → webhook arrival, minus group_wait (p50, p99)
 *
 * Fairness: the client is node:http with keep-alive and pre-encoded bodies (fetch costs the
 * client several times more CPU, which on a small machine is taken from the servers); ingest
 * runs in several rounds that alternate which side goes first, and the median round counts;
 * latency samples alternate between the two; RSS is the median of samples taken while idle.
 * Every round's figures are printed so the noise is visible, with the load average.
 *
 * Env: BENCH_INGEST (alerts for the ingest figure, split over the rounds; default 80000),
 * BENCH_ACTIVE (default 100000), BENCH_ROUNDS (ingest rounds, default 4).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import { cpuMs, cpuMsOnceIdle, median, rssMiB, sleep } from './proc.js';

const BATCH = 100;
const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
const ALERTROUTER_MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const INGEST_ALERTS = Number(process.env.BENCH_INGEST ?? 80_000);
const ACTIVE_ALERTS = Number(process.env.BENCH_ACTIVE ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
const ROUND_ALERTS = Math.ceil(INGEST_ALERTS / ROUNDS / BATCH) * BATCH;
const IN_FLIGHT = 8;
const LATENCY_SAMPLES = 200;
const LATENCY_GROUP_WAIT_MS = 1000;
const RSS_SAMPLES = 5;
/** When the settled RSS is sampled, after the last request. */
const SETTLE_MS = 15_000;

interface Target {
  name: string;
  url: URL;
  proc: ChildProcess;
  agent: Agent;
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
  return { name, url: new URL(url), proc, agent: new Agent({ keepAlive: true, maxSockets: IN_FLIGHT }) };
}

/** One HTTP exchange on the target's keep-alive agent; resolves to status and body. */
function send(t: Target, options: { method: string; path: string; body?: Buffer }): Promise<{ status: number; body: Buffer }> {
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
function buildBodies(from: number, count: number, prefix: string): Buffer[] {
  const bodies: Buffer[] = [];
  for (let start = from; start < from + count; start += BATCH) {
    const alerts = [];
    for (let i = start; i < Math.min(from + count, start + BATCH); i++) alerts.push(makeAlert(i, prefix));
    bodies.push(Buffer.from(JSON.stringify(alerts)));
  }
  return bodies;
}

/** Posts the bodies with IN_FLIGHT requests in flight; returns alerts per second. */
async function postBodies(t: Target, bodies: readonly Buffer[], alerts: number): Promise<number> {
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

function postBatches(t: Target, from: number, count: number, prefix: string): Promise<number> {
  return postBodies(t, buildBodies(from, count, prefix), count);
}

/** RSS of both, sampled alike while idle: the median of RSS_SAMPLES samples 500 ms apart, from `afterMs` after the last request. */
async function idleRss(targets: readonly Target[], afterMs = 2000): Promise<number[]> {
  await sleep(afterMs);
  const samples: number[][] = targets.map(() => []);
  for (let i = 0; i < RSS_SAMPLES; i++) {
    targets.forEach((t, j) => samples[j]!.push(rssMiB(t.proc.pid!)));
    await sleep(500);
  }
  return samples.map(median);
}

async function groupsTimeMs(t: Target): Promise<number> {
  const t0 = performance.now();
  const r = await send(t, { method: 'GET', path: '/api/v2/alerts/groups' });
  if (r.status !== 200) throw new Error(`${t.name}: GET /api/v2/alerts/groups answered ${r.status}`);
  return performance.now() - t0;
}

/** Latency samples, alternating between the targets so load changes hit both alike. */
async function latencies(targets: readonly Target[], arrivals: Map<string, number>): Promise<{ p50: number; p99: number }[]> {
  const sent = targets.map(() => new Map<string, number>());
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    for (const [j, t] of targets.entries()) {
      const id = `${t.name}-${i}`;
      const body = Buffer.from(JSON.stringify([{ labels: { alertname: 'Latency', bench: 'latency', latency_id: id } }]));
      sent[j]!.set(id, performance.now());
      await send(t, { method: 'POST', path: '/api/v2/alerts', body });
      await sleep(5);
    }
  }
  const key = (t: Target, id: string) => `/${t.name}/latency|${id}`;
  const missing = () => targets.some((t, j) => [...sent[j]!.keys()].some((id) => !arrivals.has(key(t, id))));
  const deadline = Date.now() + LATENCY_GROUP_WAIT_MS + 30_000;
  while (Date.now() < deadline && missing()) await sleep(100);
  return targets.map((t, j) => {
    const lat = [...sent[j]!].map(([id, at]) => (arrivals.get(key(t, id)) ?? Infinity) - at - LATENCY_GROUP_WAIT_MS).sort((a, b) => a - b);
    const pick = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
    return { p50: pick(0.5), p99: pick(0.99) };
  });
}

function row(label: string, am: number, ar: number, unit: string, better: 'higher' | 'lower'): string {
  const ratio = ar / am;
  return `${label.padEnd(34)} ${am.toFixed(1).padStart(12)} ${ar.toFixed(1).padStart(11)}  ${unit.padEnd(8)} ${ratio.toFixed(2).padStart(6)}x  (${better} is better)`;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-bench-'));
  const capture = await startCapture();
  const targets: Target[] = [];
  const loadAtStart = load();
  try {
    targets.push(await start('alertmanager', capture.port, dir));
    targets.push(await start('alertrouter', capture.port, dir));
    const [am, ar] = targets as [Target, Target];
    const results: string[] = [];
    const notes: string[] = [];

    // Active set: 'active-' alerts stay firing (resolve_timeout 1h); warm-up posts part of it.
    for (const t of targets) await postBatches(t, 0, 2000, 'active-');
    for (const t of targets) await postBatches(t, 0, 10_000, 'active-');
    const [rss10Am, rss10Ar] = await idleRss(targets);
    results.push(row('RSS with 10k active alerts (MiB)', rss10Am!, rss10Ar!, 'MiB', 'lower'));

    const [latAm, latAr] = await latencies(targets, capture.arrivals);
    results.push(row('webhook latency p50 (ms)', latAm!.p50, latAr!.p50, 'ms', 'lower'));
    results.push(row('webhook latency p99 (ms)', latAm!.p99, latAr!.p99, 'ms', 'lower'));

    // Ingest of new alerts, in rounds of distinct alerts; the side that goes first alternates.
    const rounds: { am: number; ar: number; cpuAm: number; cpuAr: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const bodies = buildBodies(r * ROUND_ALERTS, ROUND_ALERTS, 'ingest-');
      const order = r % 2 === 0 ? [am, ar] : [ar, am];
      const rate = new Map<Target, number>();
      const cpu = new Map<Target, number>();
      for (const t of order) {
        const before = cpuMs(t.proc.pid!);
        rate.set(t, await postBodies(t, bodies, ROUND_ALERTS));
        // Work a server defers (alertrouter's low-priority disk writer, Go's GC) counts too.
        cpu.set(t, ((await cpuMsOnceIdle(t.proc.pid!)) - before) * 1000 / ROUND_ALERTS);
      }
      rounds.push({ am: rate.get(am)!, ar: rate.get(ar)!, cpuAm: cpu.get(am)!, cpuAr: cpu.get(ar)! });
      notes.push(
        `  ingest round ${r + 1} (${order[0]!.name} first): Alertmanager ${rate.get(am)!.toFixed(0)}/s (${cpu.get(am)!.toFixed(1)} µs CPU/alert), ` +
          `alertrouter ${rate.get(ar)!.toFixed(0)}/s (${cpu.get(ar)!.toFixed(1)} µs CPU/alert), ratio ${(rate.get(ar)! / rate.get(am)!).toFixed(2)}`,
      );
    }
    results.push(row('ingest (alerts/s, median round)', median(rounds.map((x) => x.am)), median(rounds.map((x) => x.ar)), 'alerts/s', 'higher'));
    results.push(row('CPU per ingested alert (µs, median)', median(rounds.map((x) => x.cpuAm)), median(rounds.map((x) => x.cpuAr)), 'µs', 'lower'));

    // Top the active set up to ACTIVE_ALERTS distinct alerts ('ingest-' ones count: all firing).
    const topUp = Math.max(0, ACTIVE_ALERTS - ROUNDS * ROUND_ALERTS - 10_000);
    for (const t of targets) await postBatches(t, 10_000, topUp, 'active-');
    const active = 10_000 + ROUNDS * ROUND_ALERTS + topUp;
    // Right after a burst, RSS still holds the burst's garbage; V8 returns it after ~10 s idle.
    const [rssAm, rssAr] = await idleRss(targets);
    results.push(row(`RSS, ${Math.round(active / 1000)}k active, 2 s idle (MiB)`, rssAm!, rssAr!, 'MiB', 'lower'));
    const [settledAm, settledAr] = await idleRss(targets, SETTLE_MS - 2000 - RSS_SAMPLES * 500);
    results.push(row(`RSS, ${Math.round(active / 1000)}k active, ${SETTLE_MS / 1000} s idle (MiB)`, settledAm!, settledAr!, 'MiB', 'lower'));
    const gAm: number[] = [];
    const gAr: number[] = [];
    for (let i = 0; i < 3; i++) {
      gAm.push(await groupsTimeMs(am));
      gAr.push(await groupsTimeMs(ar));
    }
    results.push(row(`GET /alerts/groups at ${Math.round(active / 1000)}k (ms)`, median(gAm), median(gAr), 'ms', 'lower'));

    console.log(`\n${'figure'.padEnd(34)} ${'Alertmanager'.padStart(12)} ${'alertrouter'.padStart(11)}  ${'unit'.padEnd(8)}  ratio (alertrouter / Alertmanager)`);
    for (const r of results) console.log(r);
    console.log(notes.join('\n'));
    console.log(`  GET /alerts/groups runs (ms): Alertmanager ${gAm.map((x) => x.toFixed(0)).join(', ')}; alertrouter ${gAr.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`\nLoad average (1/5/15 min) at start: ${loadAtStart}; at end: ${load()}`);
    console.log('Targets: ingest ratio >= 2.00, RSS with 100k active alerts ratio <= 0.70, latency p99 ratio <= 1.00');
  } finally {
    for (const t of targets) {
      t.agent.destroy();
      t.proc.kill('SIGTERM');
    }
    capture.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
