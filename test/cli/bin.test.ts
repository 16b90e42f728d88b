// The package's bin, as `npx alertrouter` runs it: the compiled file itself, executable, with
// its shebang — no node, npm or TypeScript loader in front of it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
