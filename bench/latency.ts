/**
 * node --import tsx bench/latency.ts — only the webhook latency figure of bench/run.ts, in short
 * rounds, so that a change to the ingest or flush path can be judged on a noisy machine in well
 * under a minute: the real Alertmanager 0.25 and alertrouter (optionally a second alertrouter
 * build) side by side with run.ts's configuration and 10k held alerts; samples alternate between
 * the daemons 5 ms apart (harness.ts's latencySamples, as run.ts). Every round prints p50 / p90 /
 * p99 / max per daemon and the ratios to the first daemon; at the end, the medians over the
 * rounds and each daemon's CPU time per sample (main thread and other threads for alertrouter).
 *
 * Env: LAT_ROUNDS (default 4), LAT_SAMPLES per round and daemon (default 200), LAT_ACTIVE held
 * alerts (default 10000); LAT_MAIN (alertrouter's main.js, default dist/src/main.js);
 * LAT_BASELINE=path/to/main.js adds a second alertrouter named `baseline` (e.g. a copy of the
 * build before a change); LAT_NO_AM=1 leaves Alertmanager out; LAT_ARGS / LAT_BASELINE_ARGS extra
 * node flags (space-separated); LAT_STDOUT=prefix writes each daemon's stdout to prefix.<name>
 * (for --trace-gc and the like).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALERTROUTER_MAIN,
  buildBodies,
  latencySamples,
  postBodies,
  quantile,
  start,
  startCapture,
  stopAll,
  type LatencySamples,
  type StartOptions,
  type Target,
} from './harness.js';
import { cpuMsByThread, median, sleep } from './proc.js';

const ROUNDS = Math.max(1, Number(process.env.LAT_ROUNDS ?? 4));
const SAMPLES = Number(process.env.LAT_SAMPLES ?? 200);
const ACTIVE = Number(process.env.LAT_ACTIVE ?? 10_000);

const args = (flags: string | undefined): string[] => (flags ?? '').split(' ').filter((a) => a !== '');

function startOptions(name: string, main: string, flags: string | undefined): StartOptions {
  const stdout = process.env.LAT_STDOUT;
  return { main, nodeArgs: args(flags), ...(stdout ? { stdoutFile: `${stdout}.${name}` } : {}) };
}

const f = (x: number): string => x.toFixed(2).padStart(6);

function describe(s: LatencySamples): string {
  const { latencyMs: l, postMs: p } = s;
  return `p50 ${f(quantile(l, 0.5))} p90 ${f(quantile(l, 0.9))} p99 ${f(quantile(l, 0.99))} max ${f(l[l.length - 1]!)} (POST p50 ${f(quantile(p, 0.5))} p99 ${f(quantile(p, 0.99))})`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-latency-'));
  const capture = await startCapture();
  const targets: Target[] = [];
  const loadAtStart = loadavg()[0]!.toFixed(2);
  try {
    if (!process.env.LAT_NO_AM) targets.push(await start('alertmanager', capture.port, dir));
    targets.push(await start('alertrouter', capture.port, dir, startOptions('alertrouter', process.env.LAT_MAIN ?? ALERTROUTER_MAIN, process.env.LAT_ARGS)));
    if (process.env.LAT_BASELINE) targets.push(await start('baseline', capture.port, dir, startOptions('baseline', process.env.LAT_BASELINE, process.env.LAT_BASELINE_ARGS)));
    // Held alerts: ACTIVE firing ones, bench/run.ts's shape.
    for (const t of targets) await postBodies(t, buildBodies(0, ACTIVE, 'active-'), ACTIVE);
    await sleep(2000);

    const cpuBefore = targets.map((t) => cpuMsByThread(t.proc.pid!));
    const rounds: LatencySamples[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const samples = await latencySamples(targets, capture.arrivals, { samples: SAMPLES, idPrefix: `${r}-` });
      rounds.push(samples);
      const lines = targets.map((t, j) => {
        const ratio = j === 0 ? '' : ` [x${(quantile(samples[j]!.latencyMs, 0.5) / quantile(samples[0]!.latencyMs, 0.5)).toFixed(2)} / x${(quantile(samples[j]!.latencyMs, 0.99) / quantile(samples[0]!.latencyMs, 0.99)).toFixed(2)}]`;
        return `${t.name.padEnd(12)} ${describe(samples[j]!)}${ratio}`;
      });
      console.log(`round ${r + 1}: ${lines.join('\n         ')}`);
    }
    const perSample = (ms: number): string => `${((ms * 1000) / (ROUNDS * SAMPLES)).toFixed(0).padStart(5)} µs`;
    console.log(`median of ${ROUNDS} rounds (load ${loadAtStart} → ${loadavg()[0]!.toFixed(2)}), CPU per sample (POST and flush, idle time included):`);
    for (const [j, t] of targets.entries()) {
      const q = (qq: number, i: number) => median(rounds.map((s) => quantile(s[i]!.latencyMs, qq)));
      const ratio = (qq: number) => median(rounds.map((s) => quantile(s[j]!.latencyMs, qq) / quantile(s[0]!.latencyMs, qq)));
      const cpu = cpuMsByThread(t.proc.pid!);
      const main = cpu.main - cpuBefore[j]!.main;
      const others = cpu.others - cpuBefore[j]!.others;
      const threads = t.name === 'alertmanager' ? '' : ` (main thread ${perSample(main)})`;
      console.log(
        `  ${t.name.padEnd(12)} p50 ${f(q(0.5, j))} p99 ${f(q(0.99, j))} CPU ${perSample(main + others)}${threads}` +
          (j > 0 ? `  ratio to ${targets[0]!.name}: p50 x${ratio(0.5).toFixed(2)} p99 x${ratio(0.99).toFixed(2)}` : ''),
      );
    }
  } finally {
    await stopAll(targets);
    capture.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
