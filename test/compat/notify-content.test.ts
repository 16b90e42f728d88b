// Differential test of notification content, daemon against daemon: the real Alertmanager 0.25
// and alertrouter run the same config (Slack to an HTTP capture, email to an SMTP capture, a
// template file) and get the same alerts, with inputs that are easy to get wrong: non-ASCII and
// emoji in labels, a 3 000-character annotation (a Slack title past 1 024 runes), markup and
// quotes, missing label keys, empty rendered fields, lower-case and templated email headers,
// address lists, lines starting with a dot, bare CR. What arrives must be equal byte for byte
// (email: header order, Message-Id, Date and the random boundary aside), and a Slack config whose
// template fails sends nothing in both while the receiver's other integrations deliver.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';
import { startCapture, type CaptureServer } from '../notify/capture.js';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../notify/email-capture.js';

const alertmanager = requireOracle('alertmanager');
const EXTERNAL_URL = 'http://am.example:9093';

const TEMPLATES = `
{{ define "team.title" }}{{ .Status | toUpper }} {{ .GroupLabels.alertname }} ({{ len .Alerts.Firing }}/{{ len .Alerts }}){{ end }}
{{ define "team.line" -}}
{{ .Labels.instance }} [{{ .Labels.severity | title }}]{{ with .Annotations.summary }} {{ . }}{{ end }} {{ .Labels.nope }}|
{{- end }}
`;

const config = (hook: string, smtpPort: number, templateFile: string) => `
global:
  smtp_smarthost: 127.0.0.1:${smtpPort}
  smtp_from: 'Ålert Mänager <am@example.org>'
  smtp_require_tls: false
templates: [${JSON.stringify(templateFile)}]
route:
  receiver: r
  group_by: [alertname]
  group_wait: 3s
  group_interval: 1h
receivers:
  - name: r
    slack_configs:
      - api_url: ${hook}/defaults
        send_resolved: true
      - api_url: ${hook}/custom
        send_resolved: true
        title: '{{ template "team.title" . }} {{ range .Alerts }}{{ .Annotations.description }}{{ end }}'
        title_link: '{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}&x=<y>'
        text: '{{ range .Alerts }}{{ template "team.line" . }}{{ end }}'
        pretext: "tab\\there\\nnewline \\u2028 {{ .CommonAnnotations.summary }}"
        color: '{{ if eq .CommonLabels.severity "page" }}danger{{ end }}'
        footer: '<b>&</b> {{ safeHtml "<i>" }} {{ html "<u>" }}'
        fields:
          - title: '{{ .CommonLabels.nope }}'
            value: '{{ .CommonLabels.nope }}'
          - title: '{{ .GroupLabels.alertname }}'
            value: '{{ printf "%q %+q" .CommonLabels.team .CommonLabels.team }}'
            short: true
        actions:
          - type: button
            text: 'Silence {{ .CommonLabels.nope }}'
            url: '{{ .CommonLabels.nope }}'
      - api_url: ${hook}/broken
        text: 'before {{ .Foo }} after'
    email_configs:
      - to: '{{ .CommonLabels.team | reReplaceAll " " "" }}@example.org, "Doe, John" <doe@example.org>'
        from: '"Bot, Älert" <{{ .GroupLabels.alertname | toLower | reReplaceAll "[^a-z]" "" }}@example.org>'
        send_resolved: true
        headers:
          subject: '🔥 {{ template "team.title" . }} — {{ .CommonAnnotations.summary }} {{ range .Alerts }}{{ .Labels.instance }} {{ end }}'
          x-custom-header: 'v {{ .Receiver }}'
          To: 'Jürgen Müller <{{ .Receiver }}@example.org>'
          Reply-To: 'Ünï <r@example.org>'
          X-Multi: "line1\\nline2"
        text: "{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.description }}\\n{{ end }}\\n.\\nline starting with a dot\\n.. two dots\\r\\nCRLF\\rCR"
        html: '<p title="{{ .CommonAnnotations.summary }}">{{ .CommonAnnotations.summary }}</p>{{ range .Alerts }}<a href="{{ .GeneratorURL }}">{{ .Labels.alertname }}</a> {{ .Annotations.description }}{{ end }}'
      - to: textonly@example.org
        html: ''
        text: 'ünïcode only text {{ .Status }} {{ printf "%-10s|%05.2f" .Status 3.14159 }}'
`;

