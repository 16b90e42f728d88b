/**
 * node --import tsx bench/silences.ts — what 1,000 active silences cost ingest (issue: at most
 * 10% slower). Two alertrouter daemons side by side, same config (1 s group_wait, so new
 * groups flush and run the silencer while alerts arrive), one holding 1,000 active silences; alternating
 * rounds of POST /api/v2/alerts; prints alerts/s of each and the slowdown. Loopback only.
 *
 * Env: BENCH_SILENCE_ALERTS (alerts per round, default 20000), BENCH_ROUNDS (default 4).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAlertLabels, benchSilenceMatchers } from './silence-shapes.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const ALERTS = Number(process.env.BENCH_SILENCE_ALERTS ?? 20_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
const SILENCES = 1000;
const IN_FLIGHT = 8;

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
  group_by: [alertname, service]
  group_wait: 1s
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

function bodies(round: number): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < ALERTS; start += 100) {
    const alerts = [];
    for (let i = start; i < start + 100; i++) {
      alerts.push({ labels: benchAlertLabels(round, i), annotations: { summary: `alert ${i}` } });
    }
    out.push(Buffer.from(JSON.stringify(alerts)));
  }
  return out;
}

async function ingest(d: Daemon, batches: readonly Buffer[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const status = await send(d, 'POST', '/api/v2/alerts', batches[next++]!);
      if (status !== 200) throw new Error(`${d.name}: POST /api/v2/alerts answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return ALERTS / ((performance.now() - t0) / 1000);
}

/** Silence `i` of the 1,000 (bench/silence-shapes.ts), active for an hour. */
function silence(i: number): Buffer {
  const matchers = benchSilenceMatchers(i);
  const now = Date.now();
  return Buffer.from(
    JSON.stringify({ matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), createdBy: 'bench', comment: `bench ${i}` }),
  );
}

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
      const status = await send(silenced, 'POST', '/api/v2/silences', silence(i));
      if (status !== 200) throw new Error(`POST /api/v2/silences answered ${status}`);
    }
    const rates = new Map<Daemon, number[]>([[plain, []], [silenced, []]]);
    for (let round = 0; round < ROUNDS; round++) {
      const batches = bodies(round);
      const order = round % 2 === 0 ? [plain, silenced] : [silenced, plain];
      for (const d of order) rates.get(d)!.push(await ingest(d, batches));
      await new Promise((r) => setTimeout(r, 1500)); // let both flush
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const without = median(rates.get(plain)!);
    const withSilences = median(rates.get(silenced)!);
    console.log(`\ningest with ${SILENCES} active silences (median of ${ROUNDS} alternating rounds of ${ALERTS} alerts)`);
    console.log(`  without silences   ${without.toFixed(0).padStart(8)} alerts/s   rounds: ${rates.get(plain)!.map((r) => r.toFixed(0)).join(' ')}`);
    console.log(`  with ${SILENCES} silences ${withSilences.toFixed(0).padStart(8)} alerts/s   rounds: ${rates.get(silenced)!.map((r) => r.toFixed(0)).join(' ')}`);
    console.log(`  slowdown           ${((1 - withSilences / without) * 100).toFixed(1).padStart(8)} %          (target: at most 10 %)`);
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
