import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../../src/alert/alert.js';
import { byReceiver, fanout, FanoutError, muteStage, sequence, type Stage } from '../../src/pipeline/stage.js';
import { flushContext } from '../support/flush-context.js';
import { makeAlert } from '../support/alerts.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const ctx = flushContext({ nowMs: NOW });
const a = makeAlert({ labels: { alertname: 'A' }, startsAtMs: NOW });
const b = makeAlert({ labels: { alertname: 'B' }, startsAtMs: NOW });

/** A stage that records that it ran and returns `keep` of its input. */
function recording(log: string[], name: string, keep: (alerts: readonly Alert[]) => readonly Alert[] = (x) => x): Stage {
  return {
    async exec(_ctx, alerts) {
      log.push(`${name}:${alerts.map((x) => x.labels['alertname']).join('')}`);
      return keep(alerts);
    },
  };
}

test('sequence: passes each stage the previous stage output', async () => {
  const log: string[] = [];
  const s = sequence(recording(log, 'one'), recording(log, 'two', (x) => x.slice(1)), recording(log, 'three'));
  assert.deepEqual(await s.exec(ctx, [a, b]), [b]);
  assert.deepEqual(log, ['one:AB', 'two:AB', 'three:B']);
});

test('sequence: stops once no alerts are left', async () => {
  const log: string[] = [];
  const s = sequence(recording(log, 'one', () => []), recording(log, 'two'));
  assert.deepEqual(await s.exec(ctx, [a]), []);
  assert.deepEqual(log, ['one:A']);
});

test('sequence: a failing stage fails the sequence and later stages do not run', async () => {
  const log: string[] = [];
  const failing: Stage = { exec: () => Promise.reject(new Error('boom')) };
  await assert.rejects(sequence(failing, recording(log, 'after')).exec(ctx, [a]), /boom/);
  assert.deepEqual(log, []);
});

test('fanout: every branch runs even when one fails; the failure is reported after all finished', async () => {
  const log: string[] = [];
  let releaseSlow!: () => void;
  const slow: Stage = {
    async exec(_ctx, alerts) {
      await new Promise<void>((r) => (releaseSlow = r));
      log.push('slow done');
      return alerts;
    },
  };
  const failing: Stage = { exec: () => Promise.reject(new Error('integration 0 down')) };
  const outcome = fanout([failing, slow, recording(log, 'fast')]).exec(ctx, [a]).then(
    () => undefined,
    (e: unknown) => e,
  );
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['fast:A'], 'the fast branch did not wait for the failing or slow one');
  releaseSlow();
  const err = await outcome;
  assert.ok(err instanceof FanoutError);
  assert.equal(err.code, 'fanout_failed');
  assert.equal(err.errors.length, 1);
  assert.equal(err.message, 'integration 0 down');
  assert.deepEqual(log, ['fast:A', 'slow done']);
});

test('fanout: resolves with its input when all branches succeed, whatever they return', async () => {
  const log: string[] = [];
  assert.deepEqual(await fanout([recording(log, 'x', () => []), recording(log, 'y')]).exec(ctx, [a, b]), [a, b]);
});

test('byReceiver: runs the stage of the flush receiver, and rejects an unknown receiver by name', async () => {
  const log: string[] = [];
  const s = byReceiver(new Map([['team-a', recording(log, 'a')], ['team-b', recording(log, 'b')]]));
  await s.exec(flushContext({ nowMs: NOW, receiverName: 'team-b' }), [a]);
  assert.deepEqual(log, ['b:A']);
  await assert.rejects(s.exec(flushContext({ nowMs: NOW, receiverName: 'nobody' }), [a]), (err: Error & { code: string }) => {
    assert.equal(err.code, 'unknown_receiver');
    assert.match(err.message, /no stage for receiver "nobody" \(have: "team-a", "team-b"\)/);
    return true;
  });
});

test('muteStage: drops the alerts the muter mutes', async () => {
  const s = muteStage({ mutes: (labels) => labels['alertname'] === 'A' });
  assert.deepEqual(await s.exec(ctx, [a, b]), [b]);
});
