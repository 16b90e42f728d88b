import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTemplateData, quoteMeta } from '../../src/template/data.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';

const T0 = Date.UTC(2024, 0, 2, 15, 4, 5, 123);
const templates = Templates.fromStrings();
const render = (text: string, data: unknown): string => templates.executeText(text, data);

const cpu1 = { ...makeAlert({ labels: { alertname: 'HighCPU', instance: 'a', job: 'node', team: 'x' }, annotations: { summary: 'hot', runbook: 'r1' }, startsAtMs: T0 }), generatorURL: 'http://prom/g1' };
const cpu2 = makeAlert({ labels: { alertname: 'HighCPU', instance: 'b', job: 'node' }, annotations: { summary: 'hot', runbook: 'r2' }, startsAtMs: T0 });
const gone = makeAlert({ labels: { alertname: 'HighCPU', instance: 'c', job: 'node' }, annotations: { summary: 'hot' }, startsAtMs: T0 - 60_000, endsAtMs: T0 });

function data(alerts = [cpu1, cpu2, gone], extra: Partial<Parameters<typeof buildTemplateData>[0]> = {}) {
  return buildTemplateData({ receiver: 'team-x', alerts, groupLabels: { alertname: 'HighCPU' }, externalURL: 'http://am:9093', nowMs: T0 + 1000, ...extra });
}

describe('buildTemplateData', () => {
  test('common labels and annotations are those every alert has with the same value', () => {
    const d = data();
    assert.equal(render('{{ .CommonLabels }}|{{ .CommonAnnotations }}', d), 'map[alertname:HighCPU job:node]|map[summary:hot]');
  });

  test('a single alert shares all its labels; no alerts share none', () => {
    assert.equal(render('{{ .CommonLabels.SortedPairs.Values }}', data([cpu1])), '[HighCPU a node x]');
    assert.equal(render('{{ len .CommonLabels }} {{ len .Alerts }} {{ .Status }}', data([])), '0 0 resolved');
  });

  test('alert status follows endsAt against the flush time; the group fires while any alert fires', () => {
    const d = data();
    assert.equal(render('{{ range .Alerts }}{{ .Status }} {{ end }}{{ .Status }}', d), 'firing firing resolved firing');
    assert.equal(render('{{ .Status }} {{ len .Alerts.Resolved }}', data([gone])), 'resolved 1');
    // An alert ending exactly now counts as resolved, as in Alertmanager.
    assert.equal(render('{{ .Status }}', data([gone], { nowMs: T0 })), 'resolved');
    assert.equal(render('{{ .Status }}', data([gone], { nowMs: T0 - 1 })), 'firing');
  });

  test('an explicit group status wins', () => {
    assert.equal(render('{{ .Status }}', data([gone], { status: 'firing' })), 'firing');
  });

  test('a firing alert shows no end yet (Go zero time); a resolved one shows its end', () => {
    const later = makeAlert({ labels: { alertname: 'L' }, startsAtMs: T0, endsAtMs: T0 + 3_600_000 });
    assert.equal(render('{{ range .Alerts }}{{ .Status }} {{ .EndsAt }} {{ .EndsAt.IsZero }}; {{ end }}', data([later, gone])), 'firing 0001-01-01 00:00:00 +0000 UTC true; resolved 2024-01-02 15:04:05.123 +0000 UTC false; ');
  });

  test('alerts without endsAt end at receipt plus resolve_timeout, as Alertmanager stores them', () => {
    const timedOut = makeAlert({ labels: { alertname: 'T' }, startsAtMs: T0, updatedAtMs: T0, timeout: true });
    assert.equal(render('{{ (index .Alerts 0).EndsAt.IsZero }} {{ .Status }}', data([timedOut], { resolveTimeoutMs: 300_000 })), 'true firing');
    assert.equal(render('{{ (index .Alerts 0).EndsAt }} {{ .Status }}', data([timedOut], { resolveTimeoutMs: 300_000, nowMs: T0 + 300_000 })), '2024-01-02 15:09:05.123 +0000 UTC resolved');
    assert.equal(render('{{ .Status }}', data([timedOut], { nowMs: T0 + 3_600_000 })), 'firing');
  });

  test('each alert exposes its fields as Alertmanager names them', () => {
    const d = data([cpu1]);
    assert.equal(
      render('{{ with index .Alerts 0 }}{{ .Status }}|{{ .Labels.instance }}|{{ .Annotations.runbook }}|{{ .StartsAt }}|{{ .GeneratorURL }}|{{ .Fingerprint }}{{ end }}', d),
      `firing|a|r1|2024-01-02 15:04:05.123 +0000 UTC|http://prom/g1|${cpu1.fingerprint}`,
    );
  });

  test('the receiver is regexp-quoted as Alertmanager does, other fields are as given', () => {
    assert.equal(quoteMeta('team.a+b (ops)|x'), 'team\\.a\\+b \\(ops\\)\\|x');
    const d = buildTemplateData({ receiver: 'a.b', alerts: [cpu1], groupLabels: {}, externalURL: 'http://x', nowMs: T0 });
    assert.equal(render('{{ .Receiver }} {{ .ExternalURL }} {{ .GroupLabels }}', d), 'a\\.b http://x map[]');
  });

  test('the data is a *template.Data for errors and printf, and prints as a struct', () => {
    const d = data([cpu1]);
    assert.equal(render('{{ printf "%T" . }}', d), '*template.Data');
    assert.throws(() => render('{{ .Nope }}', d), /can't evaluate field Nope in type \*template\.Data/);
    assert.match(render('{{ . }}', d), /^\{team-x firing \[\{firing map\[alertname:HighCPU instance:a job:node team:x\] /);
  });
});
