// What operators run the compiled daemon with: /metrics, the notification history and explain
// APIs (and the explain CLI), --web.config.file with TLS and basic auth (curl, amtool), a bad
// web config refused at start, and SIGTERM finishing a notification in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { fingerprint } from '../../src/labels/labels.js';
import { ALERTROUTER_MAIN, startAlertrouter } from '../support/alertrouter.js';
import { makeTestCerts } from '../support/certs.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startWebhookSink } from '../support/real-alertmanager.js';

const run = promisify(execFile);
const FAR_FUTURE = '2999-01-01T00:00:00Z';

const config = (sinkUrl: string) => `route:
  receiver: team-a
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: pager
      matchers: ['severity="page"']
      active_time_intervals: [never]
receivers:
  - name: team-a
    webhook_configs:
      - url: ${sinkUrl}/team-a
  - name: pager
    webhook_configs:
      - url: ${sinkUrl}/pager
time_intervals:
  - name: never
    time_intervals:
      - years: ['1999']
`;

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The value of one sample of the exposition text, e.g. sample(text, 'x_total{a="b"}'). */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

test('metrics: Alertmanager\'s counters and gauges move with received alerts, notifications and reloads', async (t) => {
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url));
  const scrape = async () => {
    const res = await fetch(`${router.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const before = await scrape();
  assert.equal(sample(before, 'alertmanager_config_last_reload_successful'), 1);
  assert.ok((sample(before, 'alertmanager_config_last_reload_success_timestamp_seconds') ?? 0) > Date.now() / 1000 - 60);
  assert.equal(sample(before, 'alertmanager_receivers'), 2);
  assert.equal(sample(before, 'alertmanager_integrations'), 2);
  assert.ok((sample(before, 'process_resident_memory_bytes') ?? 0) > 0);
  // The silences' retention gc runs once at startup (then every minute) and is timed.
  assert.ok((sample(before, 'alertmanager_silences_gc_duration_seconds_count') ?? 0) >= 1);
  assert.match(before, /^alertmanager_build_info\{version="0\.25\.0",revision="alertrouter-[^"]+",branch="alertrouter",goversion="node[^"]+",goos="linux",goarch="[^"]+"\} 1$/m);

  const res = await fetch(`${router.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { labels: { alertname: 'Disk' }, endsAt: FAR_FUTURE },
      { labels: { alertname: 'Old' }, startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-01-01T01:00:00Z' },
      { labels: { '0bad': 'x' } },
    ]),
  });
  assert.equal(res.status, 400, 'one alert is invalid');
  await sink.waitFor(1);
  await waitUntil('the notification to be counted', async () => sample(await scrape(), 'alertmanager_notifications_total{integration="webhook"}') === 1);
  const after = await scrape();
  assert.equal(sample(after, 'alertmanager_alerts_received_total{status="firing",version="v2"}'), 2);
  assert.equal(sample(after, 'alertmanager_alerts_received_total{status="resolved",version="v2"}'), 1);
  assert.equal(sample(after, 'alertmanager_alerts_invalid_total{version="v2"}'), 1);
  assert.equal(sample(after, 'alertmanager_notifications_failed_total{integration="webhook"}'), 0);
  assert.equal(sample(after, 'alertmanager_notification_requests_total{integration="webhook"}'), 1);
  assert.equal(sample(after, 'alertmanager_notification_latency_seconds_count{integration="webhook"}'), 1);
  assert.equal(sample(after, 'alertmanager_alerts{state="active"}'), 1, 'the resolved one is not counted');
  assert.equal(sample(after, 'alertmanager_dispatcher_aggregation_groups'), 1);
  assert.ok((sample(after, 'alertmanager_nflog_queries_total') ?? 0) >= 1);
  assert.ok((sample(after, 'alertmanager_silences_queries_total') ?? 0) >= 1);
  assert.ok((sample(after, 'alertmanager_http_request_duration_seconds_count{handler="/api/v2/alerts",method="post"}') ?? 0) >= 1);

  writeFileSync(router.configFile, 'route: [');
  assert.equal((await fetch(`${router.url}/-/reload`, { method: 'POST' })).status, 500);
  assert.equal(sample(await scrape(), 'alertmanager_config_last_reload_successful'), 0);
  assert.ok(router.log.some((l) => /msg="Loading configuration file failed/.test(l)));
});

