// Differential test: for the same config and alerts, the JSON body our SlackNotifier posts is
// byte for byte the one the real Alertmanager 0.25 posts (defaults, every option, resolved).
// One Alertmanager run (firing, then resolved one group_interval later) feeds every test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Alert } from '../../src/alert/alert.js';
import { loadConfigString } from '../../src/config/load.js';
import { compareAlerts } from '../../src/dispatch/order.js';
import { SlackNotifier } from '../../src/notify/slack.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';
import { flushContext } from '../support/flush-context.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';
import { startCapture, type CaptureServer } from '../notify/capture.js';

const alertmanager = requireOracle('alertmanager');
const EXTERNAL_URL = 'http://am.example:9093/prefix';

const config = (hook: string) => `
global:
  resolve_timeout: 5m
route:
  receiver: slack
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 4h
receivers:
  - name: slack
    slack_configs:
      - api_url: ${hook}/defaults
      - api_url: ${hook}/everything
        send_resolved: true
        channel: '#{{ .CommonLabels.team }}-alerts'
        username: 'AM <{{ .Receiver }}>'
        color: '{{ if eq .Status "firing" }}#ff0000{{ else }}#00ff00{{ end }}'
        title: '{{ .Alerts.Firing | len }} firing: {{ .GroupLabels.SortedPairs.Values | join ", " }}'
        title_link: '{{ .ExternalURL }}/#/alerts'
        pretext: 'pre {{ .CommonAnnotations.summary }}'
        text: |-
          {{ range .Alerts }}*{{ .Labels.instance }}* {{ .Annotations.description }} since {{ .StartsAt }}
          {{ end }}
        short_fields: true
        fields:
          - title: Severity
            value: '{{ .CommonLabels.severity | toUpper }}'
          - title: Instances
            value: '{{ range .Alerts }}{{ .Labels.instance }} {{ end }}'
            short: false
        footer: 'footer & <stuff>'
        fallback: 'fb {{ .Status }}'
        callback_id: 'cb-{{ .GroupLabels.alertname }}'
        icon_emoji: ':rotating_light:'
        image_url: 'http://img.example/{{ .GroupLabels.alertname }}.png'
        thumb_url: 'http://img.example/thumb.png'
        link_names: true
        mrkdwn_in: [text, pretext]
        actions:
          - type: button
            text: 'Runbook {{ .CommonLabels.severity }}'
            url: 'http://runbook.example/{{ .GroupLabels.alertname }}'
            style: primary
          - type: button
            text: Silence
            name: silence
            value: '{{ .GroupLabels.alertname }}'
            confirm:
              text: 'Silence {{ len .Alerts }} alerts?'
              ok_text: 'Yes'
      - api_url: ${hook}/times
        send_resolved: true
        text: '{{ range .Alerts }}{{ .Status }} {{ .StartsAt }} → {{ .EndsAt }} ({{ .EndsAt.IsZero }}); {{ end }}'
`;

/** What the real Alertmanager posted, by URL path, for the firing and the resolved round. */
interface Observed {
  readonly firing: ReadonlyMap<string, string>;
  readonly resolved: ReadonlyMap<string, string>;
}

const startsAtMs = Date.parse('2024-03-10T12:00:00.123Z');
const generatorURL = 'http://prom.example/graph?g0.expr=up';
const specs = [
  { labels: { alertname: 'DiskFull', instance: 'db-1:9100', team: 'storage', severity: 'page' }, annotations: { summary: 'disk full', description: 'at <95%> & "rising" — ünïcode' } },
  { labels: { alertname: 'DiskFull', instance: 'db-2:9100', team: 'storage', severity: 'page' }, annotations: { summary: 'disk full', description: 'at 91%' } },
];
const SEND_RESOLVED = ['/everything', '/times'];

describe('compat: Slack message bodies equal Alertmanager 0.25', { timeout: 30_000 }, () => {
  let capture: CaptureServer;
  let yaml: string;
  let observed: Observed;
  let endsAtMs: number;
  let endedMs: number;
  const cleanups: Array<() => void | Promise<void>> = [];

  before(async () => {
    if (!alertmanager) return;
    capture = await startCapture();
    cleanups.push(() => capture.close());
    yaml = config(capture.url);
    const am = await startAlertmanager({ after: (fn) => cleanups.push(fn) }, alertmanager, yaml, {
      extraArgs: [`--web.external-url=${EXTERNAL_URL}`, '--web.route-prefix=/'],
    });
    const post = (end: number) =>
      am.postAlerts(specs.map((s) => ({ ...s, startsAt: new Date(startsAtMs).toISOString(), endsAt: new Date(end).toISOString(), generatorURL })));
    endsAtMs = Date.now() + 3600_000;
    await post(endsAtMs);
    await capture.received(3);
    const firing = new Map(capture.requests.slice(0, 3).map((r) => [r.url, r.body]));
    // Resolve them; the next flush (group_interval 2s later) tells the send_resolved configs.
    endedMs = Date.now() - 1000;
    await post(endedMs);
    const resolved = new Map<string, string>();
    for (let n = 4; SEND_RESOLVED.some((p) => !resolved.has(p)); n++) {
      await capture.received(n);
      const req = capture.requests[n - 1]!;
      if (SEND_RESOLVED.includes(req.url)) resolved.set(req.url, req.body);
    }
    observed = { firing, resolved };
  });
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  /** The body our notifier posts for slack_configs[index] and the given alert end. */
  async function ours(index: number, endMs: number): Promise<string> {
    const loaded = loadConfigString(yaml);
    const cfg = loaded.receivers[0]!.slackConfigs[index]!;
    const alerts: Alert[] = specs
      .map((s) => ({ ...makeAlert({ labels: s.labels, annotations: s.annotations, startsAtMs, endsAtMs: endMs }), generatorURL }))
      .sort(compareAlerts);
    const before = capture.requests.length;
    const n = new SlackNotifier({
      config: { ...cfg, apiUrl: `${capture.url}/ours` },
      index,
      templates: await Templates.load([]),
      externalURL: EXTERNAL_URL,
      resolveTimeoutMs: loaded.global.resolveTimeoutMs,
    });
    await n.notify(flushContext({ nowMs: Date.now(), receiverName: 'slack', groupLabels: { alertname: 'DiskFull' }, groupKey: '{}:{alertname="DiskFull"}' }), alerts);
    return capture.requests[before]!.body;
  }

  test('default options, firing', async (t) => {
    if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
    assert.equal(await ours(0, endsAtMs), observed.firing.get('/defaults'));
  });

  test('every option templated, firing and resolved', async (t) => {
    if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
    assert.equal(await ours(1, endsAtMs), observed.firing.get('/everything'), 'firing');
    const resolved = observed.resolved.get('/everything')!;
    assert.equal(await ours(1, endedMs), resolved, 'resolved');
    assert.match(resolved, /"color":"#00ff00"/);
  });

  test('templates see a firing alert\'s EndsAt as Go\'s zero time and a resolved one\'s end', async (t) => {
    if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
    assert.match(observed.firing.get('/times')!, /firing 2024-03-10 12:00:00\.123 \+0000 UTC → 0001-01-01 00:00:00 \+0000 UTC \(true\)/);
    assert.equal(await ours(2, endsAtMs), observed.firing.get('/times'), 'firing');
    assert.equal(await ours(2, endedMs), observed.resolved.get('/times'), 'resolved');
  });
});
