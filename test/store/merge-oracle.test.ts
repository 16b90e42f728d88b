// Differential test: the same sequences of alert posts, given to the real Alertmanager 0.25 and to
// our AlertStore (through the API's own ingest rules), leave the same start, end and annotations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePostableAlerts, prepareAlerts } from '../../src/api/v2/postable.js';
import { AlertStore } from '../../src/store/alerts.js';
import type { Clock } from '../../src/util/clock.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const alertmanager = requireOracle('alertmanager');
const MIN = 60_000;
const RESOLVE_TIMEOUT = 5 * MIN;

/** One post: offsets from the test's base time in ms; undefined leaves the field out. */
interface Post {
  start?: number;
  end?: number;
  note?: string;
}

/** Each scenario is one alert posted several times; results must agree after each round. */
const SCENARIOS: Record<string, Post[]> = {
  LaterStartInsideRange: [{ start: -10 * MIN }, { start: -5 * MIN }],
  TimeoutRefreshKeepsExplicitLaterEnd: [{ start: -10 * MIN, end: 60 * MIN }, { start: -10 * MIN }],
  ExplicitLaterEndReplacesTimeout: [{ start: -10 * MIN }, { start: -10 * MIN, end: 60 * MIN }],
  NewFiringAfterResolved: [{ start: -60 * MIN, end: -30 * MIN }, { start: -10 * MIN }],
  EarlierStartAndEarlierEnd: [{ start: -60 * MIN, end: 60 * MIN, note: 'first' }, { start: -120 * MIN, end: 30 * MIN, note: 'second' }],
  AnnotationsFollowTheNewest: [{ start: -10 * MIN, note: 'v1' }, { start: -10 * MIN, note: 'v2' }],
  ExplicitEarlierEndBeatsTimeout: [{ start: -10 * MIN }, { start: -10 * MIN, end: MIN }],
  NoStartGiven: [{}, { start: -3 * MIN }],
};

function toApi(name: string, p: Post, base: number): object {
  return {
    labels: { alertname: name, suite: 'merge-oracle' },
    annotations: p.note === undefined ? {} : { note: p.note },
    ...(p.start === undefined ? {} : { startsAt: new Date(base + p.start).toISOString() }),
    ...(p.end === undefined ? {} : { endsAt: new Date(base + p.end).toISOString() }),
  };
}

test('compat: stored start, end and annotations after repeated posts equal Alertmanager', { skip: !alertmanager && missingOracleReason('alertmanager'), timeout: 60_000 }, async (t) => {
  const am = await startAlertmanager(t, alertmanager!, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  let now = Date.now();
  const clock: Clock = { nowMs: () => now, setTimer: () => () => {} };
  const store = new AlertStore({ clock });
  const base = Date.now();
  const rounds = Math.max(...Object.values(SCENARIOS).map((s) => s.length));

  for (let round = 0; round < rounds; round++) {
    const batch = Object.entries(SCENARIOS).flatMap(([name, posts]) => (posts[round] ? [toApi(name, posts[round]!, base)] : []));
    now = Date.now();
    await am.postAlerts(batch);
    const prepared = prepareAlerts(decodePostableAlerts(JSON.stringify(batch)), { nowMs: now, resolveTimeoutMs: RESOLVE_TIMEOUT });
    assert.deepEqual(prepared.errors, []);
    store.put(prepared.valid);

    // Alertmanager lists only alerts not yet resolved; compare those, as of now.
    const theirs = new Map((await am.getAlerts()).filter((a) => a.labels['suite'] === 'merge-oracle').map((a) => [a.labels['alertname']!, a]));
    const listedAt = Date.now();
    const ours = store.list().filter((a) => a.endsAtMs > listedAt);
    assert.deepEqual([...theirs.keys()].sort(), ours.map((a) => a.labels['alertname']!).sort(), `round ${round}: same alerts active`);
    for (const a of ours) {
      const name = a.labels['alertname']!;
      const other = theirs.get(name)!;
      const where = `round ${round}, ${name}`;
      assert.equal(a.fingerprint, other.fingerprint, where);
      // A start or end not given is the receiver's own clock at receipt (plus resolve_timeout):
      // the two sides read their clocks milliseconds apart, so allow for that; the cases differ by minutes.
      assert.ok(Math.abs(a.startsAtMs - Date.parse(other.startsAt)) < 3000, `${where}: startsAt ${new Date(a.startsAtMs).toISOString()} vs ${other.startsAt}`);
      assert.ok(Math.abs(a.endsAtMs - Date.parse(other.endsAt)) < 3000, `${where}: endsAt ${new Date(a.endsAtMs).toISOString()} vs ${other.endsAt}`);
      assert.deepEqual(a.annotations, other.annotations, `${where}: annotations`);
    }
  }
});