test('history and explain: the attempt is listed with its alerts and outcome; explain shows routes, time-interval mutes and last notifications; so does the CLI', async (t) => {
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url));
  const labels = { alertname: 'Disk' };
  const fp = fingerprint(labels);
  await router.postAlerts([{ labels, endsAt: FAR_FUTURE }]);
  await sink.waitFor(1);
  const history = async (query: string) => {
    const res = await fetch(`${router.url}/api/ext/v1/notifications${query}`);
    return { status: res.status, body: (await res.json()) as Array<Record<string, unknown>> };
  };
  await waitUntil('the attempt in the history', async () => (await history('')).body.length === 1);
  const { body } = await history(`?fingerprint=${fp}&receiver=team-a`);
  assert.equal(body.length, 1);
  assert.deepEqual(
    { ...body[0], time: undefined, latencySeconds: undefined },
    {
      time: undefined, receiver: 'team-a', integration: 'webhook', index: 0, groupKey: '{}:{alertname="Disk"}', fingerprints: [fp],
      alerts: 1, firing: 1, resolved: 0, attempt: 1, outcome: 'success', latencySeconds: undefined,
    },
  );
  assert.equal((await history('?receiver=pager')).body.length, 0);
  assert.equal((await history('?limit=0')).status, 400);

  // A paging alert takes only the pager route, whose active time interval never comes.
  const paging = fingerprint({ alertname: 'Disk', severity: 'page' });
  await router.postAlerts([{ labels: { alertname: 'Disk', severity: 'page' }, endsAt: FAR_FUTURE }]);
  const res = await fetch(`${router.url}/api/ext/v1/alerts/${paging}/explain`);
  assert.equal(res.status, 200);
  const x = (await res.json()) as { routes: Array<{ receiver: string; timeIntervals: { mutedNow: boolean; reason: string } }> };
  assert.deepEqual(x.routes.map((r) => [r.receiver, r.timeIntervals.mutedNow, r.timeIntervals.reason]), [['pager', true, 'outside all active_time_intervals (never)']]);
  assert.equal((await fetch(`${router.url}/api/ext/v1/alerts/0000000000000000/explain`)).status, 404);

  const cli = await run(process.execPath, [ALERTROUTER_MAIN, 'alert', 'explain', `--alertmanager.url=${router.url}`, fp]);
  assert.match(cli.stdout, new RegExp(`^alert ${fp} \\{alertname="Disk"\\}`));
  assert.match(cli.stdout, /route 1 of 1: \{\} → receiver team-a/);
  assert.match(cli.stdout, /group \{\}:\{alertname="Disk"\}: 1 alert, next flush /);
  assert.match(cli.stdout, /webhook\[0\]: group last notified .* \(this alert as firing\); last attempt .* success \(attempt 1\)/);
  const missing = await run(process.execPath, [ALERTROUTER_MAIN, 'alert', 'explain', `--alertmanager.url=${router.url}`, '0000000000000000']).catch((e: { code: number; stderr: string }) => e);
  assert.equal((missing as { code: number }).code, 1);
  assert.match((missing as { stderr: string }).stderr, /404 .*not found/);
});

