// The package's bin, as `npx alertrouter` runs it: the compiled file itself, executable, with
// its shebang — no node, npm or TypeScript loader in front of it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const ROOT = join(import.meta.dirname, '..', '..');

test('bin: package.json names dist/src/main.js, which runs by itself and prints the usage', async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(pkg.bin.alertrouter, 'dist/src/main.js');
  const { stdout } = await promisify(execFile)(join(ROOT, pkg.bin.alertrouter), ['--help']);
  assert.match(stdout, /^usage: alertrouter /);
  assert.match(stdout, /check-config/);
});

test('bin: subcommands do not load the daemon (express, SQLite, notifiers)', async (t) => {
  // A preload that prints, at exit, which of the daemon's packages were loaded.
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-bin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const probe = join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    `process.on('exit', () => { const loaded = Object.keys(require.cache).map((f) => /node_modules\\/(express|better-sqlite3|nodemailer|prom-client)\\//.exec(f)?.[1]).filter(Boolean); process.stderr.write('LOADED ' + JSON.stringify([...new Set(loaded)].sort()) + '\\n'); });\n`,
  );
  const run = (args: string[]) => promisify(execFile)(process.execPath, ['--require', probe, join(ROOT, 'dist/src/main.js'), ...args]);
  const checked = await run(['check-config', join(ROOT, 'routes.example.yaml')]);
  assert.match(checked.stdout, /SUCCESS/);
  assert.match(checked.stderr, /^LOADED \[\]$/m);
  // The probe can see them: --version goes through the daemon's entry.
  const version = await run(['--version']);
  assert.match(version.stderr, /^LOADED \[.*"express".*\]$/m);
});
