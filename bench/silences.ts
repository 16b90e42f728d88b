/**
 * node --import tsx bench/silences.ts — what 1,000 active silences cost ingest (issue: at most
 * 10% slower). Two alertrouter daemons, same config, one holding the 1,000 active silences of
 * bench/silence-shapes.ts. Each round posts the same new alerts to both, one daemon after the
 * other (which goes first alternates), and reports for each:
 *   alerts/s       POST /api/v2/alerts throughput while the round's groups flush: alerts come in
 *                  waves of new groups (group_by: alertname and the wave), and group_wait is
 *                  short, so earlier waves flush — and run the silencer — while later waves arrive
 *   CPU per alert  user + system time of the daemon (all threads) per alert, counted until it is
 *                  idle again after the last flush, so all silencer work counts
 * A daemon is idle before the other one starts, so neither measures the other's flushes. A
 * warm-up round comes first and is printed but not counted; the summary takes the median of
 * the per-round slowdowns (rounds pair the same alerts close in time). Loopback only.
 *
 * Env: BENCH_SILENCE_ALERTS (alerts per round, default 20000), BENCH_ROUNDS (counted rounds,
 * default 6).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, cpuMsOnceIdle, median, sleep } from './proc.js';
import { benchAlertLabels, benchSilenceMatchers } from './silence-shapes.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const ALERTS = Number(process.env.BENCH_SILENCE_ALERTS ?? 20_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 6));
const SILENCES = 1000;
const IN_FLIGHT = 8;
const BATCH = 100;
// 10 waves per round; at ~50k alerts/s a wave takes ~40 ms, so most waves' groups flush
// (group_wait after their first alert) while the round's later waves are being posted.
const WAVE_ALERTS = Math.max(BATCH, Math.ceil(ALERTS / 10 / BATCH) * BATCH);
const GROUP_WAIT_MS = 100;

interface Daemon {
  readonly name: string;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly agent: Agent;
}

function send(d: Daemon, method: string, path: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent: d.agent, host: '127.0.0.1', port: d.port, method, path, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function startDaemon(name: string, dir: string, sinkPort: number): Promise<Daemon> {
  const cfg = join(dir, `${name}.yml`);
  writeFileSync(
    cfg,
    `route:
  receiver: hook
  group_by: [alertname, bench_wave]
  group_wait: ${GROUP_WAIT_MS}ms
  group_interval: 5m
receivers:
  - name: hook
    webhook_configs: [{ url: 'http://127.0.0.1:${sinkPort}/' }]
`,
  );
  const proc = spawn(process.execPath, [MAIN, `--config.file=${cfg}`, `--storage.path=${join(dir, name)}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', '--log.format=json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let log = '';
    proc.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /"address":"127\.0\.0\.1:(\d+)"/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${log}`)));
  });
  return { name, port, proc, agent: new Agent({ keepAlive: true, maxSockets: IN_FLIGHT }) };
}

/** The round's alerts as POST bodies of BATCH alerts; each wave of WAVE_ALERTS forms new groups. */
function bodies(round: number): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < ALERTS; start += BATCH) {
    const alerts = [];
    for (let i = start; i < Math.min(start + BATCH, ALERTS); i++) {
      const labels = { ...benchAlertLabels(round, i), bench_wave: `${round}-${Math.floor(i / WAVE_ALERTS)}` };
      alerts.push({ labels, annotations: { summary: `alert ${i}` } });
    }
    out.push(Buffer.from(JSON.stringify(alerts)));
  }
  return out;
}

interface Measure {
  readonly alertsPerS: number;
  readonly cpuUsPerAlert: number;
}

