import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../../src/alert/alert.js';
import { AlertStore } from '../../src/store/alerts.js';
import { AlertMarker } from '../../src/store/marker.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeAlert } from '../support/alerts.js';

const MIN = 60_000;

test('store: put then get and list return the stored alert', () => {
  const clock = new FakeClock();
  const store = new AlertStore({ clock });
  const a = makeAlert({ labels: { alertname: 'A' }, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + 5 * MIN });
  store.put([a]);
  assert.deepEqual(store.get(a.fingerprint), a);
  assert.deepEqual(store.list(), [a]);
  assert.equal(store.get('0000000000000000'), undefined);
});

test('store: a second put of the same alert merges and subscribers see the merged alert', () => {
  const clock = new FakeClock();
  const t = clock.nowMs();
  const store = new AlertStore({ clock });
  const seen: Alert[] = [];
  store.subscribe({ onPut: (a) => seen.push(a) });
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: t, endsAtMs: t + 5 * MIN, timeout: true })]);
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: t + MIN, endsAtMs: t + 6 * MIN, updatedAtMs: t + MIN, timeout: true })]);
  assert.equal(store.size, 1);
  assert.equal(seen.length, 2);
  assert.equal(seen[1]!.startsAtMs, t, 'earliest start kept');
  assert.equal(seen[1]!.endsAtMs, t + 6 * MIN);
  assert.deepEqual(store.list(), [seen[1]]);
});

test('store: unsubscribe stops notifications', () => {
  const clock = new FakeClock();
  const store = new AlertStore({ clock });
  let calls = 0;
  const off = store.subscribe({ onPut: () => calls++ });
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: clock.nowMs() })]);
  off();
  store.put([makeAlert({ labels: { alertname: 'B' }, startsAtMs: clock.nowMs() })]);
  assert.equal(calls, 1);
});

test('store: gc removes resolved alerts only, deletes their marker status and tells subscribers', () => {
  const clock = new FakeClock();
  const t = clock.nowMs();
  const marker = new AlertMarker();
  const store = new AlertStore({ clock, marker });
  const firing = makeAlert({ labels: { alertname: 'Firing' }, startsAtMs: t, endsAtMs: t + 5 * MIN });
  const resolved = makeAlert({ labels: { alertname: 'Resolved' }, startsAtMs: t - 10 * MIN, endsAtMs: t - MIN });
  const openEnded = makeAlert({ labels: { alertname: 'NoEnd' }, startsAtMs: t });
  store.put([firing, resolved, openEnded]);
  marker.setInhibited(resolved.fingerprint, ['abc']);
  marker.setInhibited(firing.fingerprint, ['abc']);
  const gcSeen: string[] = [];
  store.subscribe({ onGc: (removed) => gcSeen.push(...removed.map((a) => a.labels['alertname']!)) });

  const removed = store.gc(t);

  assert.deepEqual(removed.map((a) => a.labels['alertname']), ['Resolved']);
  assert.deepEqual(gcSeen, ['Resolved']);
  assert.deepEqual(store.list().map((a) => a.labels['alertname']).sort(), ['Firing', 'NoEnd']);
  assert.equal(marker.status(resolved.fingerprint).state, 'unprocessed');
  assert.equal(marker.status(firing.fingerprint).state, 'suppressed');
});

test('store: gc counts an alert ending exactly now as resolved, and retain keeps chosen ones', () => {
  const clock = new FakeClock();
  const t = clock.nowMs();
  const store = new AlertStore({ clock });
  const a = makeAlert({ labels: { alertname: 'A' }, startsAtMs: t - MIN, endsAtMs: t });
  const b = makeAlert({ labels: { alertname: 'B' }, startsAtMs: t - MIN, endsAtMs: t });
  store.put([a, b]);
  const removed = store.gc(t, { retain: (x) => x.fingerprint === b.fingerprint });
  assert.deepEqual(removed.map((x) => x.fingerprint), [a.fingerprint]);
  assert.deepEqual(store.list().map((x) => x.fingerprint), [b.fingerprint]);
});

test('store: startGc collects on every interval of the clock until stopped', async () => {
  const clock = new FakeClock();
  const t = clock.nowMs();
  const store = new AlertStore({ clock });
  store.put([makeAlert({ labels: { alertname: 'A' }, startsAtMs: t, endsAtMs: t + 10 * MIN })]);
  const stop = store.startGc({ intervalMs: 30 * MIN });
  await clock.advance(29 * MIN);
  assert.equal(store.size, 1);
  await clock.advance(MIN);
  assert.equal(store.size, 0, 'resolved at +10m, collected at the +30m tick');
  store.put([makeAlert({ labels: { alertname: 'B' }, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + MIN })]);
  stop();
  await clock.advance(60 * MIN);
  assert.equal(store.size, 1, 'no collection after stop');
});
