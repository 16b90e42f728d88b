// Silences and inhibition on the running daemon, driven the way operators drive them: amtool
// adds and expires a silence; alerts it matches are not notified while it lasts and are notified
// at the group's next flush once it ends; a firing source alert inhibits its targets.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startWebhookSink } from '../support/real-alertmanager.js';

const run = promisify(execFile);
const FAR = '2999-01-01T00:00:00Z';

const config = (sink: string) => `route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: team
    webhook_configs: [{ url: ${sink}/team }]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`;

async function alerts(url: string): Promise<Array<{ labels: Record<string, string>; status: { state: string; silencedBy: string[]; inhibitedBy: string[] } }>> {
  return (await (await fetch(`${url}/api/v2/alerts`)).json()) as never;
}

test('amtool silence add mutes an alert; silence expire lets it notify at the next flush', { timeout: 60_000 }, async (t) => {
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url));
  const am = (...args: string[]) => run(amtool, [`--alertmanager.url=${router.url}`, ...args]);

  const { stdout: id } = await am('silence', 'add', 'alertname=DiskFull', '--comment=disk swap', '--author=ops', '--duration=1h');
  assert.match(id.trim(), /^[0-9a-f-]{36}$/);
  await router.postAlerts([{ labels: { alertname: 'DiskFull', instance: 'db1' }, endsAt: FAR }]);

  await new Promise((r) => setTimeout(r, 3000)); // group_wait and two group intervals
  assert.equal(sink.received.length, 0, 'a silenced alert is not notified');
  const [held] = await alerts(router.url);
  assert.equal(held!.status.state, 'suppressed');
  assert.deepEqual(held!.status.silencedBy, [id.trim()]);
  const { stdout: query } = await am('silence', 'query', '-q');
  assert.equal(query.trim(), id.trim());

  await am('silence', 'expire', id.trim());
  await sink.waitFor(1, 10_000);
  assert.deepEqual(sink.received[0]!.message.alerts.map((a) => a.labels.alertname), ['DiskFull']);
  const { stdout: expired } = await am('silence', 'query', '--expired', '-q');
  assert.equal(expired.trim(), id.trim());
});

test('a firing critical alert inhibits the warning with the same cluster, not one in another cluster', { timeout: 30_000 }, async (t) => {
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url));
  await router.postAlerts([
    { labels: { alertname: 'ClusterDown', severity: 'critical', cluster: 'eu1' }, endsAt: FAR },
    { labels: { alertname: 'PodSlow', severity: 'warning', cluster: 'eu1' }, endsAt: FAR },
    { labels: { alertname: 'PodSlow', severity: 'warning', cluster: 'us1' }, endsAt: FAR },
  ]);
  await sink.waitFor(2, 10_000);
  await new Promise((r) => setTimeout(r, 1500));
  const notified = sink.received.flatMap((r) => r.message.alerts.map((a) => `${a.labels.alertname}/${a.labels.cluster}`)).sort();
  assert.deepEqual(notified, ['ClusterDown/eu1', 'PodSlow/us1']);
  const inhibited = (await alerts(router.url)).find((a) => a.labels.cluster === 'eu1' && a.labels.severity === 'warning')!;
  assert.equal(inhibited.status.state, 'suppressed');
  assert.equal(inhibited.status.inhibitedBy.length, 1);
});
