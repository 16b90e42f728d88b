// The mute stage hands each alert's fingerprint to the muter, which records its verdict under
// it without hashing the labels again; the verdicts equal those for labels alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inhibitor } from '../../src/inhibit/inhibitor.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { parseMatchers } from '../../src/labels/parse.js';
import { muteStage, type Muter } from '../../src/pipeline/stage.js';
import { AlertStore } from '../../src/store/alerts.js';
import { AlertMarker } from '../../src/store/marker.js';
import { makeAlert } from '../support/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { flushContext } from '../support/flush-context.js';

test('mute stage: each alert reaches the muter with its own fingerprint', async () => {
  const seen: [Labels, string | undefined][] = [];
  const muter: Muter = {
    mutes: (labels, fp) => {
      seen.push([labels, fp]);
      return labels.alertname === 'Muted';
    },
  };
  const alerts = [makeAlert({ labels: { alertname: 'Muted' }, startsAtMs: 0 }), makeAlert({ labels: { alertname: 'Kept' }, startsAtMs: 0 })];
  const kept = await muteStage(muter).exec(flushContext({ nowMs: 0 }), alerts);
  assert.deepEqual(kept.map((a) => a.labels.alertname), ['Kept']);
  assert.deepEqual(seen.map(([l, fp]) => fp === fingerprint(l)), [true, true]);
});

test('inhibitor: a verdict asked with the fingerprint is the one asked without, recorded under it', () => {
  const clock = new FakeClock();
  const store = new AlertStore({ clock });
  const marker = new AlertMarker();
  const inhibitor = new Inhibitor({
    rules: [{ sourceMatchers: parseMatchers('{severity="critical"}'), targetMatchers: parseMatchers('{severity="warning"}'), equal: ['alertname'] }],
    alerts: store,
    marker,
    clock,
  });
  store.put([makeAlert({ labels: { alertname: 'Disk', severity: 'critical' }, startsAtMs: clock.nowMs() })]);
  const target = { alertname: 'Disk', severity: 'warning' };
  const fp = fingerprint(target);
  assert.equal(inhibitor.mutes(target, fp), inhibitor.mutes(target));
  assert.equal(marker.status(fp).state, 'suppressed');
  inhibitor.close();
});
