// kill -9 durability: a child process records a notification (and commits alerts), says so,
// and is SIGKILLed at once, without closing anything; what it committed must be readable after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { SqliteAlertPersistence } from '../../src/store/sqlite.js';
import { FakeClock } from '../support/fake-clock.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

const CHILD = (dir: string) => `
import { SqliteNotificationLog } from ${JSON.stringify(join(SRC, 'nflog/nflog.ts'))};
import { SqliteAlertPersistence } from ${JSON.stringify(join(SRC, 'store/sqlite.ts'))};
import { systemClock } from ${JSON.stringify(join(SRC, 'util/clock.ts'))};
const nflog = new SqliteNotificationLog({ path: ${JSON.stringify(join(dir, 'nflog.db'))} });
nflog.log({ receiver: 'r', integration: 'webhook', index: 0, groupKey: '{}:{alertname="A"}' }, { firing: ['f1'], resolved: ['r1'], nowMs: 1000, expiryMs: 3600000 });
const alerts = new SqliteAlertPersistence({ path: ${JSON.stringify(join(dir, 'alerts.db'))}, clock: systemClock });
alerts.saveBatch([{ labels: { alertname: 'A' }, annotations: {}, startsAtMs: 1, endsAtMs: 0, generatorURL: '', updatedAtMs: 1, timeout: false, fingerprint: 'fp-a' }]);
await alerts.drain();
console.log('committed');
setInterval(() => {}, 1000);
`;

test('kill -9 right after a send: the notification log entry and drained alerts are on disk', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-kill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'child.mts');
  writeFileSync(script, CHILD(dir));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'committed') break;
  }
  child.kill('SIGKILL');
  const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
  assert.equal(signal, 'SIGKILL');

  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  t.after(() => nflog.close());
  assert.deepEqual(nflog.query({ receiver: 'r', integration: 'webhook', index: 0, groupKey: '{}:{alertname="A"}' }), {
    firing: ['f1'],
    resolved: ['r1'],
    timestampMs: 1000,
    expiresAtMs: 1000 + 3600000,
  });
  const alerts = new SqliteAlertPersistence({ path: join(dir, 'alerts.db'), clock: new FakeClock() });
  t.after(() => alerts.close());
  assert.deepEqual(alerts.loadAll().map((a) => a.fingerprint), ['fp-a']);
});