test('web config: TLS and basic auth in front of every endpoint — curl and amtool with credentials get through, nothing else does', async (t) => {
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  const certs = makeTestCerts(t);
  const hash = bcrypt.hashSync('hunter2', 4);
  const webConfig = join(certs.dir, 'web.yml');
  writeFileSync(webConfig, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  ops: ${hash}\n`);
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url), { extraArgs: [`--web.config.file=${webConfig}`] });
  const url = `https://${router.address}`;
  assert.ok(router.log.some((l) => /msg="TLS is enabled\."/.test(l)));

  const curl = (...args: string[]) => run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', certs.caCert, ...args]);
  for (const path of ['/metrics', '/-/healthy', '/api/v2/status', '/api/v2/alerts', '/api/ext/v1/notifications']) {
    assert.equal((await curl(`${url}${path}`)).stdout, '401', path);
    assert.equal((await curl('-u', 'ops:wrong', `${url}${path}`)).stdout, '401', path);
    assert.equal((await curl('-u', 'ops:hunter2', `${url}${path}`)).stdout, '200', path);
  }
  const challenge = await run('curl', ['-s', '-i', '--cacert', certs.caCert, `${url}/-/healthy`]);
  assert.match(challenge.stdout, /^www-authenticate: Basic\r?$/im);
  const plain = await run('curl', ['-s', `http://${router.address}/-/healthy`]).catch((e: { code: number }) => e);
  assert.notEqual((plain as { code?: number }).code ?? 0, 0, 'plain HTTP is refused');

  const httpConfig = join(certs.dir, 'amtool-http.yml');
  writeFileSync(httpConfig, `basic_auth:\n  username: ops\n  password: hunter2\ntls_config:\n  ca_file: ${certs.caCert}\n`);
  await run('curl', ['-s', '-u', 'ops:hunter2', '--cacert', certs.caCert, '-H', 'content-type: application/json', '-d', JSON.stringify([{ labels: { alertname: 'ViaTls' }, endsAt: FAR_FUTURE }]), `${url}/api/v2/alerts`]);
  const query = await run(amtool, ['alert', 'query', '-o', 'json', `--alertmanager.url=${url}`, `--http.config.file=${httpConfig}`]);
  assert.deepEqual((JSON.parse(query.stdout) as Array<{ labels: { alertname: string } }>).map((a) => a.labels.alertname), ['ViaTls']);
  const denied = await run(amtool, ['alert', 'query', `--alertmanager.url=${url}`]).catch((e: { code: number; stderr: string }) => e);
  assert.notEqual((denied as { code?: number }).code ?? 0, 0, 'amtool without the CA and credentials is refused');

  // Our CLI: credentials in the URL, the CA through Node's NODE_EXTRA_CA_CERTS.
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certs.caCert };
  const fp = fingerprint({ alertname: 'ViaTls' });
  const explained = await run(process.execPath, [ALERTROUTER_MAIN, 'alert', 'explain', `--alertmanager.url=https://ops:hunter2@${router.address}`, fp], { env });
  assert.match(explained.stdout, new RegExp(`^alert ${fp} \\{alertname="ViaTls"\\}`));
  const refused = await run(process.execPath, [ALERTROUTER_MAIN, 'alert', 'explain', `--alertmanager.url=https://ops:nope@${router.address}`, fp], { env }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal((refused as { code: number }).code, 1);
  assert.match((refused as { stderr: string }).stderr, /401 Unauthorized/);
  assert.doesNotMatch((refused as { stderr: string }).stderr, /nope/, 'the password is not echoed');
});

test('web config: a bad file stops the daemon at start with the reason, as Alertmanager refuses to serve', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-badweb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, 'route:\n  receiver: r\nreceivers:\n  - name: r\n');
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['tls_server_config:\n  cert_filse: server.crt\n', /tls_server_config\.cert_filse: field cert_filse not found/],
    ['basic_auth_users:\n  ops: hunter2\n', /basic_auth_users\.ops: not a bcrypt hash/],
    ['tls_server_config:\n  cert_file: nothere.crt\n  key_file: nothere.key\n', /cannot read \\?".*nothere\.crt/],
  ];
  const alertmanager = requireOracle('alertmanager');
  for (const [i, [yaml, message]] of cases.entries()) {
    const webConfig = join(dir, `web${i}.yml`);
    writeFileSync(webConfig, yaml);
    const args = [`--config.file=${configFile}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', `--web.config.file=${webConfig}`];
    const ours = spawn(process.execPath, [ALERTROUTER_MAIN, ...args, `--storage.path=${join(dir, 'data')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    ours.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(ours, 'exit');
    assert.equal(code, 1, yaml);
    assert.match(stderr, /alertrouter failed to start/);
    assert.match(stderr, message);
    if (alertmanager) {
      const am = spawn(alertmanager, [...args, `--storage.path=${join(dir, 'am')}`], { stdio: 'ignore' });
      const [amCode] = await once(am, 'exit');
      assert.equal(amCode, 1, `Alertmanager refuses too: ${yaml}`);
    }
  }
});

test('SIGTERM: a receiver that keeps failing is not retried while shutting down; the daemon exits without waiting out the grace period, and notifies after the restart', async (t) => {
  let failing = true;
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (failing) return res.writeHead(500).end('down');
      received.push(body);
      res.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const router = await startAlertrouter(t, config(url));
  await router.postAlerts([{ labels: { alertname: 'Down' }, endsAt: FAR_FUTURE }]);
  await waitUntil('a failed attempt', () => router.log.some((l) => /msg="Notify attempt failed, will retry later"/.test(l)));

  const t0 = Date.now();
  router.process.kill('SIGTERM');
  const [code] = await once(router.process, 'exit');
  const tookMs = Date.now() - t0;
  assert.equal(code, 0);
  // The grace period (10 s) is for an attempt in flight, not for retrying one that failed.
  assert.ok(tookMs < 5000, `exited ${tookMs} ms after SIGTERM`);
  assert.ok(!router.log.some((l) => /still in flight after the grace period/.test(l)));

  // Nothing was recorded as sent, so the restarted daemon notifies.
  failing = false;
  await startAlertrouter(t, config(url), { dir: router.dir });
  await waitUntil('the notification after the restart', () => received.length > 0);
  assert.match(received[0]!, /"alertname":"Down"/);
});

test('SIGTERM: a notification in flight to a slow receiver is finished and recorded, then the daemon exits 0', async (t) => {
  const arrived: Array<{ body: string; res: ServerResponse }> = [];
  const slow = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => arrived.push({ body, res }));
  });
  slow.listen(0, '127.0.0.1');
  await once(slow, 'listening');
  t.after(() => new Promise<void>((resolve) => slow.close(() => resolve())));
  const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  const router = await startAlertrouter(t, config(slowUrl));
  await router.postAlerts([{ labels: { alertname: 'Slow' }, endsAt: FAR_FUTURE }]);
  await waitUntil('the webhook request to arrive', () => arrived.length === 1);

  router.process.kill('SIGTERM');
  await waitUntil('the shutdown to begin', () => router.log.some((l) => /exiting gracefully/.test(l)));
  assert.equal(router.process.exitCode, null, 'still waiting for the notification in flight');
  arrived[0]!.res.writeHead(200).end();
  const [code] = await once(router.process, 'exit');
  assert.equal(code, 0);
  assert.ok(router.log.some((l) => /msg="Notify success"/.test(l)), 'the send finished, not aborted');
  assert.ok(!router.log.some((l) => /still in flight after the grace period/.test(l)));

  // Restarted on the same storage: the notification was recorded, so it is not sent again.
  const again = await startAlertrouter(t, config(slowUrl), { dir: router.dir });
  const res = await fetch(`${again.url}/api/ext/v1/notifications`);
  assert.deepEqual(((await res.json()) as Array<{ outcome: string }>).map((e) => e.outcome), ['success']);
  await waitUntil('a flush after the restart', () => again.log.some((l) => /msg=deduplicated|msg="?deduplicated/.test(l)), 10_000);
  assert.equal(arrived.length, 1, 'no second notification');
});
