import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { fingerprint } from '../../src/labels/labels.js';
import { silencer } from '../../src/silence/muter.js';
import { AlertMarker } from '../../src/store/marker.js';
import { FakeClock } from '../support/fake-clock.js';
import { openTempRepository } from './temp-repository.js';

const HOUR = 3_600_000;

function setup(t: TestContext) {
  const { repo } = openTempRepository(t);
  const clock = new FakeClock();
  const marker = new AlertMarker();
  return { repo, clock, marker, muter: silencer({ silences: repo, marker, clock }) };
}

test('silencer: mutes while an active silence matches and marks the alert suppressed by it', async (t) => {
  const { repo, clock, marker, muter } = setup(t);
  const now = clock.nowMs();
  const labels = { alertname: 'Disk', instance: 'h1' };
  const fp = fingerprint(labels);
  assert.equal(muter.mutes(labels), false);
  assert.deepEqual(marker.status(fp), { state: 'active', silencedBy: [], inhibitedBy: [] });

  const a = repo.set(
    { matchers: [{ name: 'alertname', value: 'Disk', isRegex: false, isEqual: true }], startsAtMs: now, endsAtMs: now + HOUR, createdBy: 'x', comment: '' },
    { nowMs: now },
  );
  const b = repo.set(
    { matchers: [{ name: 'instance', value: 'h.', isRegex: true, isEqual: true }], startsAtMs: now, endsAtMs: now + 2 * HOUR, createdBy: 'x', comment: '' },
    { nowMs: now },
  );
  assert.equal(muter.mutes(labels), true);
  assert.deepEqual(marker.status(fp), { state: 'suppressed', silencedBy: [a, b].sort(), inhibitedBy: [] });
  assert.equal(marker.silenceMark(fp)?.version, repo.version);

  await clock.advance(HOUR);
  assert.equal(muter.mutes(labels), true);
  assert.deepEqual(marker.status(fp).silencedBy, [b], 'the first silence ended');

  repo.expire(b, clock.nowMs());
  assert.equal(muter.mutes(labels), false);
  assert.deepEqual(marker.status(fp), { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.equal(muter.mutes({ alertname: 'Cpu' }), false);
});

test('silencer: a pending silence does not mute yet but is remembered as pending', async (t) => {
  const { repo, clock, marker, muter } = setup(t);
  const now = clock.nowMs();
  const id = repo.set(
    { matchers: [{ name: 'alertname', value: 'Disk', isRegex: false, isEqual: true }], startsAtMs: now + HOUR, endsAtMs: now + 2 * HOUR, createdBy: 'x', comment: '' },
    { nowMs: now },
  );
  const labels = { alertname: 'Disk' };
  assert.equal(muter.mutes(labels), false);
  assert.deepEqual(marker.silenceMark(fingerprint(labels))?.pendingIds, [id]);
  await clock.advance(HOUR);
  assert.equal(muter.mutes(labels), true);
  assert.deepEqual(marker.status(fingerprint(labels)).silencedBy, [id]);
});
