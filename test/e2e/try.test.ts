// Try before you page, against the real daemon (compiled, as a child process): template
// rendering and test notifications over HTTP and through the compiled CLI, with a real webhook
// receiver and a real SMTP server on loopback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { ALERTROUTER_MAIN, startAlertrouter, type RunningAlertrouter } from '../support/alertrouter.js';
import { freePort } from '../support/ports.js';
import { startWebhookSink, type WebhookSink } from '../support/real-alertmanager.js';
import { startSmtpCapture, type SmtpCapture } from '../notify/email-capture.js';

const TEAM_TMPL = `{{ define "team.subject" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join " " }} ({{ len .Alerts.Firing }} firing){{ end }}
{{ define "team.line" }}{{ range .Alerts }}{{ .Labels.alertname }}/{{ .Labels.instance }}={{ .Status }};{{ end }}{{ end }}`;

function configYaml(o: { sink: string; smtpPort: number; deadPort: number; tmplFile: string }): string {
  return `global:
  smtp_smarthost: 127.0.0.1:${o.smtpPort}
  smtp_from: alertrouter@example.org
  smtp_require_tls: false
route:
  receiver: team
  group_by: [alertname]
  group_wait: 5s
  group_interval: 1h
  repeat_interval: 1h
receivers:
  - name: team
    webhook_configs:
      - url: ${o.sink}/team
    email_configs:
      - to: oncall@example.org
        headers:
          Subject: '{{ template "team.subject" . }}'
  - name: broken
    webhook_configs:
      - url: http://127.0.0.1:${o.deadPort}/nowhere
templates:
  - ${o.tmplFile}
`;
}

interface Setup {
  readonly router: RunningAlertrouter;
  readonly sink: WebhookSink;
  readonly smtp: SmtpCapture;
}

async function setup(t: { after(fn: () => void | Promise<void>): void }): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-e2e-try-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tmplFile = join(dir, 'team.tmpl');
  writeFileSync(tmplFile, TEAM_TMPL);
  const sink = await startWebhookSink(t);
  const smtp = await startSmtpCapture();
  t.after(() => smtp.close());
  const router = await startAlertrouter(t, configYaml({ sink: sink.url, smtpPort: smtp.port, deadPort: await freePort(), tmplFile }));
  return { router, sink, smtp };
}

async function post(url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  return { status: res.status, json: await res.json() };
}

/** The compiled CLI, as a user runs it. */
function cli(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ALERTROUTER_MAIN, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, exitCode: err ? Number((err as { code?: number }).code ?? 1) : 0 });
    });
  });
}

