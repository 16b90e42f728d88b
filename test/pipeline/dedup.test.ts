import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dedupStage, recordStage, shouldNotify, splitByResolution } from '../../src/pipeline/dedup.js';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { flushContext } from '../support/flush-context.js';
import { makeAlert } from '../support/alerts.js';

const H = 3600_000;
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const REPEAT = 4 * H;

interface Row {
  name: string;
  entry?: { firing: string[]; resolved: string[]; agoMs?: number };
  firing: string[];
  resolved: string[];
  sendResolved?: boolean;
  want: boolean;
  reason: RegExp;
}

const table: Row[] = [
  { name: 'never notified, something fires', firing: ['a'], resolved: [], want: true, reason: /first notification/ },
  { name: 'never notified, only resolved alerts', firing: [], resolved: ['a'], want: false, reason: /never notified/ },
  { name: 'never notified, nothing at all', firing: [], resolved: [], want: false, reason: /never notified/ },
  { name: 'a new alert fires', entry: { firing: ['a'], resolved: [] }, firing: ['a', 'b'], resolved: [], want: true, reason: /not notified as firing/ },
  { name: 'a firing alert disappeared without resolving, within repeat', entry: { firing: ['a', 'b'], resolved: [] }, firing: ['a'], resolved: [], want: false, reason: /nothing changed/ },
  {
    name: 'one of two resolved, send_resolved on',
    entry: { firing: ['a', 'b'], resolved: [] },
    firing: ['a'],
    resolved: ['b'],
    sendResolved: true,
    want: true,
    reason: /resolved that were not notified/,
  },
  { name: 'one of two resolved, send_resolved off', entry: { firing: ['a', 'b'], resolved: [] }, firing: ['a'], resolved: ['b'], want: false, reason: /nothing changed/ },
  { name: 'same firing and resolved as last time', entry: { firing: ['a'], resolved: ['b'] }, firing: ['a'], resolved: ['b'], sendResolved: true, want: false, reason: /nothing changed/ },
  { name: 'all resolved, send_resolved off still notifies', entry: { firing: ['a'], resolved: [] }, firing: [], resolved: ['a'], want: true, reason: /all alerts resolved/ },
  { name: 'all resolved and already notified as such', entry: { firing: [], resolved: ['a'] }, firing: [], resolved: ['a'], sendResolved: true, want: false, reason: /nothing firing/ },
  {
    name: 'fired and resolved between two flushes after the all-resolved notification',
    entry: { firing: [], resolved: ['a'] },
    firing: [],
    resolved: ['a', 'b'],
    sendResolved: true,
    want: false,
    reason: /nothing firing/,
  },
  { name: 'unchanged, last notification exactly repeat_interval ago', entry: { firing: ['a'], resolved: [], agoMs: REPEAT }, firing: ['a'], resolved: [], want: false, reason: /nothing changed/ },
  { name: 'unchanged, last notification more than repeat_interval ago', entry: { firing: ['a'], resolved: [], agoMs: REPEAT + 1 }, firing: ['a'], resolved: [], want: true, reason: /repeat_interval passed/ },
  { name: 'fewer firing alerts than last time, repeat passed', entry: { firing: ['a', 'b'], resolved: [], agoMs: REPEAT + 1 }, firing: ['b'], resolved: [], want: true, reason: /repeat_interval passed/ },
];

for (const row of table) {
  test(`shouldNotify: ${row.name} → ${row.want ? 'notify' : 'skip'}`, () => {
    const entry = row.entry && { firing: row.entry.firing, resolved: row.entry.resolved, timestampMs: NOW - (row.entry.agoMs ?? H) };
    const d = shouldNotify(entry, new Set(row.firing), new Set(row.resolved), { repeatIntervalMs: REPEAT, sendResolved: row.sendResolved ?? false, nowMs: NOW });
    assert.equal(d.notify, row.want);
    assert.match(d.reason, row.reason);
  });
}

test('splitByResolution: resolved means an end at or before now; no end means firing', () => {
  const alerts = [
    makeAlert({ labels: { alertname: 'noEnd' }, startsAtMs: NOW - H }),
    makeAlert({ labels: { alertname: 'endsNow' }, startsAtMs: NOW - H, endsAtMs: NOW }),
    makeAlert({ labels: { alertname: 'endsLater' }, startsAtMs: NOW - H, endsAtMs: NOW + 1 }),
  ];
  const { firing, resolved } = splitByResolution(alerts, NOW);
  assert.deepEqual(firing, [alerts[0]!.fingerprint, alerts[2]!.fingerprint]);
  assert.deepEqual(resolved, [alerts[1]!.fingerprint]);
});

test('dedup and record stages: a recorded notification is deduplicated until something changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-dedup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  t.after(() => nflog.close());
  const notifier = new CapturingNotifier('webhook', 0, true, () => NOW);
  const dedup = dedupStage({ nflog, notifier });
  const record = recordStage({ nflog, notifier });
  const a = makeAlert({ labels: { alertname: 'A' }, startsAtMs: NOW - H });
  const b = makeAlert({ labels: { alertname: 'B' }, startsAtMs: NOW - H, endsAtMs: NOW - 1 });
  const ctx = flushContext({ nowMs: NOW, repeatIntervalMs: REPEAT });

  assert.equal((await dedup.exec(ctx, [a, b])).length, 2, 'first time: passes');
  assert.deepEqual(await record.exec(ctx, [a, b]), [a, b]);
  assert.deepEqual(nflog.query({ receiver: 'team-a', integration: 'webhook', index: 0, groupKey: ctx.groupKey }), {
    firing: [a.fingerprint],
    resolved: [b.fingerprint],
    timestampMs: NOW,
    expiresAtMs: NOW + 2 * REPEAT,
  });
  assert.deepEqual(await dedup.exec(flushContext({ nowMs: NOW + H, repeatIntervalMs: REPEAT }), [a, b]), [], 'unchanged: dropped');
  const otherIntegration = dedupStage({ nflog, notifier: new CapturingNotifier('webhook', 1, true, () => NOW) });
  assert.equal((await otherIntegration.exec(ctx, [a, b])).length, 2, 'another integration index has its own log entry');
});
