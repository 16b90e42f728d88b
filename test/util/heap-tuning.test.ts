// The daemon pins V8's young generation small (util/heap-tuning.ts). These run a child Node
// process, since V8 flags are per process, and read the young generation's size after a burst
// of retained allocation — also after a worker thread started, which re-applies V8 flags.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url).href;

// Prints the young generation's size in MiB after retaining ~100 MiB of small objects.
const CHILD = `
import { getHeapSpaceStatistics } from 'node:v8';
const { pinYoungGeneration } = await import('${SRC}util/heap-tuning.ts');
pinYoungGeneration();
const { startModuleWorker } = await import('${SRC}util/worker.ts');
if (process.env.WITH_WORKER) {
  // A plain JavaScript worker, as the compiled daemon starts (under tsx a worker registers
  // tsx's loader, whose own hooks thread would re-apply the flags once more).
  const w = startModuleWorker(process.env.WORKER_BASE, 'idle-worker');
  await new Promise((resolve) => w.once('online', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await w.terminate();
}
const keep = [];
for (let i = 0; i < 2e6; i++) keep.push({ i, s: 'x' + i });
const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(young.space_size / 1048576);
`;

function youngGenerationMiB(options: { nodeArgs?: string[]; withWorker?: boolean } = {}): number {
  const dir = mkdtempSync(join(tmpdir(), 'heap-tuning-'));
  writeFileSync(join(dir, 'idle-worker.js'), 'setTimeout(() => {}, 100);\n');
  writeFileSync(join(dir, 'child.mjs'), CHILD);
  try {
    const out = execFileSync(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', join(dir, 'child.mjs')], {
      env: { ...process.env, NODE_OPTIONS: '', WITH_WORKER: options.withWorker ? '1' : '', WORKER_BASE: pathToFileURL(join(dir, 'base.js')).href },
      encoding: 'utf8',
    });
    return Number(out.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('heap tuning', () => {
  test('the young generation stays small under retained allocation', () => {
    assert.ok(youngGenerationMiB() <= 4);
  });

  test('it stays small after a worker thread started (which re-applies V8 flags)', () => {
    assert.ok(youngGenerationMiB({ withWorker: true }) <= 4);
  });

  test("an operator's own semi-space flag is left alone", () => {
    assert.ok(youngGenerationMiB({ nodeArgs: ['--max-semi-space-size=8'] }) > 4);
  });
});
