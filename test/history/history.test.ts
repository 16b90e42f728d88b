// The notification history on a real SQLite file: batched writes, filters, newest first,
// retention, and what survives close and reopen.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { NotificationHistory } from '../../src/history/history.js';
import type { NotifyAttempt } from '../../src/pipeline/retry.js';
import { FakeClock } from '../support/fake-clock.js';

const HOUR = 3600_000;

function setup(t: TestContext, options: { batchSize?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-history-'));
  const path = join(dir, 'history.db');
  const clock = new FakeClock();
  const open = () => new NotificationHistory({ path, clock, retentionMs: 24 * HOUR, logger: pino({ level: 'silent' }), flushIntervalMs: 1000, ...options });
  const history = open();
  t.after(() => {
    history.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Rows on disk, read through a separate connection (what a crash would leave). */
  const rowsOnDisk = (): number => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM notifications').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const attempt = (fields: Partial<NotifyAttempt> = {}): NotifyAttempt => ({
    receiver: 'team-a',
    groupKey: '{}:{alertname="A"}',
    integration: 'webhook',
    index: 0,
    attempt: 1,
    fingerprints: ['aaaaaaaaaaaaaaaa'],
    firing: 1,
    atMs: clock.nowMs(),
    latencyMs: 12.5,
    outcome: 'success',
    ...fields,
  });
  return { history, clock, rowsOnDisk, attempt, open };
}

test('history: attempts are written in batches after the flush interval, not one by one', async (t) => {
  const { history, clock, rowsOnDisk, attempt } = setup(t);
  history.record(attempt());
  history.record(attempt({ attempt: 2 }));
  assert.equal(rowsOnDisk(), 0, 'nothing written yet');
  await clock.advance(999);
  assert.equal(rowsOnDisk(), 0);
  await clock.advance(1);
  assert.equal(rowsOnDisk(), 2, 'both in one write');
});

test('history: a full batch is written at once', (t) => {
  const { history, rowsOnDisk, attempt } = setup(t, { batchSize: 3 });
  history.record(attempt());
  history.record(attempt());
  assert.equal(rowsOnDisk(), 0);
  history.record(attempt());
  assert.equal(rowsOnDisk(), 3);
});

test('history: a query sees attempts still queued, newest first, with every field', async (t) => {
  const { history, clock, attempt } = setup(t);
  const t0 = clock.nowMs();
  history.record(attempt({ outcome: 'retry', error: 'unexpected status code 503', latencyMs: 30 }));
  await clock.advance(500);
  history.record(attempt({ attempt: 2, atMs: clock.nowMs(), fingerprints: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], firing: 1 }));
  const entries = history.query({ limit: 10 });
  assert.deepEqual(
    entries.map(({ id, ...e }) => e),
    [
      {
        atMs: t0 + 500, receiver: 'team-a', integration: 'webhook', index: 0, groupKey: '{}:{alertname="A"}',
        fingerprints: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], firing: 1, attempt: 2, outcome: 'success', error: undefined, latencyMs: 12.5,
      },
      {
        atMs: t0, receiver: 'team-a', integration: 'webhook', index: 0, groupKey: '{}:{alertname="A"}',
        fingerprints: ['aaaaaaaaaaaaaaaa'], firing: 1, attempt: 1, outcome: 'retry', error: 'unexpected status code 503', latencyMs: 30,
      },
    ],
  );
});

test('history: filters by receiver, group key, integration and index, fingerprint and outcome; limit caps', async (t) => {
  const { history, clock, attempt } = setup(t);
  const rows: Array<Partial<NotifyAttempt>> = [
    { receiver: 'a', groupKey: 'g1', integration: 'webhook', index: 0, fingerprints: ['f1'] },
    { receiver: 'a', groupKey: 'g1', integration: 'webhook', index: 1, fingerprints: ['f1', 'f2'], outcome: 'failed', error: 'x' },
    { receiver: 'a', groupKey: 'g2', integration: 'email', index: 0, fingerprints: ['f3'] },
    { receiver: 'b', groupKey: 'g3', integration: 'slack', index: 0, fingerprints: ['f2'] },
  ];
  for (const r of rows) {
    await clock.advance(1000);
    history.record(attempt({ ...r, atMs: clock.nowMs() }));
  }
  const keys = (q: Parameters<typeof history.query>[0]) => history.query(q).map((e) => `${e.receiver}/${e.groupKey}/${e.integration}[${e.index}]`);
  assert.deepEqual(keys({ limit: 10, receiver: 'a' }), ['a/g2/email[0]', 'a/g1/webhook[1]', 'a/g1/webhook[0]']);
  assert.deepEqual(keys({ limit: 10, groupKey: 'g1' }), ['a/g1/webhook[1]', 'a/g1/webhook[0]']);
  assert.deepEqual(keys({ limit: 10, integration: 'webhook', index: 1 }), ['a/g1/webhook[1]']);
  assert.deepEqual(keys({ limit: 10, fingerprint: 'f2' }), ['b/g3/slack[0]', 'a/g1/webhook[1]']);
  assert.deepEqual(keys({ limit: 10, outcome: 'failed' }), ['a/g1/webhook[1]']);
  assert.deepEqual(keys({ limit: 10, receiver: 'a', fingerprint: 'f1' }), ['a/g1/webhook[1]', 'a/g1/webhook[0]']);
  assert.deepEqual(keys({ limit: 2 }), ['b/g3/slack[0]', 'a/g2/email[0]']);
  assert.deepEqual(keys({ limit: 10, receiver: 'nobody' }), []);
});

test('history: gc removes attempts older than the retention, with their alert index', async (t) => {
  const { history, clock, attempt } = setup(t);
  history.record(attempt({ fingerprints: ['old'] }));
  await clock.advance(20 * HOUR);
  history.record(attempt({ atMs: clock.nowMs(), fingerprints: ['new'] }));
  await clock.advance(5 * HOUR);
  assert.equal(history.gc(), 1);
  assert.deepEqual(history.query({ limit: 10 }).map((e) => e.fingerprints), [['new']]);
  assert.deepEqual(history.query({ limit: 10, fingerprint: 'old' }), []);
});

test('history: close writes what is queued; a reopened history lists it', (t) => {
  const { history, attempt, open } = setup(t);
  history.record(attempt({ receiver: 'kept' }));
  history.close();
  history.record(attempt({ receiver: 'after-close' }));
  const reopened = open();
  try {
    assert.deepEqual(reopened.query({ limit: 10 }).map((e) => e.receiver), ['kept']);
  } finally {
    reopened.close();
  }
});
