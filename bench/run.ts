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
 * BENCH_ACTIVE (default 100000), BENCH_ROUNDS (ingest rounds, default 4), BENCH_NODE_ARGS (extra
 * node flags for alertrouter, space-separated, e.g. V8 heap flags to compare).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERTROUTER_MAIN, BATCH, buildBodies, latencySamples, postBodies, quantile, send, start, startCapture, stopAll, type Target } from './harness.js';
import { cpuMs, cpuMsOnceIdle, median, rssMiB, sleep } from './proc.js';

const INGEST_ALERTS = Number(process.env.BENCH_INGEST ?? 80_000);
const ACTIVE_ALERTS = Number(process.env.BENCH_ACTIVE ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
const ROUND_ALERTS = Math.ceil(INGEST_ALERTS / ROUNDS / BATCH) * BATCH;
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const LATENCY_SAMPLES = 200;
const RSS_SAMPLES = 5;
/** When the settled RSS is sampled, after the last request. */
const SETTLE_MS = 15_000;

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

/** Latency p50 and p99 of each target (samples alternate between them, see latencySamples). */
async function latencies(targets: readonly Target[], arrivals: Map<string, number>): Promise<{ p50: number; p99: number }[]> {
  const samples = await latencySamples(targets, arrivals, { samples: LATENCY_SAMPLES });
  return samples.map(({ latencyMs }) => ({ p50: quantile(latencyMs, 0.5), p99: quantile(latencyMs, 0.99) }));
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
    targets.push(await start('alertrouter', capture.port, dir, { main: ALERTROUTER_MAIN, nodeArgs: NODE_ARGS }));
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
    await stopAll(targets);
    capture.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
