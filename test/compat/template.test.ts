// Differential test of template rendering: the real Alertmanager 0.25 renders a receiver's
// email templates (headers, text body, HTML body) for a group of alerts and mails them to an
// SMTP server on loopback; alertrouter renders the same templates for the same alerts, and the
// decoded subjects, headers and bodies must be equal. Times are left out of the compared
// templates (Alertmanager sets endsAt itself). For the default HTML body, which alertrouter
// writes its own way, the test checks that both carry the same alerts and labels.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Alert } from '../../src/alert/alert.js';
import { compareAlerts } from '../../src/dispatch/order.js';
import { buildTemplateData } from '../../src/template/data.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';
import { startSmtpCapture } from '../notify/email-capture.js';

const alertmanager = requireOracle('alertmanager');
const EXTERNAL_URL = 'http://am.example:9093';
const RECEIVER = 'storage.mail';

// Operator templates: defines used by headers and bodies, exercising the language and
// Alertmanager's functions.
const USER_TMPL = `
{{ define "user.subject" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join "/" }} — {{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved{{ end }}

{{ define "user.alert" -}}
* {{ .Labels.alertname }} on {{ reReplaceAll ":[0-9]+$" "" .Labels.instance }} ({{ .Status | title }}, fp {{ .Fingerprint }})
{{- with .Annotations.summary }}
  summary: {{ . }}{{ end }}
{{- range $i, $p := (.Labels.Remove (stringSlice "alertname" "instance")).SortedPairs }}
  {{ printf "%-9s= %q" $p.Name $p.Value }}{{ end }}
{{- if match "^crit" .Labels.severity }}
  PAGE{{ else }}
  ticket{{ end }}
{{ end }}
`;

const USER_TEXT = `{{ template "user.subject" . }}
Receiver: {{ .Receiver }} ({{ .Receiver | urlquery }})
Group: {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
Common: {{ .CommonLabels.Names | join "," }} / {{ .CommonAnnotations.SortedPairs.Values | join "," | toLower }}
{{ range .Alerts.Firing }}{{ template "user.alert" . }}{{ else }}no firing alerts
{{ end }}{{ range .Alerts.Resolved }}{{ template "user.alert" . }}{{ end -}}
{{ range $i, $a := .Alerts }}{{ if ge $i 2 }}{{ break }}{{ end }}#{{ $i }} {{ $a.GeneratorURL }}
{{ end }}{{ printf "%d alerts, %.1f%% firing" (len .Alerts) 66.666 }}
{{ if and (gt (len .Alerts) 1) (ne .Status "resolved") }}several{{ else }}few{{ end }} {{ index .CommonLabels "team" | printf "%5.3s|" }}
`;

const USER_HTML = `<h1>{{ template "user.subject" . }}</h1>
<ul>{{ range .Alerts }}<li class="{{ .Status }}"><a href="{{ .GeneratorURL }}">{{ .Labels.instance }}</a> {{ .Annotations.description }}</li>{{ end }}</ul>
<p><a href="{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}">open</a> {{ safeHtml "<b>bold</b>" }} {{ "a+b" }}</p>
`;

const USER_HEADERS: Readonly<Record<string, string>> = {
  Subject: '{{ template "user.subject" . }}',
  'X-Alert-Names': '{{ range $i, $a := .Alerts }}{{ if $i }} {{ end }}{{ $a.Labels.alertname | toLower }}{{ end }}',
  'X-Severity': '{{ .CommonLabels.severity | title }}{{ if eq .Status "firing" }}!{{ end }}',
  'X-Instances': '{{ range .Alerts }}{{ reReplaceAll "^([a-z]+)-([0-9]+):.*$" "${2}.$1" .Labels.instance }},{{ end }}',
};

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}

function amConfig(smtpPort: number, userTmpl: string): string {
  const headers = Object.entries(USER_HEADERS)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `
global:
  smtp_smarthost: 127.0.0.1:${smtpPort}
  smtp_from: alertmanager@example.org
  smtp_require_tls: false
templates: [${JSON.stringify(userTmpl)}]
route:
  receiver: ${RECEIVER}
  group_by: [alertname, team]
  group_wait: 1s
receivers:
  - name: ${RECEIVER}
    email_configs:
      - to: defaults@example.org
        send_resolved: true
        text: '{{ template "__text_alert_list" .Alerts }}'
      - to: user@example.org
        send_resolved: true
        headers:
${headers}
        text: |
${indent(USER_TEXT, '          ')}
        html: |
${indent(USER_HTML, '          ')}
`;
}