test('try before you page: render and test notifications over HTTP against the daemon', { timeout: 60_000 }, async (t) => {
  const { router, sink, smtp } = await setup(t);
  const ext = `${router.url}/api/ext/v1`;

  // The config's templates, on the sample group, with the daemon's external URL.
  const sample = await post(`${ext}/templates/render`, { template: '{{ template "team.subject" . }} {{ template "team.line" . }}' });
  assert.equal(sample.status, 200);
  assert.equal(
    sample.json.output,
    '[FIRING] HighRequestLatency checkout (2 firing) HighRequestLatency/checkout-7f9c4-2xk8p:8080=firing;HighRequestLatency/checkout-7f9c4-9mzq4:8080=firing;HighRequestLatency/checkout-7f9c4-h5t2w:8080=resolved;',
  );
  const html = await post(`${ext}/templates/render`, { template: '<b>{{ (index .Alerts 0).Annotations.summary }}</b>{{ "<i>" }}', html: true });
  assert.equal(html.json.output, '<b>checkout p99 latency is 2.31s on checkout-7f9c4-2xk8p:8080</b>&lt;i&gt;');

  const parseError = await post(`${ext}/templates/render`, { template: '{{ template "team.line" . }}\n{{ if }}' });
  assert.equal(parseError.status, 400);
  assert.deepEqual(parseError.json, { code: 400, message: 'template: :2:6: missing value for if', template: '', line: 2, column: 6 });
  assert.equal((await post(`${ext}/templates/render`, { template: 'x', receiver: 'nobody' })).status, 404);
  assert.equal((await post(`${ext}/templates/render`, { template: 'x', groupKey: '{}:{alertname="None"}' })).status, 404);

  // A test notification goes through the webhook and the email integration once each.
  const sent = await post(`${ext}/receivers/team/test`);
  assert.equal(sent.status, 200);
  assert.deepEqual(sent.json.map((o: any) => [o.integration, o.index, o.ok, o.alerts]), [['webhook', 0, true, 3], ['email', 0, true, 2]]); // email_configs default to send_resolved: false
  await sink.waitFor(1);
  await smtp.received(1);
  assert.equal(sink.received[0]!.path, '/team');
  assert.equal(sink.received[0]!.message.receiver, 'team');
  assert.deepEqual(sink.received[0]!.message.alerts.map((a) => a.status), ['firing', 'firing', 'resolved']);
  assert.equal((await simpleParser(smtp.mails[0]!.raw)).subject, '[FIRING] HighRequestLatency checkout (2 firing)');
  assert.ok(
    router.log.some((l) => /msg="test notification sent"/.test(l) && /test=true/.test(l) && /integration=email\[0\]/.test(l)),
    'the log says it was a test',
  );

  // A failing integration is an outcome, not an error; an unknown receiver is a 404.
  const broken = await post(`${ext}/receivers/broken/test`);
  assert.equal(broken.status, 200);
  assert.equal(broken.json.length, 1);
  assert.equal(broken.json[0].ok, false);
  assert.match(broken.json[0].error, /ECONNREFUSED|connect/);
  const unknown = await post(`${ext}/receivers/nobody/test`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.message, /receiver "nobody" not found \(configured: "team", "broken"\)/);

  // A live group: rendered by receiver, test-sent by its key, and still notified for real
  // afterwards — the test send left no trace in the notification log.
  await router.postAlerts([{ labels: { alertname: 'Live', instance: 'db-1' }, annotations: { summary: 'live one' }, endsAt: '2999-01-01T00:00:00Z' }]);
  const data = (await (await fetch(`${ext}/templates/data?receiver=team`)).json()) as { groupKey: string; alerts: unknown[] };
  assert.equal(data.groupKey, '{}:{alertname="Live"}');
  const live = await post(`${ext}/templates/render`, { template: '{{ template "team.line" . }}', receiver: 'team' });
  assert.equal(live.json.output, 'Live/db-1=firing;');
  const byKey = await post(`${ext}/receivers/team/test`, { groupKey: data.groupKey });
  assert.deepEqual(byKey.json.map((o: any) => o.ok), [true, true]);
  assert.equal(sink.received.length, 2, 'the test send came before the group_wait flush');
  assert.equal(sink.received[1]!.message.groupKey, data.groupKey);
  await sink.waitFor(3, 15_000);
  assert.equal(sink.received[2]!.message.groupKey, data.groupKey, 'the real flush is sent: a test send is not a notification the nflog knows');
  await smtp.received(3);
});

