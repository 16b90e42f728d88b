import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineOnPut } from '../../src/store/merge.js';
import { makeAlert } from '../support/alerts.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const labels = { alertname: 'HighLatency', job: 'api' };

interface Version {
  start: number;
  end: number;
  updated: number;
  timeout?: boolean;
  note: string;
}

interface Case {
  name: string;
  held: Version;
  incoming: Version;
  nowMs: number;
  want: { start: number; end: number; note: string; timeout: boolean };
}

const at = (m: number) => T0 + m * MIN;

const cases: Case[] = [
  {
    name: 'refresh of a firing alert with a later resolve timeout: incoming replaces (no overlap rule hit)',
    held: { start: at(0), end: at(5), updated: at(0), timeout: true, note: 'old' },
    incoming: { start: at(0), end: at(6), updated: at(1), timeout: true, note: 'new' },
    nowMs: at(1),
    want: { start: at(0), end: at(6), note: 'new', timeout: true },
  },
  {
    name: 'later start inside the held range: merged, earliest start kept, newer annotations',
    held: { start: at(0), end: at(5), updated: at(0), timeout: true, note: 'old' },
    incoming: { start: at(2), end: at(7), updated: at(2), timeout: true, note: 'new' },
    nowMs: at(2),
    want: { start: at(0), end: at(7), note: 'new', timeout: true },
  },
  {
    name: 'explicit resolve inside the held range: merged, resolved at the sent end',
    held: { start: at(0), end: at(5), updated: at(0), timeout: true, note: 'old' },
    incoming: { start: at(0), end: at(2), updated: at(2), note: 'resolved' },
    nowMs: at(2),
    want: { start: at(0), end: at(2), note: 'resolved', timeout: false },
  },
  {
    name: 'new firing after the held one ended: replaced, its own start',
    held: { start: at(0), end: at(5), updated: at(0), timeout: true, note: 'old' },
    incoming: { start: at(10), end: at(15), updated: at(10), timeout: true, note: 'again' },
    nowMs: at(10),
    want: { start: at(10), end: at(15), note: 'again', timeout: true },
  },
  {
    name: 'firing update with an earlier timeout end keeps the held explicit later end',
    held: { start: at(0), end: at(60), updated: at(0), note: 'explicit' },
    incoming: { start: at(1), end: at(6), updated: at(1), timeout: true, note: 'refresh' },
    nowMs: at(1),
    want: { start: at(0), end: at(60), note: 'refresh', timeout: true },
  },
  {
    name: 'firing update with an earlier end does not keep a held end that came from the timeout',
    held: { start: at(0), end: at(60), updated: at(0), timeout: true, note: 'timeout' },
    incoming: { start: at(1), end: at(6), updated: at(1), note: 'explicit' },
    nowMs: at(1),
    want: { start: at(0), end: at(6), note: 'explicit', timeout: false },
  },
  {
    name: 'both resolved: the later explicit end wins',
    held: { start: at(0), end: at(10), updated: at(0), note: 'old' },
    incoming: { start: at(1), end: at(5), updated: at(20), note: 'late' },
    nowMs: at(20),
    want: { start: at(0), end: at(10), note: 'late', timeout: false },
  },
  {
    name: 'newer resolved, older still firing: the newer end wins even if earlier',
    held: { start: at(0), end: at(30), updated: at(0), note: 'old' },
    incoming: { start: at(1), end: at(3), updated: at(4), note: 'resolved' },
    nowMs: at(4),
    want: { start: at(0), end: at(3), note: 'resolved', timeout: false },
  },
  {
    name: 'incoming updated before the held one: the held one is the newer and provides annotations',
    held: { start: at(2), end: at(8), updated: at(3), note: 'held-newer' },
    incoming: { start: at(0), end: at(6), updated: at(1), note: 'stale' },
    nowMs: at(3),
    want: { start: at(0), end: at(8), note: 'held-newer', timeout: false },
  },
];

function build(v: Version) {
  return makeAlert({
    labels,
    startsAtMs: v.start,
    endsAtMs: v.end,
    updatedAtMs: v.updated,
    timeout: v.timeout ?? false,
    annotations: { note: v.note },
  });
}

for (const c of cases) {
  test(`merge: ${c.name}`, () => {
    const got = combineOnPut(build(c.held), build(c.incoming), c.nowMs);
    assert.deepEqual(
      { start: got.startsAtMs, end: got.endsAtMs, note: got.annotations['note'], timeout: got.timeout },
      c.want,
    );
    assert.equal(got.fingerprint, build(c.incoming).fingerprint);
  });
}
