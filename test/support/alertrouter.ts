// Runs the compiled alertrouter daemon (dist/src/main.js, built by `npm test`'s tsc step) as a
// child process on loopback, the way a user runs it, for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

type Cleanup = { after(fn: () => void | Promise<void>): void };

export const ALERTROUTER_MAIN = join(import.meta.dirname, '..', '..', 'dist', 'src', 'main.js');

export interface RunningAlertrouter {
  /** host:port it listens on. */
  readonly address: string;
  readonly url: string;
  readonly process: ChildProcess;
  readonly dir: string;
  readonly configFile: string;
  /** Every log line so far. */
  readonly log: string[];
  postAlerts(alerts: readonly object[]): Promise<void>;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  /** Reuse this folder (config file and storage) instead of a new one: for restarts. */
  readonly dir?: string;
  readonly extraArgs?: readonly string[];
  /** Fixed port (restarts keep the address); 0 picks a free one. */
  readonly port?: number;
}

/** How long a started daemon may take to listen (a loaded 2-core machine included). */
const LISTEN_TIMEOUT_MS = 30_000;

/** Starts the daemon with `configYaml` (written to <dir>/alertmanager.yml) and waits until it listens. */
export async function startAlertrouter(t: Cleanup, configYaml: string, options: StartOptions = {}): Promise<RunningAlertrouter> {
  if (!existsSync(ALERTROUTER_MAIN)) throw new Error(`${ALERTROUTER_MAIN} is missing: run tsc (npm test does) first`);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'alertrouter-e2e-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const proc = spawn(
    process.execPath,
    [
      ALERTROUTER_MAIN,
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${options.port ?? 0}`,
      '--cluster.listen-address=',
      '--log.level=debug',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    }
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  });
  const log: string[] = [];
  const lines = createInterface({ input: proc.stderr! });
  const address = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      log.push(line);
      // logfmt (the default) or --log.format=json.
      const m = /msg="?Listening on"? address=(\S+)/.exec(line) ?? /"address":"([^"]+)".*"msg":"Listening on"/.exec(line);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`alertrouter exited (${code}) before listening:\n${log.join('\n')}`)));
    // A daemon that neither listens nor exits fails the test instead of hanging it.
    const timer = setTimeout(() => reject(new Error(`alertrouter did not log "Listening on" within ${LISTEN_TIMEOUT_MS} ms:\n${log.join('\n')}`)), LISTEN_TIMEOUT_MS);
    timer.unref();
  });
  const url = `http://${address}`;
  return {
    address,
    url,
    process: proc,
    dir,
    configFile,
    log,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (res.status !== 200) throw new Error(`alertrouter refused alerts: ${res.status} ${await res.text()}`);
    },
    async kill9() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await once(proc, 'exit');
    },
  };
}