test('try before you page: the compiled CLI renders live groups and tests receivers', { timeout: 60_000 }, async (t) => {
  const { router, sink } = await setup(t);
  await router.postAlerts([{ labels: { alertname: 'Cli', instance: 'web-7' }, endsAt: '2999-01-01T00:00:00Z' }]);

  const render = await cli(['template', 'render', `--config.file=${router.configFile}`, `--alertmanager.url=${router.url}`, '--receiver=team', '--template.text={{ template "team.subject" . }} {{ template "team.line" . }}']);
  assert.deepEqual(render, { stdout: '[FIRING] Cli (1 firing) Cli/web-7=firing;', stderr: '', exitCode: 0 });

  const sampleRender = await cli(['template', 'render', `--config.file=${router.configFile}`, '--template.text={{ template "team.subject" . }}']);
  assert.deepEqual(sampleRender, { stdout: '[FIRING] HighRequestLatency checkout (2 firing)', stderr: '', exitCode: 0 });

  const badGroup = await cli(['template', 'render', `--alertmanager.url=${router.url}`, '--group={}:{alertname="Gone"}', '--template.text=x']);
  assert.equal(badGroup.exitCode, 1);
  assert.match(badGroup.stderr, /^alertrouter: error: GET .*\/api\/ext\/v1\/templates\/data\?groupKey=.*: 404 no alert group with key/);

  const parseError = await cli(['template', 'render', '--template.text={{ .Status }}\n  {{ range }}']);
  assert.deepEqual(parseError, { stdout: '', stderr: 'alertrouter: error: template: :2:11: missing value for range\n', exitCode: 1 });

  const ok = await cli(['receivers', 'test', `--alertmanager.url=${router.url}`, 'team']);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /^webhook\[0\]  ok      3 alerts  [\d.]+ms\nemail\[0\]    ok      2 alerts  [\d.]+ms\ntest notification to "team": all 2 integration\(s\) succeeded\n$/);
  // The live group's own flush (after group_wait) may come first under load.
  await sink.waitFor(1);
  assert.ok(sink.received.some((r) => r.message.groupKey === '{}:{alertname="HighRequestLatency", service="checkout"}'));

  const failed = await cli(['receivers', 'test', `--alertmanager.url=${router.url}`, 'broken']);
  assert.equal(failed.exitCode, 1);
  assert.match(failed.stdout, /^webhook\[0\]  FAILED  3 alerts .*ECONNREFUSED/m);
});

test('/api/ext/v1: every error answers {"code", "message"}, from every endpoint, and the CLI prints the message', { timeout: 60_000 }, async (t) => {
  const router = await startAlertrouter(t, 'route:\n  receiver: team\nreceivers:\n  - name: team\n');
  const ext = `${router.url}/api/ext/v1`;
  const json = { 'content-type': 'application/json' };
  const refusals: Array<[string, string, RequestInit, number]> = [
    ['render: template parse error', '/templates/render', { method: 'POST', headers: json, body: '{"template":"{{ if }}"}' }, 400],
    ['render: body not JSON', '/templates/render', { method: 'POST', headers: json, body: '{' }, 400],
    ['render: unknown receiver', '/templates/render', { method: 'POST', headers: json, body: '{"template":"x","receiver":"nobody"}' }, 404],
    ['render: wrong method', '/templates/render', { method: 'GET' }, 405],
    ['data: unknown group', '/templates/data?groupKey=nope', { method: 'GET' }, 404],
    ['test: unknown receiver', '/receivers/nobody/test', { method: 'POST', headers: json, body: '{}' }, 404],
    ['explain: alert not held', '/alerts/0000000000000000/explain', { method: 'GET' }, 404],
    ['notifications: bad outcome', '/notifications?outcome=maybe', { method: 'GET' }, 400],
    ['notifications: wrong method', '/notifications', { method: 'PUT' }, 405],
    ['recurring: unknown id', '/recurring-silences/nope', { method: 'GET' }, 404],
    ['recurring: body not JSON', '/recurring-silences', { method: 'POST', headers: json, body: '{' }, 400],
    ['recurring: not JSON media type', '/recurring-silences', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }, 415],
    ['unknown path', '/nope', { method: 'GET' }, 404],
  ];
  for (const [name, path, init, status] of refusals) {
    const res = await fetch(ext + path, init);
    assert.equal(res.status, status, name);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, name);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).slice(0, 2), ['code', 'message'], `${name}: ${JSON.stringify(body)}`);
    assert.equal(body.code, status, name);
    assert.equal(typeof body.message, 'string', name);
    assert.notEqual(body.message, '', name);
  }
  const parseError = await fetch(`${ext}/templates/render`, { method: 'POST', headers: json, body: '{"template":"{{ if }}"}' });
  assert.deepEqual(await parseError.json(), { code: 400, message: 'template: :1:6: missing value for if', template: '', line: 1, column: 6 });
  assert.equal((await fetch(`${ext}/nope`)).headers.get('content-type'), 'application/json; charset=utf-8');

  const explain = await cli(['alert', 'explain', `--alertmanager.url=${router.url}`, '0000000000000000']);
  assert.equal(explain.exitCode, 1);
  assert.match(explain.stderr, /: 404 alert "0000000000000000" not found \(no alert with that fingerprint is held\)\n$/);
});
