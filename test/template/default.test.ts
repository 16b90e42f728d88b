import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Alert } from '../../src/alert/alert.js';
import type { Labels } from '../../src/labels/labels.js';
import { buildTemplateData } from '../../src/template/data.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';

const T0 = Date.UTC(2024, 0, 2, 15, 0, 0);
const templates = Templates.fromStrings();

const cpuA = makeAlert({ labels: { alertname: 'HighCPU', instance: 'a:9100', job: 'node', severity: 'critical' }, annotations: { summary: 'CPU > 90% <on a>' }, startsAtMs: T0 });
const cpuB = makeAlert({ labels: { alertname: 'HighCPU', instance: 'b:9100', job: 'node', severity: 'critical' }, annotations: { summary: 'CPU > 90% on b' }, startsAtMs: T0 });
const ended = (a: Alert): Alert => ({ ...a, endsAtMs: T0 + 60_000 });

function group(alerts: Alert[], groupLabels: Labels, receiver = 'team-x'): ReturnType<typeof buildTemplateData> {
  return buildTemplateData({ receiver, alerts, groupLabels, externalURL: 'http://am.example:9093', nowMs: T0 + 120_000 });
}
const tmpl = (name: string, data: unknown): string => templates.executeText(`{{ template "${name}" . }}`, data);

describe('default subject', () => {
  test('firing: count, group label values, then the other common label values', () => {
    assert.equal(tmpl('__subject', group([cpuA, cpuB], { alertname: 'HighCPU' })), '[FIRING:2] HighCPU (node critical)');
  });

  test('resolved: no count', () => {
    assert.equal(tmpl('__subject', group([ended(cpuA), ended(cpuB)], { alertname: 'HighCPU' })), '[RESOLVED] HighCPU (node critical)');
  });

  test('a firing group counts only firing alerts', () => {
    assert.equal(tmpl('__subject', group([cpuA, ended(cpuB)], { alertname: 'HighCPU' })), '[FIRING:1] HighCPU (node critical)');
  });

  test('without common labels beyond the group labels the subject ends in a space', () => {
    assert.equal(tmpl('__subject', group([cpuA], { alertname: 'HighCPU', instance: 'a:9100', job: 'node', severity: 'critical' })), '[FIRING:1] HighCPU a:9100 node critical ');
  });

  test('email subject is the same text', () => {
    const d = group([cpuA, cpuB], { alertname: 'HighCPU' });
    assert.equal(tmpl('email.default.subject', d), tmpl('__subject', d));
  });
});

describe('default Slack texts', () => {
  const firing = group([cpuA, cpuB], { alertname: 'HighCPU' }, 'team x.y');

  test('title is the subject, title link points at the receiver in Alertmanager', () => {
    assert.equal(tmpl('slack.default.title', firing), '[FIRING:2] HighCPU (node critical)');
    // The receiver is regexp-quoted (team x\.y) before it is query-escaped, as in Alertmanager.
    assert.equal(tmpl('slack.default.titlelink', firing), 'http://am.example:9093/#/alerts?receiver=team+x%5C.y');
  });

  test('fallback joins title and link; username is Alertmanager', () => {
    assert.equal(tmpl('slack.default.fallback', firing), '[FIRING:2] HighCPU (node critical) | http://am.example:9093/#/alerts?receiver=team+x%5C.y');
    assert.equal(tmpl('slack.default.username', firing), 'Alertmanager');
  });

  test('text, pretext, footer, callback id and icons are empty', () => {
    for (const name of ['text', 'pretext', 'footer', 'callbackid', 'iconemoji', 'iconurl']) {
      assert.equal(tmpl(`slack.default.${name}`, firing), '', name);
    }
  });

  test('resolved group title', () => {
    assert.equal(tmpl('slack.default.title', group([ended(cpuA)], { alertname: 'HighCPU' })), '[RESOLVED] HighCPU (a:9100 node critical)');
  });
});

describe('text alert list', () => {
  test('labels, annotations and source of each alert', () => {
    const d = group([cpuA], { alertname: 'HighCPU' });
    assert.equal(
      templates.executeText('{{ template "__text_alert_list" .Alerts }}', d),
      'Labels:\n - alertname = HighCPU\n - instance = a:9100\n - job = node\n - severity = critical\nAnnotations:\n - summary = CPU > 90% <on a>\nSource: \n',
    );
  });
});

describe('default email HTML body', () => {
  const d = group([cpuA, ended(cpuB)], { alertname: 'HighCPU' });
  const html = templates.executeHtml('{{ template "email.default.html" . }}', d);

  test('carries the subject, counts and a link to Alertmanager', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.includes('<title>[FIRING:1] HighCPU (node critical)</title>'));
    assert.ok(html.includes('2 alerts for alertname=HighCPU'));
    assert.ok(html.includes('href="http://am.example:9093/#/alerts?receiver=team-x"'));
    assert.ok(html.includes('[1] Firing') && html.includes('[1] Resolved'));
  });

  test('lists every alert with its labels and escaped annotations, firing first', () => {
    const a = html.indexOf('a:9100');
    const b = html.indexOf('b:9100');
    assert.ok(a > 0 && b > a, 'firing alert a before resolved alert b');
    assert.ok(html.includes('CPU &gt; 90% &lt;on a&gt;'));
    assert.ok(!html.includes('<on a>'));
    for (const v of ['severity', 'critical', 'job', 'node']) assert.ok(html.includes(`>${v}<`), v);
  });

  test('an operator template can override a default by name', () => {
    const custom = Templates.fromStrings([{ name: 'mine.tmpl', text: '{{ define "__subject" }}custom {{ .Status }}{{ end }}' }]);
    assert.equal(custom.executeText('{{ template "email.default.subject" . }}', d), 'custom firing');
    assert.ok(custom.executeHtml('{{ template "email.default.html" . }}', d).includes('<title>custom firing</title>'));
  });
});
