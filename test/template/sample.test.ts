import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isResolved } from '../../src/alert/alert.js';
import { compareAlerts } from '../../src/dispatch/order.js';
import { fingerprint } from '../../src/labels/labels.js';
import { SAMPLE_EXTERNAL_URL, SAMPLE_RECEIVER, sampleGroup, sampleTemplateData } from '../../src/template/sample.js';
import { Templates } from '../../src/template/template.js';

const NOW = Date.UTC(2024, 5, 3, 9, 41, 7, 250);

describe('sample group', () => {
  test('holds two firing alerts and one resolved at the given time', () => {
    const g = sampleGroup({ nowMs: NOW });
    const states = g.alerts.map((a) => (isResolved(a, NOW) ? 'resolved' : 'firing'));
    assert.deepEqual(states.filter((s) => s === 'firing').length, 2);
    assert.deepEqual(states.filter((s) => s === 'resolved').length, 1);
    for (const a of g.alerts) {
      assert.ok(a.startsAtMs < NOW, 'every alert started before now');
      assert.equal(a.fingerprint, fingerprint(a.labels));
      for (const [name, value] of Object.entries(g.groupLabels)) assert.equal(a.labels[name], value, `alerts carry group label ${name}`);
      assert.ok(a.annotations.summary && a.annotations.description && a.annotations.runbook_url);
    }
  });

  test('is in notification order, with the group key of a root-route group', () => {
    const g = sampleGroup({ nowMs: NOW });
    assert.deepEqual([...g.alerts].sort(compareAlerts), g.alerts);
    assert.equal(g.groupKey, '{}:{alertname="HighRequestLatency", service="checkout"}');
    assert.equal(g.receiver, SAMPLE_RECEIVER);
    assert.equal(sampleGroup({ nowMs: NOW, receiver: 'ops' }).receiver, 'ops');
  });

  test('moves with the time it is asked for', () => {
    const a = sampleGroup({ nowMs: NOW });
    const b = sampleGroup({ nowMs: NOW + 3_600_000 });
    assert.deepEqual(
      b.alerts.map((x) => x.startsAtMs - 3_600_000),
      a.alerts.map((x) => x.startsAtMs),
    );
  });
});

describe('sample template data', () => {
  const templates = Templates.fromStrings();
  const render = (text: string, receiver?: string): string =>
    templates.executeText(text, sampleTemplateData({ nowMs: NOW, ...(receiver ? { receiver } : {}) }), { nowMs: NOW });

  test('shows status, common labels and the firing/resolved split as Alertmanager data does', () => {
    assert.equal(
      render('{{ .Status }}|{{ .Receiver }}|{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}|{{ .CommonLabels.Names | join "," }}|{{ .ExternalURL }}'),
      `firing|${SAMPLE_RECEIVER}|2/1|alertname,cluster,job,namespace,service|${SAMPLE_EXTERNAL_URL}`,
    );
    assert.equal(render('{{ .GroupLabels.SortedPairs.Values | join " " }}'), 'HighRequestLatency checkout');
  });

  test('firing alerts show no end; the resolved one ends a minute before now', () => {
    assert.equal(
      render('{{ range .Alerts }}{{ .Status }} {{ .EndsAt.IsZero }} {{ .StartsAt.Before .EndsAt }};{{ end }}'),
      'firing true false;firing true false;resolved false true;',
    );
    assert.equal(render('{{ (index .Alerts.Resolved 0).EndsAt }}'), '2024-06-03 09:40:07.25 +0000 UTC');
  });

  test('the receiver name is regexp-quoted as in notifications', () => {
    assert.equal(render('{{ .Receiver }}', 'team.a+b'), 'team\\.a\\+b');
  });

  test('every default notification template renders on it', () => {
    for (const name of ['email.default.subject', 'email.default.html', 'slack.default.title', 'slack.default.text', 'slack.default.fallback']) {
      const out = render(`{{ template "${name}" . }}`);
      if (name !== 'slack.default.text') assert.notEqual(out, '', name);
    }
    assert.match(render('{{ template "email.default.subject" . }}'), /^\[FIRING:2\] HighRequestLatency checkout /);
    const html = templates.executeHtml('{{ template "email.default.html" . }}', sampleTemplateData({ nowMs: NOW }), { nowMs: NOW });
    assert.match(html, /checkout-7f9c4-h5t2w:8080/);
  });
});
