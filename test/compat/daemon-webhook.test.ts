// Differential: the real Alertmanager 0.25 and the alertrouter daemon, same config, same alert
// sequence over HTTP; the webhook notifications each sends agree on receivers, grouping,
// alerts and firing/resolved status (times and URLs aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager, startWebhookSink, type WebhookSink } from '../support/real-alertmanager.js';

const config = (sinkUrl: string) => `route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: team-a
      matchers: [team="a"]
      group_by: [alertname, severity]
      continue: true
    - receiver: pager
      matchers: ['severity=~"crit.*"']
      group_by: ['...']
    - receiver: team-b
      matchers: [team=~"b|c"]
receivers:
  - name: default
    webhook_configs: [{ url: ${sinkUrl}/default }]
  - name: team-a
    webhook_configs: [{ url: ${sinkUrl}/team-a, send_resolved: true }]
  - name: pager
    webhook_configs: [{ url: ${sinkUrl}/pager, send_resolved: false }]
  - name: team-b
    webhook_configs: [{ url: ${sinkUrl}/team-b, max_alerts: 1 }]
`;

const FAR = '2999-01-01T00:00:00Z';
const alert = (labels: Record<string, string>, endsAt = FAR) => ({ labels, annotations: { summary: `${labels.alertname} on ${labels.instance}` }, endsAt });

const PHASES: Array<(now: string) => object[]> = [
  () => [
    alert({ alertname: 'Disk', team: 'a', severity: 'critical', instance: 'h1' }),
    alert({ alertname: 'Disk', team: 'a', severity: 'warning', instance: 'h2' }),
    alert({ alertname: 'Disk', team: 'b', severity: 'warning', instance: 'h3' }),
    alert({ alertname: 'Disk', team: 'c', severity: 'warning', instance: 'h4' }),
    alert({ alertname: 'CPU', team: 'z', severity: 'info', instance: 'h5' }),
  ],
  (now) => [
    alert({ alertname: 'Disk', team: 'a', severity: 'critical', instance: 'h1' }, now),
    alert({ alertname: 'Disk', team: 'b', severity: 'warning', instance: 'h3' }, now),
    alert({ alertname: 'CPU', team: 'z', severity: 'info', instance: 'h6' }),
  ],
];

/** A notification without what legitimately differs (times, external URL), alerts in a stable order. */
function normalise(path: string, raw: unknown): string {
  const m = raw as {
    receiver: string; status: string; groupKey: string; truncatedAlerts: number; version: string;
    groupLabels: object; commonLabels: object; commonAnnotations: object;
    alerts: Array<{ status: string; labels: Record<string, string>; annotations: object; fingerprint: string }>;
  };
  return JSON.stringify({
    path, version: m.version, receiver: m.receiver, status: m.status, groupKey: m.groupKey, truncatedAlerts: m.truncatedAlerts,
    groupLabels: m.groupLabels, commonLabels: m.commonLabels, commonAnnotations: m.commonAnnotations,
    alerts: m.alerts.map((a) => ({ status: a.status, labels: a.labels, annotations: a.annotations, fingerprint: a.fingerprint }))
      .sort((x, y) => x.fingerprint.localeCompare(y.fingerprint)),
  });
}

const phaseOf = (sink: WebhookSink, from: number) => sink.received.slice(from).map((r) => normalise(r.path, r.message)).sort();

test('the real Alertmanager and alertrouter send the same webhooks for the same alerts', { timeout: 60_000 }, async (t) => {
  const amBin = requireOracle('alertmanager');
  if (!amBin) return t.skip(missingOracleReason('alertmanager'));
  const amSink = await startWebhookSink(t);
  const arSink = await startWebhookSink(t);
  const am = await startAlertmanager(t, amBin, config(amSink.url));
  const ar = await startAlertrouter(t, config(arSink.url));

  let amFrom = 0;
  let arFrom = 0;
  for (const [i, phase] of PHASES.entries()) {
    const now = new Date().toISOString();
    await Promise.all([am.postAlerts(phase(now)), ar.postAlerts(phase(now))]);
    // group_wait and group_interval are 1s: 3.5s lets every group flush, and not twice.
    await new Promise((r) => setTimeout(r, 3500));
    const amPhase = phaseOf(amSink, amFrom);
    const arPhase = phaseOf(arSink, arFrom);
    assert.ok(amPhase.length > 0, `phase ${i}: Alertmanager sent something`);
    assert.deepEqual(arPhase, amPhase, `phase ${i}: same notifications`);
    t.diagnostic(`phase ${i}: ${amPhase.length} notifications agree`);
    amFrom = amSink.received.length;
    arFrom = arSink.received.length;
  }
});