test('compat: Alertmanager 0.25 and alertrouter render the same email templates', { timeout: 30_000 }, async (t) => {
  if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-tmpl-compat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const userTmpl = join(dir, 'user.tmpl');
  writeFileSync(userTmpl, USER_TMPL);
  const smtp = await startSmtpCapture();
  t.after(() => smtp.close());
  const am = await startAlertmanager(t, alertmanager, amConfig(smtp.port, userTmpl), { extraArgs: [`--web.external-url=${EXTERNAL_URL}`] });

  const now = Date.now();
  const base = { alertname: 'DiskFull', team: 'storage', job: 'node-exporter' };
  const summary = 'Disk almost FULL';
  const specs: Array<{ labels: Record<string, string>; annotations: Record<string, string>; startsAtMs: number; endsAtMs?: number; generatorURL: string }> = [
    {
      labels: { ...base, instance: 'db-1:9100', severity: 'critical' },
      annotations: { summary, description: '<b>95%</b> & "rising" + fast' },
      startsAtMs: now - 600_000,
      generatorURL: 'http://prom:9090/graph?g0.expr=rate(x[5m])>1&g0.tab=1',
    },
    {
      labels: { ...base, instance: 'db-2:9100', severity: 'critical', device: 'sda' },
      annotations: { summary, description: "it's 91%" },
      startsAtMs: now - 300_000,
      generatorURL: 'http://prom:9090/graph?g0.expr=disk',
    },
    {
      labels: { ...base, instance: 'db-3:9100', severity: 'warning' },
      annotations: { summary },
      startsAtMs: now - 900_000,
      endsAtMs: now - 30_000,
      generatorURL: '',
    },
  ];
  await am.postAlerts(
    specs.map((s) => ({
      labels: s.labels,
      annotations: s.annotations,
      startsAt: new Date(s.startsAtMs).toISOString(),
      ...(s.endsAtMs ? { endsAt: new Date(s.endsAtMs).toISOString() } : {}),
      generatorURL: s.generatorURL,
    })),
  );
  await smtp.received(2);
  const mails = new Map<string, ParsedMail>();
  for (const m of smtp.mails) mails.set(m.to.join(), await simpleParser(m.raw));
  const amDefaults = mails.get('defaults@example.org');
  const amUser = mails.get('user@example.org');
  assert.ok(amDefaults && amUser, 'Alertmanager mailed both email configs');

  // alertrouter's rendering of the same group.
  const alerts: Alert[] = specs
    .map((s) => ({ ...makeAlert({ labels: s.labels, annotations: s.annotations, startsAtMs: s.startsAtMs, endsAtMs: s.endsAtMs }), generatorURL: s.generatorURL }))
    .sort(compareAlerts);
  const data = buildTemplateData({ receiver: RECEIVER, alerts, groupLabels: { alertname: 'DiskFull', team: 'storage' }, externalURL: EXTERNAL_URL, nowMs: Date.now() });
  const templates = await Templates.load([userTmpl]);
  const text = (tmpl: string): string => templates.executeText(tmpl, data);

  // Operator templates: every header and both bodies equal.
  assert.equal(amUser.subject, text(USER_HEADERS.Subject!));
  assert.equal(amUser.subject, '[FIRING] DiskFull/storage — 2 firing, 1 resolved');
  for (const name of ['X-Alert-Names', 'X-Severity', 'X-Instances']) {
    assert.equal(amUser.headers.get(name.toLowerCase()), text(USER_HEADERS[name]!), name);
  }
  assert.equal(amUser.text, text(USER_TEXT));
  assert.equal(amUser.html, templates.executeHtml(USER_HTML, data));

  // Defaults: the subject and the text alert list equal; the HTML bodies carry the same alerts.
  assert.equal(amDefaults.subject, text('{{ template "email.default.subject" . }}'));
  assert.equal(amDefaults.subject, '[FIRING:2] DiskFull storage (node-exporter)');
  assert.equal(amDefaults.text, text('{{ template "__text_alert_list" .Alerts }}'));
  const ourHtml = templates.executeHtml('{{ template "email.default.html" . }}', data);
  const theirHtml = String(amDefaults.html);
  for (const s of specs) {
    for (const [name, value] of Object.entries(s.labels)) {
      for (const html of [theirHtml, ourHtml]) assert.ok(html.includes(`${name} = ${value}`) || (html.includes(`>${name}<`) && html.includes(`>${value}<`)), `${name}=${value}`);
    }
  }
  for (const html of [theirHtml, ourHtml]) {
    assert.ok(html.includes('&lt;b&gt;95%&lt;/b&gt; &amp; &#34;rising&#34; &#43; fast'), 'escaped annotation');
    assert.ok(html.includes('[2] Firing') && html.includes('[1] Resolved'));
    assert.ok(html.includes(`href="${EXTERNAL_URL}/#/alerts?receiver=storage%5c.mail"`) || html.includes(`href="${EXTERNAL_URL}/#/alerts?receiver=storage%5C.mail"`), 'link to the receiver');
  }
});
