// The package's bin, as `npx alertrouter` runs it: the compiled file itself, executable, with
// its shebang — no node, npm or TypeScript loader in front of it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('bin: subcommands do not load the daemon (its SQLite addon stands for it)', async (t) => {
  // A preload that prints, at exit, whether better-sqlite3 was loaded: the daemon's modules are
  // bundled into the bin, but that native addon stays outside and is loaded through require().
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-bin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const probe = join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    `process.on('exit', () => { const loaded = Object.keys(require.cache).some((f) => f.includes('/node_modules/better-sqlite3/')); process.stderr.write('SQLITE ' + loaded + '\\n'); });\n`,
  );
  const run = (args: string[]) => promisify(execFile)(process.execPath, ['--require', probe, join(ROOT, 'dist/src/main.js'), ...args]);
  const checked = await run(['check-config', join(ROOT, 'routes.example.yaml')]);
  assert.match(checked.stdout, /SUCCESS/);
  assert.match(checked.stderr, /^SQLITE false$/m);
  // The probe can see it: --version goes through the daemon's entry.
  const version = await run(['--version']);
  assert.match(version.stderr, /^SQLITE true$/m);
});

/** The files the bin runs: its entry, the writer thread's, and the chunks they share. */
function bundleFiles(): string[] {
  const dir = join(ROOT, 'dist', 'src');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js') && (f.startsWith('bundle-') || f === 'main.js' || f === 'sqlite-writer.js'))
    .map((f) => join(dir, f));
}

test('bin: the bundle is pure ASCII, so V8 holds its source text one byte per character, not two', () => {
  const files = bundleFiles();
  assert.ok(files.length > 3, `bundle files: ${files.join(', ')}`);
  for (const file of files) {
    const at = readFileSync(file, 'utf8').search(/[^\x00-\x7f]/);
    assert.equal(at, -1, `${file} has a non-ASCII character at offset ${at}`);
  }
});

test('bin: luxon is bundled once (our import and cron-parser\'s require get the same build)', () => {
  // esbuild marks where each bundled module starts with a comment naming its file.
  const copies = bundleFiles().flatMap((f) => readFileSync(f, 'utf8').match(/^\/\/ node_modules\/luxon\/\S+$/gm) ?? []);
  assert.deepEqual(copies, ['// node_modules/luxon/build/node/luxon.js']);
});