const LONG = 'x'.repeat(3000) + ' ü ' + 'y'.repeat(200);
const ALERTS = (nowMs: number) => [
  {
    labels: { alertname: 'Dísk😀Full', team: 'stö rage', instance: 'db-1:9100', severity: 'page' },
    annotations: { summary: 'Disk <full> & "hot" 🔥', description: LONG },
    generatorURL: 'http://prom/graph?g0.expr=a&x=<1>',
  },
  {
    labels: { alertname: 'Dísk😀Full', team: 'stö rage', instance: 'db-2:9100', severity: 'page' },
    annotations: { summary: 'Disk <full> & "hot" 🔥', description: 'short\nline two\ttab' },
    generatorURL: '',
  },
  {
    labels: { alertname: 'Dísk😀Full', team: 'stö rage', instance: 'db-3:9100', severity: 'warn' },
    annotations: { summary: 'resolved one' },
    endsAt: new Date(nowMs - 1000).toISOString(),
  },
  // Started within group_wait (3s): an alert that started longer ago flushes its new group at
  // once, and Alertmanager's flush goroutine can then run before the rest of the batch is in.
].map((a) => ({ startsAt: new Date(nowMs - 2000).toISOString(), endsAt: new Date(nowMs + 3600_000).toISOString(), ...a }));

/** A raw message's header lines (sorted: Go writes them in random order) and body, the per-send parts masked. */
function comparable(mail: CapturedMail): { envelope: string; headers: string[]; body: string } {
  const split = mail.raw.indexOf('\r\n\r\n');
  const boundary = /boundary=([0-9a-f]+)/.exec(mail.raw.slice(0, split))?.[1];
  const mask = (s: string) => (boundary ? s.split(boundary).join('BOUNDARY') : s);
  const headers = mail.raw
    .slice(0, split)
    .split('\r\n')
    .filter((l) => !/^(Message-Id|Date):/.test(l))
    .map(mask)
    .sort();
  return { envelope: `${mail.from} -> ${mail.to.join(',')}`, headers, body: mask(mail.raw.slice(split)) };
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('compat: Slack and email content for tricky inputs equal Alertmanager 0.25, daemon against daemon', { timeout: 60_000 }, async (t) => {
  if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-notify-content-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const templateFile = join(dir, 'team.tmpl');
  writeFileSync(templateFile, TEMPLATES);

  const sides: Array<{ hook: CaptureServer; smtp: SmtpCapture; log: string[]; post: (a: object[]) => Promise<void> }> = [];
  for (const which of ['alertmanager', 'alertrouter'] as const) {
    const hook = await startCapture();
    const smtp = await startSmtpCapture();
    t.after(() => hook.close());
    t.after(() => smtp.close());
    const yaml = config(hook.url, smtp.port, templateFile);
    const args = { extraArgs: [`--web.external-url=${EXTERNAL_URL}`] };
    const daemon = which === 'alertmanager' ? await startAlertmanager(t, alertmanager, yaml, args) : await startAlertrouter(t, yaml, args);
    sides.push({ hook, smtp, log: daemon.log, post: (a) => daemon.postAlerts(a) });
  }
  const alerts = ALERTS(Date.now());
  await Promise.all(sides.map((s) => s.post(alerts)));
  for (const s of sides) {
    await s.hook.received(2);
    await s.smtp.received(2);
    // The flush is over once the broken Slack config's failure is logged.
    await until('"Notify for alerts failed"', () => s.log.some((l) => l.includes('msg="Notify for alerts failed"')));
  }
  const [am, ar] = sides as [(typeof sides)[0], (typeof sides)[0]];

  const byPath = (c: CaptureServer) => new Map(c.requests.map((r) => [r.url, r.body]));
  const amSlack = byPath(am.hook);
  const arSlack = byPath(ar.hook);
  assert.deepEqual([...arSlack.keys()].sort(), ['/custom', '/defaults'], 'alertrouter posted to the working Slack configs only');
  assert.deepEqual([...amSlack.keys()].sort(), ['/custom', '/defaults'], 'Alertmanager posted to the working Slack configs only');
  for (const path of ['/defaults', '/custom']) assert.equal(arSlack.get(path), amSlack.get(path), `Slack ${path} body`);
  assert.match(amSlack.get('/custom')!, /"title":"FIRING Dísk😀Full \(2\/3\) x+…"/, 'the title was cut to 1024 runes');

  assert.equal(ar.smtp.mails.length, am.smtp.mails.length, 'as many mails');
  const key = (m: CapturedMail) => m.to.join(',');
  for (const theirs of am.smtp.mails) {
    const ours = ar.smtp.mails.find((m) => key(m) === key(theirs));
    assert.ok(ours, `alertrouter mailed ${key(theirs)}`);
    const [p, q] = [comparable(ours), comparable(theirs)];
    assert.equal(p.envelope, q.envelope, `${key(theirs)}: envelope`);
    assert.deepEqual(p.headers, q.headers, `${key(theirs)}: header lines`);
    // textonly@ gets the default HTML part, which alertrouter writes its own way.
    if (key(theirs) !== 'textonly@example.org') assert.equal(p.body, q.body, `${key(theirs)}: body`);
    else assert.equal(p.body.split('BOUNDARY')[1], q.body.split('BOUNDARY')[1], 'textonly@: text part');
  }
});
