// explainAlert over real parts: a config loaded from YAML, its routing tree, the dispatcher
// flushing through the real notify pipeline (capturing notifiers), the inhibitor, silences,
// notification log and history on SQLite files, all on a fake clock.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfigString } from '../../src/config/load.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { explainAlert, type ExplainSources } from '../../src/explain/explain.js';
import { NotificationHistory } from '../../src/history/history.js';
import { Inhibitor } from '../../src/inhibit/inhibitor.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { NotifyError } from '../../src/notify/notifier.js';
import { buildPipeline } from '../../src/pipeline/build.js';
import { silencer } from '../../src/silence/muter.js';
import { SilenceRepository } from '../../src/silence/repository.js';
import { AlertMarker } from '../../src/store/marker.js';
import { AlertStore } from '../../src/store/alerts.js';
import { CapturingNotifier } from '../support/capturing-notifier.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeAlert } from '../support/alerts.js';

const S = 1000;

// The fake clock starts on Monday 2024-01-15 12:00 UTC.
const CONFIG = `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 1h
  routes:
    - receiver: team-a
      matchers: ['team="a"']
      continue: true
      mute_time_intervals: [weekends]
    - receiver: pager
      matchers: ['severity="page"']
      active_time_intervals: [weekends]
receivers:
  - name: default
  - name: team-a
  - name: pager
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
time_intervals:
  - name: weekends
    time_intervals:
      - weekdays: ['saturday', 'sunday']
`;

