// Differential test: for the same config and alerts, the message our EmailNotifier sends is the
// one the real Alertmanager 0.25 sends — same envelope, same header lines (Go's random header
// order aside), for a user template the same multipart body byte for byte once the random
// boundary is set aside, and Message-Id / Date of the same form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { loadConfigString } from '../../src/config/load.js';
import { compareAlerts } from '../../src/dispatch/order.js';
import { EmailNotifier } from '../../src/notify/email.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';
import { flushContext } from '../support/flush-context.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';
import { startSmtpCapture, type CapturedMail } from '../notify/email-capture.js';

const alertmanager = requireOracle('alertmanager');
const EXTERNAL_URL = 'http://am.example:9093';

const config = (port: number) => `
global:
  smtp_smarthost: 127.0.0.1:${port}
  smtp_from: alertmanager@example.org
  smtp_require_tls: false
  smtp_hello: am.example.org
route:
  receiver: mail
  group_by: [alertname, team]
  group_wait: 1s
receivers:
  - name: mail
    email_configs:
      - to: defaults@example.org
      - to: 'Storage Team <storage@example.org>, oncall@example.org'
        from: 'Alert Router <router@example.org>'
        headers:
          Subject: '{{ .Status | title }}: {{ .GroupLabels.alertname }} für {{ .CommonLabels.team }} ({{ len .Alerts.Firing }} firing)'
          X-Group: '{{ .GroupLabels.SortedPairs.Names | join "," }}'
          Reply-To: 'noreply@example.org'
        text: |
          {{ range .Alerts -}}
          {{ .Labels.instance }}	{{ .Annotations.description }} since {{ .StartsAt }}
          {{ end -}}
          {{ .ExternalURL }} — trailing space here 
          a long line: {{ range .Alerts }}{{ .Annotations.description }} {{ .Annotations.description }} {{ end }}
        html: |
          <h1 title="{{ .CommonAnnotations.summary }}">{{ .CommonAnnotations.summary }}</h1>
          <ul>{{ range .Alerts }}<li><a href="{{ .GeneratorURL }}">{{ .Labels.instance }}</a>: {{ .Annotations.description }}</li>{{ end }}</ul>
`;

/** Header lines of a raw message, unfolded, without the per-send ones. */
function stableHeaders(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .filter((l) => !/^(Message-Id|Date|Content-Type):/.test(l))
    .sort();
}

function boundaryOf(raw: string): string {
  const m = /\r\nContent-Type: multipart\/alternative;  boundary=([0-9a-f]{60})\r\n/.exec(raw);
  assert.ok(m, 'multipart/alternative Content-Type with a 60-hex-digit boundary');
  return m[1]!;
}

function bodyWithoutBoundary(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n')).split(boundaryOf(raw)).join('BOUNDARY');
}

test('compat: email messages equal Alertmanager 0.25 for the default and a user template', { timeout: 30_000 }, async (t) => {
  if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
  const smtp = await startSmtpCapture();
  t.after(() => smtp.close());
  const yaml = config(smtp.port);
  const am = await startAlertmanager(t, alertmanager, yaml, { extraArgs: [`--web.external-url=${EXTERNAL_URL}`] });

  const startsAtMs = Date.parse('2024-03-10T12:00:00.5Z');
  const endsAtMs = Date.now() + 3600_000;
  const specs = [
    { labels: { alertname: 'DiskFull', team: 'storage', instance: 'db-1:9100', severity: 'page' }, annotations: { summary: 'Disk <full> & "hot"', description: 'at 95% — ünïcode = ok' } },
    { labels: { alertname: 'DiskFull', team: 'storage', instance: 'db-2:9100', severity: 'page' }, annotations: { summary: 'Disk <full> & "hot"', description: 'at 91%' } },
  ];
  const generatorURL = 'http://prom.example/graph?g0.expr=disk&x=<1>';
  await am.postAlerts(specs.map((s) => ({ ...s, startsAt: new Date(startsAtMs).toISOString(), endsAt: new Date(endsAtMs).toISOString(), generatorURL })));
  await smtp.received(2);
  const amMails = smtp.mails.slice(0, 2);

  const loaded = loadConfigString(yaml);
  const templates = await Templates.load([]);
  const alerts = specs.map((s) => ({ ...makeAlert({ labels: s.labels, annotations: s.annotations, startsAtMs, endsAtMs }), generatorURL })).sort(compareAlerts);
  const ctx = flushContext({ nowMs: Date.now(), receiverName: 'mail', groupLabels: { alertname: 'DiskFull', team: 'storage' }, groupKey: '{}:{alertname="DiskFull", team="storage"}' });
  const ourMails: CapturedMail[] = [];
  for (const [index, cfg] of loaded.receivers[0]!.emailConfigs.entries()) {
    await new EmailNotifier({ config: cfg, index, templates, externalURL: EXTERNAL_URL }).notify(ctx, alerts);
    ourMails.push(smtp.mails.at(-1)!);
  }

  for (const ours of ourMails) {
    const theirs = amMails.find((m) => m.to.join() === ours.to.join());
    assert.ok(theirs, `Alertmanager sent to ${ours.to.join()}`);
    const what = ours.to.join();
    assert.equal(ours.from, theirs.from, `${what}: envelope from`);
    assert.equal(ours.hello, theirs.hello, `${what}: EHLO name`);
    assert.deepEqual(stableHeaders(ours.raw), stableHeaders(theirs.raw), `${what}: header lines`);
    const [p, q] = await Promise.all([simpleParser(ours.raw), simpleParser(theirs.raw)]);
    assert.equal(p.subject, q.subject);
    // alertrouter ships its own default email HTML (Alertmanager's text is not copied), so the
    // bodies are compared for the user template only.
    if (what !== 'defaults@example.org') {
      assert.equal(bodyWithoutBoundary(ours.raw), bodyWithoutBoundary(theirs.raw), `${what}: multipart body`);
      assert.equal(p.text, q.text);
      assert.equal(p.html, q.html);
    }
    const idForm = /^<\d{19}\.\d+@(.+)>$/;
    assert.match(p.messageId ?? '', idForm);
    assert.equal(idForm.exec(p.messageId!)![1], idForm.exec(q.messageId!)![1], 'Message-Id host part');
    assert.ok(Math.abs(p.date!.getTime() - q.date!.getTime()) < 30_000, 'Date within the test run');
    assert.equal(/^Date: (.*)$/m.exec(ours.raw)![1]!.slice(-6), /^Date: (.*)$/m.exec(theirs.raw)![1]!.slice(-6), 'Date zone');
  }
  const custom = await simpleParser(ourMails[1]!.raw);
  assert.equal(custom.subject, 'Firing: DiskFull für storage (2 firing)');
  const defaults = await simpleParser(ourMails[0]!.raw);
  assert.equal(defaults.subject, '[FIRING:2] DiskFull storage (page)');
});