/** Posts the bodies (IN_FLIGHT at a time), then waits until the daemon's flushes are done. */
async function ingest(d: Daemon, batches: readonly Buffer[]): Promise<Measure> {
  const cpuBefore = cpuMs(d.proc.pid!);
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const status = await send(d, 'POST', '/api/v2/alerts', batches[next++]!);
      if (status !== 200) throw new Error(`${d.name}: POST /api/v2/alerts answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const alertsPerS = ALERTS / ((performance.now() - t0) / 1000);
  await sleep(GROUP_WAIT_MS * 2); // the last wave's groups flush
  const cpuUsPerAlert = (((await cpuMsOnceIdle(d.proc.pid!)) - cpuBefore) * 1000) / ALERTS;
  return { alertsPerS, cpuUsPerAlert };
}

function silenceBody(i: number): Buffer {
  const now = Date.now();
  return Buffer.from(
    JSON.stringify({
      matchers: benchSilenceMatchers(i),
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      createdBy: 'bench',
      comment: `bench ${i}`,
    }),
  );
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-bench-silences-'));
  const sink = createServer((req, res) => req.resume().on('end', () => res.end()));
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const daemons: Daemon[] = [];
  try {
    const sinkPort = (sink.address() as AddressInfo).port;
    const plain = await startDaemon('without-silences', dir, sinkPort);
    daemons.push(plain);
    const silenced = await startDaemon('with-silences', dir, sinkPort);
    daemons.push(silenced);
    for (let i = 0; i < SILENCES; i++) {
      const status = await send(silenced, 'POST', '/api/v2/silences', silenceBody(i));
      if (status !== 200) throw new Error(`POST /api/v2/silences answered ${status}`);
    }
    await cpuMsOnceIdle(silenced.proc.pid!);
    const loadAtStart = loadavg();
    console.log(`\ningest with ${SILENCES} active silences: ${ALERTS} new alerts per round, waves of ${WAVE_ALERTS}, group_wait ${GROUP_WAIT_MS} ms`);
    const slowdowns: number[] = [];
    const extraCpu: number[] = [];
    const counted: { without: Measure; with: Measure }[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const batches = bodies(round);
      const order = round % 2 === 0 ? [plain, silenced] : [silenced, plain];
      const measured = new Map<Daemon, Measure>();
      for (const d of order) measured.set(d, await ingest(d, batches));
      const without = measured.get(plain)!;
      const withSilences = measured.get(silenced)!;
      const slowdown = 1 - withSilences.alertsPerS / without.alertsPerS;
      const cpu = withSilences.cpuUsPerAlert / without.cpuUsPerAlert - 1;
      console.log(
        `  ${round === 0 ? 'warm-up (not counted)' : `round ${round}`} (${order[0]!.name} first): ` +
          `without ${without.alertsPerS.toFixed(0)}/s, ${without.cpuUsPerAlert.toFixed(1)} µs CPU/alert; ` +
          `with ${withSilences.alertsPerS.toFixed(0)}/s, ${withSilences.cpuUsPerAlert.toFixed(1)} µs CPU/alert; ` +
          `slowdown ${pct(slowdown)}, CPU per alert ${pct(cpu)}`,
      );
      if (round === 0) continue;
      slowdowns.push(slowdown);
      extraCpu.push(cpu);
      counted.push({ without, with: withSilences });
    }
    const col = (pick: (m: { without: Measure; with: Measure }) => number): string => median(counted.map(pick)).toFixed(1).padStart(9);
    console.log(`  median of ${ROUNDS} rounds       alerts/s  CPU µs/alert`);
    console.log(`  without silences        ${col((m) => m.without.alertsPerS)} ${col((m) => m.without.cpuUsPerAlert)}`);
    console.log(`  with ${SILENCES} silences      ${col((m) => m.with.alertsPerS)} ${col((m) => m.with.cpuUsPerAlert)}`);
    console.log(`  slowdown (median of the rounds' own): alerts/s ${pct(median(slowdowns))}, CPU per alert ${pct(median(extraCpu))}   (target: at most 10 %)`);
    console.log(`  load average (1/5/15 min) at start: ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}; at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    for (const d of daemons) {
      d.proc.kill('SIGTERM');
      d.agent.destroy();
    }
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
