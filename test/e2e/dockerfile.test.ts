// The Dockerfile, checked without a Docker engine: its shape (multi-stage, non-root runtime
// without a toolchain, Alertmanager's port, volume, paths and flags), that what it copies
// exists and the entrypoint lands on the compiled main.js, that its default config is valid,
// and that its HEALTHCHECK command tells a running daemon from a stopped one, with the daemon
// serving plain HTTP, TLS, basic auth or both from --web.config.file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { DAEMON_FLAGS } from '../../src/cli/daemon-flags.js';
import { parseFlags } from '../../src/cli/flags.js';
import { loadConfigFile } from '../../src/config/load.js';
import { ALERTROUTER_MAIN, startAlertrouter } from '../support/alertrouter.js';
import { makeTestCerts } from '../support/certs.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { freePort } from '../support/ports.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** Index of the FROM stage it belongs to. */
  readonly stage: number;
}

/** Instructions of a Dockerfile: comments dropped, continued lines joined. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s+(.*)$/.exec(full);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    out.push({ keyword, args: m[2]!, stage });
  }
  return out;
}

/** The exec form (JSON array) of an instruction's arguments. */
function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  assert.ok(Array.isArray(parsed) && parsed.every((a) => typeof a === 'string'), `exec form wanted: ${args}`);
  return parsed as string[];
}

const instructions = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const lastStage = Math.max(...instructions.map((i) => i.stage));
const runtime = instructions.filter((i) => i.stage === lastStage);
const one = (keyword: string): Instruction => {
  const found = runtime.filter((i) => i.keyword === keyword);
  assert.equal(found.length, 1, `one ${keyword} in the runtime stage`);
  return found[0]!;
};
const healthcheckCommand = (): string[] => execForm(one('HEALTHCHECK').args.replace(/^.*?\bCMD\s+/, ''));

test('Dockerfile: multi-stage; the runtime stage has no toolchain, runs as a non-root user, exposes 9093 with /alertmanager as a volume', () => {
  const stages = instructions.filter((i) => i.keyword === 'FROM');
  assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
  assert.match(stages.at(-1)!.args, /^node:20-\S*slim$/, 'a slim Node 20 base');
  const runtimeRuns = runtime.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
  assert.doesNotMatch(runtimeRuns, /\b(g\+\+|make|python3|build-essential)\b/, 'no compiler in the runtime image');
  const user = one('USER').args;
  assert.ok(!['root', '0', '0:0'].includes(user), `non-root user (got ${user})`);
  assert.equal(one('EXPOSE').args, '9093');
  assert.deepEqual(execForm(one('VOLUME').args), ['/alertmanager']);
  const userAt = runtime.indexOf(one('USER'));
  const chown = runtime.findIndex((i) => i.keyword === 'RUN' && /chown -R node:node .*\/alertmanager/.test(i.args));
  assert.ok(chown >= 0 && chown < userAt, 'the data folder is handed to the user before switching to it');
});

test("Dockerfile: ENTRYPOINT and CMD are Alertmanager's image defaults and our flag parser accepts them", () => {
  const entrypoint = execForm(one('ENTRYPOINT').args);
  assert.deepEqual(entrypoint, ['node', '/alertrouter/dist/src/main.js']);
  const cmd = execForm(one('CMD').args);
  const { values, positional } = parseFlags(cmd, DAEMON_FLAGS);
  assert.deepEqual(positional, []);
  // prom/alertmanager's Dockerfile: CMD [ "--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager" ]
  assert.equal(values['config.file'], '/etc/alertmanager/alertmanager.yml');
  assert.equal(values['storage.path'], '/alertmanager');
  // The daemon's own executable, told to read the flags of the entrypoint's process.
  assert.deepEqual(healthcheckCommand(), [...entrypoint, 'healthcheck', '--pid=1']);
});

test('Dockerfile: every file it copies exists, the entrypoint is the compiled main.js, and the default config is valid', async (t) => {
  const buildWorkdir = instructions.find((i) => i.stage === 0 && i.keyword === 'WORKDIR')!.args;
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let defaultConfig: string | undefined;
  for (const copy of instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
    const parts = copy.args.split(/\s+/);
    const dest = parts.pop()!;
    for (const source of parts) {
      assert.ok(existsSync(join(ROOT, source)), `COPY source ${source} exists`);
      assert.ok(!ignored.includes(source), `${source} is not in .dockerignore`);
      if (dest === '/etc/alertmanager/alertmanager.yml') defaultConfig = source;
    }
  }
  // The runtime copies <build workdir>/dist/src to <runtime workdir>/dist/src: map the
  // entrypoint's script back to the build tree, which is this checkout after tsc.
  const script = execForm(one('ENTRYPOINT').args)[1]!;
  let workdir = '/';
  let mapped: string | undefined;
  for (const i of runtime) {
    if (i.keyword === 'WORKDIR') workdir = posix.resolve(workdir, i.args);
    const m = /^--from=\S+\s+(\S+)\s+(\S+)$/.exec(i.args);
    if (i.keyword !== 'COPY' || !m) continue;
    const dest = posix.resolve(workdir, m[2]!);
    if (script.startsWith(dest + '/')) mapped = posix.relative(buildWorkdir, posix.join(m[1]!, script.slice(dest.length)));
  }
  assert.equal(mapped, 'dist/src/main.js');
  // Built as `npm run build` builds it: tsc, then the bundle that replaces tsc's main.js.
  const buildRuns = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
  assert.ok(buildRuns.some((r) => /\bnpm run build\b/.test(r)), `the build stage runs npm run build (runs: ${buildRuns.join(' | ')})`);
  assert.equal(join(ROOT, mapped!), ALERTROUTER_MAIN);
  assert.ok(existsSync(ALERTROUTER_MAIN), 'tsc put main.js there');
  assert.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { type: string }).type, 'module', 'the copied package.json makes dist ES modules');

  assert.equal(defaultConfig, 'routes.example.yaml');
  await loadConfigFile(join(ROOT, defaultConfig!));
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  await run(amtool, ['check-config', join(ROOT, defaultConfig!)]);
});