function setup(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-explain-'));
  const clock = new FakeClock();
  const logger = pino({ level: 'silent' });
  const config = loadConfigString(CONFIG);
  const route = buildRouteTree(config.route);
  const marker = new AlertMarker();
  const store = new AlertStore({ clock, marker });
  const silences = new SilenceRepository(join(dir, 'silences.db'));
  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  const history = new NotificationHistory({ path: join(dir, 'history.db'), clock, retentionMs: 3600 * S, logger });
  const inhibitor = new Inhibitor({ rules: config.inhibitRules, alerts: store, marker, clock });
  const failing = new CapturingNotifier('webhook', 1, true, () => clock.nowMs()).failWith(new NotifyError('unexpected status code 400', { retryable: false }));
  const receivers = new Map<string, CapturingNotifier[]>([
    ['default', [new CapturingNotifier('webhook', 0, true, () => clock.nowMs())]],
    ['team-a', [new CapturingNotifier('webhook', 0, true, () => clock.nowMs()), failing]],
    ['pager', [new CapturingNotifier('email', 0, false, () => clock.nowMs())]],
  ]);
  const silenceMuter = silencer({ silences, marker, clock });
  const stage = buildPipeline({
    receivers,
    timeIntervals: config.timeIntervals,
    nflog,
    clock,
    inhibitor,
    silencer: silenceMuter,
    marker,
    onAttempt: (a) => history.record(a),
  });
  const dispatcher = new Dispatcher({ alerts: store, route, stage, clock, logger });
  dispatcher.start();
  t.after(async () => {
    await dispatcher.stop();
    inhibitor.close();
    history.close();
    nflog.close();
    silences.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sources = (): ExplainSources => ({
    nowMs: clock.nowMs(),
    alert: (fp) => store.get(fp),
    status: (alert) => marker.status(alert.fingerprint),
    route,
    timeIntervals: config.timeIntervals,
    groupOf: (r, labels) => dispatcher.groupOf(r, labels),
    matchSilences: (labels, fp) => silences.match(labels, { nowMs: clock.nowMs(), fingerprint: fp }),
    silence: (id) => silences.get(id),
    inhibitions: (labels) => inhibitor.inhibitions(labels),
    integrations: (receiver) => receivers.get(receiver) ?? [],
    nflog: (key) => nflog.query(key),
    history: (q) => history.query(q),
  });
  const put = (labels: Labels): string => {
    store.put([makeAlert({ labels, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + 3600 * S })]);
    return fingerprint(labels);
  };
  return { clock, silences, sources, put };
}

test('explain: routes with their path, group and next flush, time intervals now, and the last notification per integration', async (t) => {
  const { clock, sources, put } = setup(t);
  const t0 = clock.nowMs();
  const fp = put({ alertname: 'Disk', team: 'a', severity: 'page' });
  await clock.advance(10 * S);
  const x = explainAlert(fp, sources())!;
  assert.equal(x.fingerprint, fp);
  assert.deepEqual(x.status, { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.equal(x.resolved, false);
  assert.deepEqual(
    x.routes.map((r) => [r.id, r.receiver, r.path.map((p) => `${p.receiver}${p.matchers}${p.continue ? '+' : ''}`)]),
    [
      ['{}/{team="a"}/0', 'team-a', ['default{}', 'team-a{team="a"}+']],
      ['{}/{severity="page"}/1', 'pager', ['default{}', 'pager{severity="page"}']],
    ],
  );
  const [teamA, pager] = x.routes;
  assert.deepEqual(teamA!.group, {
    groupKey: '{}/{team="a"}:{alertname="Disk"}',
    labels: { alertname: 'Disk' },
    alerts: 1,
    nextFlushAt: new Date(t0 + 70 * S).toISOString(),
    flushing: false,
  });
  assert.deepEqual([teamA!.groupWait, teamA!.groupInterval, teamA!.repeatInterval, teamA!.groupBy], ['10s', '1m', '1h', ['alertname']]);
  assert.deepEqual(teamA!.timeIntervals, {
    mute: [{ name: 'weekends', now: false }],
    active: [],
    mutedNow: false,
    reason: 'no time interval mutes the route now',
  });
  const sentAt = new Date(t0 + 10 * S).toISOString();
  assert.deepEqual(teamA!.integrations, [
    {
      name: 'webhook[0]', integration: 'webhook', index: 0,
      lastGroupNotification: { at: sentAt, firing: 1, resolved: 0, alertSentAs: 'firing' },
      lastAttempt: { at: sentAt, attempt: 1, outcome: 'success' },
      lastSuccess: { at: sentAt, attempt: 1, outcome: 'success' },
    },
    {
      name: 'webhook[1]', integration: 'webhook', index: 1,
      lastGroupNotification: null,
      lastAttempt: { at: sentAt, attempt: 1, outcome: 'failed', error: 'unexpected status code 400' },
      lastSuccess: null,
    },
  ]);
  assert.deepEqual(pager!.timeIntervals, {
    mute: [],
    active: [{ name: 'weekends', now: false }],
    mutedNow: true,
    reason: 'outside all active_time_intervals (weekends)',
  });
  assert.deepEqual(pager!.integrations.map((i) => [i.name, i.lastGroupNotification, i.lastAttempt]), [['email[0]', null, null]]);
  assert.deepEqual(x.muted, { muted: false, silences: [], inhibitions: [] });
});

test('explain: a matching silence, active or pending, is listed with who made it and why', async (t) => {
  const { clock, silences, sources, put } = setup(t);
  const now = clock.nowMs();
  const fp = put({ alertname: 'Disk', team: 'a' });
  const matchers = [{ name: 'alertname', value: 'Disk', isRegex: false, isEqual: true }];
  const active = silences.set({ matchers, startsAtMs: now - S, endsAtMs: now + 3600 * S, createdBy: 'ops', comment: 'disk swap' }, { nowMs: now });
  const pending = silences.set({ matchers, startsAtMs: now + 600 * S, endsAtMs: now + 7200 * S, createdBy: 'ops', comment: 'later' }, { nowMs: now });
  silences.set({ matchers: [{ name: 'alertname', value: 'Other', isRegex: false, isEqual: true }], startsAtMs: now - S, endsAtMs: now + S, createdBy: 'x', comment: 'y' }, { nowMs: now });
  const x = explainAlert(fp, sources())!;
  assert.equal(x.muted.muted, true);
  assert.deepEqual(
    x.muted.silences.map((s) => [s.id, s.state, s.createdBy, s.comment, s.endsAt]),
    [
      [active, 'active', 'ops', 'disk swap', new Date(now + 3600 * S).toISOString()],
      [pending, 'pending', 'ops', 'later', new Date(now + 7200 * S).toISOString()],
    ],
  );
});

test('explain: an inhibited alert names the rule and every inhibiting alert', async (t) => {
  const { sources, put } = setup(t);
  const target = put({ alertname: 'Disk', severity: 'warning', instance: 'i1' });
  const source1 = put({ alertname: 'Disk', severity: 'critical', instance: 'i2' });
  const source2 = put({ alertname: 'Disk', severity: 'critical', instance: 'i3' });
  put({ alertname: 'Other', severity: 'critical' });
  const x = explainAlert(target, sources())!;
  assert.equal(x.muted.muted, true);
  assert.deepEqual(x.muted.inhibitions, [{ ruleIndex: 0, sources: [source1, source2].sort() }]);
  assert.deepEqual(explainAlert(source1, sources())!.muted.inhibitions, []);
});

test('explain: an alert that is not held has no explanation', (t) => {
  const { sources } = setup(t);
  assert.equal(explainAlert('0123456789abcdef', sources()), undefined);
});
