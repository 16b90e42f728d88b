import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliDeps, type DaemonEntry } from '../../src/cli/run.js';
import { loadConfigFile } from '../../src/config/load.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'routes.example.yaml');

async function run(argv: string[], extra: Partial<CliDeps> = {}) {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(argv, {
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdinIsTTY: true, readStdin: async () => '' },
    loadConfigFile,
    ...extra,
  });
  return { stdout, stderr, exitCode };
}

test('cli: --help lists the commands and says the daemon runs without one', async () => {
  for (const flag of ['--help', '-h']) {
    const r = await run([flag]);
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /^usage: alertrouter /);
    assert.match(r.stdout, /Without a command, starts the daemon/);
    assert.match(r.stdout, /check-config/);
    assert.match(r.stdout, /routes test/);
  }
});

test('cli: without a subcommand and no daemon wired in, exits 1 saying so', async () => {
  for (const argv of [[], ['--config.file=x.yml']]) {
    const r = await run(argv);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^alertrouter: error: the daemon is not available yet/);
  }
});

test('cli: without a subcommand, a wired-in daemon gets the whole command line and its flags show in --help', async () => {
  const calls: (readonly string[])[] = [];
  const daemon: DaemonEntry = {
    flagSpecs: { 'storage.path': { kind: 'string', help: 'Base path for data storage.', default: 'data/' } },
    run: async (argv) => {
      calls.push(argv);
      return 7;
    },
  };
  assert.equal((await run(['--storage.path', 'x'], { daemon })).exitCode, 7);
  assert.deepEqual(calls, [['--storage.path', 'x']]);
  assert.match((await run(['--help'], { daemon })).stdout, /--storage\.path=<path> +Base path for data storage\. \(default: data\/\)/);
});

test('cli: an unknown command is refused by name', async () => {
  const r = await run(['bogus']);
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /expected command but got "bogus"/);
});

test('cli: routes without a subcommand shows the tree; --config.file may precede show/test', async () => {
  const show = await run(['routes', '--config.file', EXAMPLE]);
  assert.equal(show.exitCode, 0);
  assert.match(show.stdout, /^Routing tree:\n\.\n└── default-route  receiver: ops-email\n/);
  assert.equal((await run(['routes', 'show', `--config.file=${EXAMPLE}`])).stdout, show.stdout);
  const test = await run(['routes', `--config.file=${EXAMPLE}`, 'test', 'team=database', 'severity=critical', 'service=mysql', 'env=dev']);
  assert.deepEqual([test.exitCode, test.stdout], [0, 'archive-webhook,team-db-pager\n']);
});

test('cli: routes refuses a missing or repeated --config.file and unknown flags, naming them', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['routes', 'test', 'a=b'], /required flag --config\.file not provided/],
    [['routes', '--config.file', EXAMPLE, 'test', '--config.file', EXAMPLE], /flag 'config\.file' cannot be repeated/],
    [['routes', 'test', '--config.file', EXAMPLE, '--bogus'], /unknown long flag '--bogus'/],
    [['routes', 'test', '--config.file', join(ROOT, 'nope.yml')], /path '.*nope\.yml' does not exist/],
    [['routes', 'test', '--config.file', ROOT], /is a directory/],
    [['routes', 'list', '--config.file', EXAMPLE], /expected command but got "list"/],
    [['routes', 'show', '--config.file', EXAMPLE, 'extra'], /unexpected extra/],
    [['routes', 'test', '--config.file', EXAMPLE, 'team!=a'], /Failed to parse labels: labels must be specified as key=value pairs/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.equal(r.exitCode, 1, argv.join(' '));
    assert.match(r.stderr, message, argv.join(' '));
    assert.match(r.stderr, /^alertrouter: error: /);
  }
});

test('cli: a config that does not load is reported with its error and exit 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'route:\n  receiver: nowhere\nreceivers:\n  - name: somewhere\n');
  const r = await run(['routes', 'show', '--config.file', bad]);
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /nowhere/);
  const check = await run(['check-config', bad, EXAMPLE]);
  assert.equal(check.exitCode, 1);
  assert.match(check.stdout, new RegExp(`^Checking '${bad}'  FAILED: .*nowhere.*\n\nChecking '${EXAMPLE}'  SUCCESS\n`));
  assert.equal(check.stderr, 'alertrouter: error: failed to validate 1 file(s)\n');
});

test('cli: check-config without files refuses a terminal on stdin', async () => {
  const r = await run(['check-config']);
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /Failed to read from standard input/);
});

test('cli: help for each command', async () => {
  assert.match((await run(['routes', 'test', '--help'])).stdout, /--verify\.receivers=<receivers>[\s\S]*--\[no-\]tree/);
  assert.match((await run(['routes', '-h'])).stdout, /^usage: alertrouter routes \[show\]/);
  assert.match((await run(['check-config', '--help'])).stdout, /^usage: alertrouter check-config/);
});

test('cli: main.ts is an executable entry: shebang first, exit status and stdout through the process', async (t) => {
  assert.match(readFileSync(join(ROOT, 'src', 'main.ts'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const main = join(ROOT, 'src', 'main.ts');
  const ok = spawnSync(process.execPath, ['--import', 'tsx', main, 'routes', 'test', '--config.file', EXAMPLE, 'team=platform', 'cluster=eu-1'], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  assert.equal(ok.stdout, 'archive-webhook,team-platform-webhook\n');
  assert.equal(ok.status, 0);
  const verify = spawnSync(process.execPath, ['--import', 'tsx', main, 'routes', 'test', '--config.file', EXAMPLE, '--verify.receivers=x'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(verify.status, 1);
  // check-config reads a config piped to standard input when given no file.
  const piped = spawnSync(process.execPath, ['--import', 'tsx', main, 'check-config'], { encoding: 'utf8', cwd: ROOT, input: readFileSync(EXAMPLE) });
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stdout, /^Checking '\/dev\/stdin'  SUCCESS\n/);
  t.diagnostic('ran src/main.ts through tsx');
});