/**
 * The HEALTHCHECK command as this checkout runs it: the image's main.js is this checkout's
 * (the entrypoint test checks that), and the daemon is process `pid` instead of 1.
 */
function healthcheckFor(pid: number): string[] {
  const [command, script, ...args] = healthcheckCommand();
  assert.equal(command, 'node');
  assert.equal(script, execForm(one('ENTRYPOINT').args)[1]);
  assert.ok(args.includes('--pid=1'));
  return [ALERTROUTER_MAIN, ...args.map((a) => (a === '--pid=1' ? `--pid=${pid}` : a))];
}

test('Dockerfile: the HEALTHCHECK command exits 0 while the daemon (started with the image\'s default config) serves, 1 once it stopped', async (t) => {
  const router = await startAlertrouter(t, readFileSync(join(ROOT, 'routes.example.yaml'), 'utf8'), { port: await freePort() });
  const args = healthcheckFor(router.process.pid!);
  const up = await run(process.execPath, args);
  assert.equal(up.stdout, `healthy: GET http://${router.address}/-/healthy: 200 OK\n`);
  router.process.kill('SIGTERM');
  await new Promise((resolve) => router.process.once('exit', resolve));
  const down = await run(process.execPath, args).catch((err: { code: number; stderr: string }) => err);
  assert.equal((down as { code?: number }).code, 1);
  assert.match((down as { stderr: string }).stderr, /^unhealthy: /);
});

test('Dockerfile: the HEALTHCHECK command follows the daemon\'s web config: TLS, basic auth, both, and a route prefix', async (t) => {
  const certs = makeTestCerts(t);
  const hash = bcrypt.hashSync('hunter2', 4);
  const config = readFileSync(join(ROOT, 'routes.example.yaml'), 'utf8');
  const cases: Array<[string, string, readonly string[], RegExp]> = [
    ['TLS', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n', [], /^healthy: GET https:\/\/127\.0\.0\.1:\d+\/-\/healthy: 200 OK\n$/],
    ['basic auth', `basic_auth_users:\n  ops: ${hash}\n`, [], /^healthy: GET http:\/\/127\.0\.0\.1:\d+\/-\/healthy: 401 \(basic auth asked of every request: the daemon answers\)\n$/],
    [
      'TLS and basic auth, under a route prefix',
      `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  ops: ${hash}\n`,
      ['--web.external-url=https://alerts.example.com/am/'],
      /^healthy: GET https:\/\/127\.0\.0\.1:\d+\/am\/-\/healthy: 401 \(basic auth asked of every request: the daemon answers\)\n$/,
    ],
  ];
  for (const [name, webYaml, extraArgs, want] of cases) {
    const webConfig = join(certs.dir, 'web.yml');
    writeFileSync(webConfig, webYaml);
    const router = await startAlertrouter(t, config, { port: await freePort(), extraArgs: [`--web.config.file=${webConfig}`, ...extraArgs] });
    // The command as the image had it fails against this daemon (HTTP/2xx only, no prefix).
    const old = await run(process.execPath, ['-e', `fetch('http://${router.address}/-/healthy').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`]).catch(
      (err: { code: number }) => err,
    );
    assert.equal((old as { code?: number }).code, 1, `${name}: the old HEALTHCHECK fails`);

    const up = await run(process.execPath, healthcheckFor(router.process.pid!));
    assert.match(up.stdout, want, name);
    // The same flags given on the command line instead of --pid.
    const flags = [`--web.listen-address=${router.address}`, `--web.config.file=${webConfig}`, ...extraArgs];
    assert.match((await run(process.execPath, [ALERTROUTER_MAIN, 'healthcheck', ...flags])).stdout, want, `${name}, flags given`);

    router.process.kill('SIGTERM');
    await new Promise((resolve) => router.process.once('exit', resolve));
    const down = await run(process.execPath, healthcheckFor(router.process.pid!)).catch((err: { code: number; stderr: string }) => err);
    assert.equal((down as { code?: number }).code, 1, `${name}: stopped`);
  }
});
