// End to end with the real Prometheus: a rule fires, Prometheus sends the alert to alertrouter
// (as its Alertmanager), alertrouter notifies a webhook; the rule stops firing, Prometheus
// sends the resolved alert, and the resolved notification arrives.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { freePort } from '../support/ports.js';
import { startWebhookSink } from '../support/real-alertmanager.js';

const rules = (expr: string) => `groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: E2EDiskFull
        expr: ${expr}
        labels:
          severity: critical
          team: storage
        annotations:
          summary: disk is full
`;

test('Prometheus → alertrouter → webhook: firing, then resolved when the rule stops firing', { timeout: 90_000 }, async (t) => {
  const prometheusBin = requireOracle('prometheus');
  if (!prometheusBin) return t.skip(missingOracleReason('prometheus'));
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(
    t,
    `route:
  receiver: storage-hook
  group_by: [alertname, team]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: storage-hook
    webhook_configs:
      - url: ${sink.url}/storage
        send_resolved: true
`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-prom-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rulesFile = join(dir, 'rules.yml');
  writeFileSync(rulesFile, rules('vector(1) > 0'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  evaluation_interval: 1s
rule_files: [${JSON.stringify(rulesFile)}]
alerting:
  alertmanagers:
    - api_version: v2
      static_configs:
        - targets: ['${router.address}']
`,
  );
  const promPort = await freePort();
  const prometheus = spawn(
    prometheusBin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--rules.alert.resend-delay=1s',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  t.after(async () => {
    if (prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await once(prometheus, 'exit');
    }
  });

  await sink.waitFor(1, 30_000);
  const firing = sink.received[0]!;
  assert.equal(firing.path, '/storage');
  assert.equal(firing.message.status, 'firing');
  assert.equal(firing.message.receiver, 'storage-hook');
  assert.deepEqual(firing.message.groupLabels, { alertname: 'E2EDiskFull', team: 'storage' });
  assert.equal(firing.message.alerts.length, 1);
  assert.deepEqual(firing.message.alerts[0]!.labels, { alertname: 'E2EDiskFull', severity: 'critical', team: 'storage' });

  // The rule stops firing: Prometheus sends the alert with an end time, alertrouter resolves it.
  writeFileSync(rulesFile, rules('vector(1) < 0'));
  prometheus.kill('SIGHUP');
  const deadline = Date.now() + 30_000;
  while (!sink.received.some((r) => r.message.status === 'resolved')) {
    assert.ok(Date.now() < deadline, `no resolved notification within 30s; got ${sink.received.map((r) => r.message.status).join(', ')}`);
    await sink.waitFor(sink.received.length + 1, deadline - Date.now());
  }
  const resolved = sink.received.find((r) => r.message.status === 'resolved')!;
  assert.equal(resolved.message.alerts[0]!.status, 'resolved');
  assert.deepEqual(resolved.message.alerts[0]!.labels, { alertname: 'E2EDiskFull', severity: 'critical', team: 'storage' });
  // Nothing repeated the firing notification in between (repeat_interval is 1h).
  const firingCount = sink.received.filter((r) => r.message.status === 'firing').length;
  assert.equal(firingCount, 1, 'the firing notification was sent once');
});
