// The alert writer thread runs at nice 10 (Linux), the rest of the process at its own priority.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { FakeClock } from '../support/fake-clock.js';

function niceOf(tid: string): number {
  // Field 19 of /proc/<pid>/task/<tid>/stat, counted after the parenthesised command name.
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('sqlite persistence: the writer thread runs at nice 10, the main thread at the process priority', { skip: process.platform !== 'linux' && 'per-thread priority is Linux only' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-nice-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const before = niceOf(String(process.pid));
  const p = new SqliteAlertPersistence({ path: join(dir, 'alerts.db'), clock: new FakeClock() });
  t.after(() => p.close());
  p.saveBatch([makeAlert({ labels: { alertname: 'A' }, startsAtMs: 0 })]);
  await p.drain();
  const nices = readdirSync('/proc/self/task').map(niceOf);
  assert.equal(niceOf(String(process.pid)), before);
  assert.ok(nices.includes(Math.max(before, 10)), `thread nice values: ${nices.join(' ')}`);
});
