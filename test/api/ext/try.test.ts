// The try-before-you-page routes over real parts: templates parsed by the engine, integrations
// built from a loaded config sending to a capture server on loopback, the routing tree.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { findGroup, type TryAlertGroup } from '../../../src/api/ext/try.js';
import { templateDataFromJson } from '../../../src/template/data.js';
import { Templates } from '../../../src/template/template.js';
import { makeAlert } from '../../support/alerts.js';
import { FakeClock } from '../../support/fake-clock.js';
import { startCapture, type CaptureServer } from '../../notify/capture.js';
import { startTryServer, type TryServer } from './try-harness.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const EXTERNAL = 'http://router.example:9093';
const USER_TMPL = `{{ define "my.title" }}[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }} ({{ len .Alerts }}){{ end }}
{{ define "my.broken" }}{{ .Nope }}{{ end }}`;

let hook: CaptureServer;
let server: TryServer;
let base: string;
const clock = new FakeClock(NOW);
const groups: TryAlertGroup[] = [];

before(async () => {
  hook = await startCapture();
  const dbAlert = makeAlert({ labels: { alertname: 'DiskFull', team: 'db', cluster: 'c1', instance: 'db-1' }, annotations: { summary: 'disk <full>' }, startsAtMs: NOW - 60_000, endsAtMs: NOW + 300_000 });
  groups.push({ groupKey: '{}/{team="db"}:{alertname="DiskFull", cluster="c1"}', receiver: 'team-db', labels: { alertname: 'DiskFull', cluster: 'c1' }, alerts: [dbAlert] });
  server = await startTryServer({
    configYaml: `
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: team-db
      matchers: ['team="db"']
      group_by: [alertname, cluster]
receivers:
  - name: default
  - name: team-db
    webhook_configs:
      - url: ${hook.url}/db
      - url: ${hook.url}/fails
        send_resolved: true
`,
    clock,
    externalURL: EXTERNAL,
    templates: Templates.fromStrings([{ name: 'user.tmpl', text: USER_TMPL }]),
    groups,
    maxBodyBytes: 4096,
  });
  base = `${server.url}/api/ext/v1`;
});
after(async () => {
  await server.close();
  await hook.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(base + path, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

describe('POST /api/ext/v1/templates/render', () => {
  test('renders against the sample group by default, with the daemon\'s templates and external URL', async () => {
    const r = await call('POST', '/templates/render', { template: '{{ template "my.title" . }} {{ .ExternalURL }} {{ len .Alerts.Resolved }}' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { output: `[FIRING] HighRequestLatency (3) ${EXTERNAL} 1` });
  });

  test('renders against given data (template.Data JSON) and escapes for html when asked', async () => {
    const data = { receiver: 'x', status: 'resolved', alerts: [{ status: 'resolved', labels: { alertname: 'A<b>' }, annotations: {}, startsAt: '2024-01-01T00:00:00Z', endsAt: '2024-01-01T01:00:00Z' }], groupLabels: { alertname: 'A<b>' } };
    const text = await call('POST', '/templates/render', { template: '{{ template "my.title" . }} {{ (index .Alerts 0).EndsAt }}', data });
    assert.deepEqual(text.json, { output: '[RESOLVED] A<b> (1) 2024-01-01 01:00:00 +0000 UTC' });
    const html = await call('POST', '/templates/render', { template: '<p>{{ template "my.title" . }}</p>', data, html: true });
    assert.deepEqual(html.json, { output: '<p>[RESOLVED] A&lt;b&gt; (1)</p>' });
  });

  test('renders against a current group, by key or by receiver', async () => {
    const tmpl = '{{ .Receiver }} {{ .GroupLabels.SortedPairs.Values | join "," }} {{ (index .Alerts 0).Annotations.summary }}';
    const byKey = await call('POST', '/templates/render', { template: tmpl, groupKey: groups[0]!.groupKey });
    assert.deepEqual(byKey.json, { output: 'team-db DiskFull,c1 disk <full>' });
    const byReceiver = await call('POST', '/templates/render', { template: tmpl, receiver: 'team-db' });
    assert.deepEqual(byReceiver.json, byKey.json);
  });

  test('a parse error answers 400 with the template name, line and column', async () => {
    const r = await call('POST', '/templates/render', { template: 'ok\n  {{ if .Status }}x{{ nosuch 1 }}{{ end }}' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { code: 400, message: 'template: :2:22: function "nosuch" not defined', template: '', line: 2, column: 22 });
    const unclosed = await call('POST', '/templates/render', { template: 'ok\n  {{ if .Status }}x{{ end' });
    assert.deepEqual(unclosed.json, { code: 400, message: 'template: :2:25: unclosed action', template: '', line: 2, column: 25 });
  });

  test('an execution error in a loaded template names that template', async () => {
    const r = await call('POST', '/templates/render', { template: 'a {{ template "my.broken" . }}' });
    assert.equal(r.status, 400);
    assert.equal(r.json.template, 'user.tmpl');
    assert.equal(r.json.line, 2);
    assert.equal(r.json.column, 27);
    assert.match(r.json.message, /^template: user\.tmpl:2:27: executing "my\.broken" at <\.Nope>: can't evaluate field Nope/);
  });

  test('unknown group and receiver answer 404; a receiver without groups too', async () => {
    const key = await call('POST', '/templates/render', { template: 'x', groupKey: '{}:{alertname="Nope"}' });
    assert.equal(key.status, 404);
    assert.match(key.json.message, /no alert group with key "\{\}:\{alertname=\\"Nope\\"\}"/);
    const unknown = await call('POST', '/templates/render', { template: 'x', receiver: 'nobody' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /receiver "nobody" not found \(configured: "default", "team-db"\)/);
    const idle = await call('POST', '/templates/render', { template: 'x', receiver: 'default' });
    assert.equal(idle.status, 404);
    assert.match(idle.json.message, /receiver "default" has no alert group now/);
  });

  test('bad bodies answer 400 naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /body is not JSON/],
      [{}, /template: .*(expected string|Invalid input)/],
      [{ template: 'x', html: 'yes' }, /html: .*expected boolean/],
      [{ template: 'x', receiver: 'a', groupKey: 'b' }, /at most one of data, groupKey and receiver \(got groupKey and receiver\)/],
      [{ template: 'x', extra: 1 }, /Unrecognized key/],
      [{ template: 'x', data: { alerts: [{ startsAt: 'yesterday' }] } }, /data: parsing time "yesterday"/],
    ];
    for (const [body, want] of cases) {
      const r = await call('POST', '/templates/render', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.message, want);
    }
  });

  test('other methods answer 405 with Allow; a too large body 413', async () => {
    const r = await call('GET', '/templates/render');
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
    assert.deepEqual(r.json, { code: 405, message: 'method GET is not allowed, but [POST] are' });
    const big = await call('POST', '/templates/render', { template: 'x'.repeat(5000) });
    assert.equal(big.status, 413);
    assert.match(big.json.message, /larger than the limit of 4096 bytes/);
  });
});

describe('GET /api/ext/v1/templates/data', () => {
  test('gives a current group as template.Data JSON that renders like the group itself', async () => {
    const r = await call('GET', `/templates/data?groupKey=${encodeURIComponent(groups[0]!.groupKey)}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.receiver, 'team-db');
    assert.equal(r.json.groupKey, groups[0]!.groupKey);
    assert.deepEqual(r.json.groupLabels, { alertname: 'DiskFull', cluster: 'c1' });
    assert.equal(r.json.alerts[0].endsAt, '0001-01-01T00:00:00Z');
    const tmpl = '{{ template "my.title" . }} {{ (index .Alerts 0).StartsAt }} {{ .CommonLabels.instance }}';
    const local = Templates.fromStrings([{ name: 'user.tmpl', text: USER_TMPL }]).executeText(tmpl, templateDataFromJson(r.json));
    const remote = await call('POST', '/templates/render', { template: tmpl, groupKey: groups[0]!.groupKey });
    assert.equal(local, remote.json.output);
  });

  test('without a selector gives the sample group; unknown ones 404', async () => {
    const sample = await call('GET', '/templates/data');
    assert.equal(sample.json.alerts.length, 3);
    assert.equal(sample.json.externalURL, EXTERNAL);
    assert.equal((await call('GET', '/templates/data?receiver=nobody')).status, 404);
    assert.equal((await call('GET', '/templates/data?groupKey=x&receiver=y')).status, 400);
  });
});

describe('POST /api/ext/v1/receivers/{name}/test', () => {
  test('sends the sample group through every integration and answers each outcome, 200 even when one fails', async () => {
    hook.requests.length = 0;
    hook.answer((req) => (req.url === '/fails' ? { status: 503, body: 'down' } : { status: 200 }));
    const r = await call('POST', '/receivers/team-db/test');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.map((o: any) => ({ ...o, latencyMs: typeof o.latencyMs })),
      [
        { integration: 'webhook', index: 0, ok: true, latencyMs: 'number', alerts: 3 },
        { integration: 'webhook', index: 1, ok: false, error: `unexpected status code 503: ${hook.url}/fails: down`, latencyMs: 'number', alerts: 3 },
      ],
    );
    const sent = JSON.parse(hook.requests.find((q) => q.url === '/db')!.body);
    assert.equal(sent.receiver, 'team-db');
    assert.equal(sent.externalURL, EXTERNAL);
  });

  test('custom alerts are checked as POST /api/v2/alerts checks them and grouped as the receiver\'s route would', async () => {
    hook.requests.length = 0;
    hook.answer(() => ({ status: 200 }));
    const r = await call('POST', '/receivers/team-db/test', { alerts: [{ labels: { alertname: 'Replication', team: 'db', cluster: 'c9', instance: 'x' } }] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.map((o: any) => o.ok), [true, true]);
    const sent = JSON.parse(hook.requests[0]!.body);
    assert.equal(sent.groupKey, '{}/{team="db"}:{alertname="Replication", cluster="c9"}');
    assert.deepEqual(sent.groupLabels, { alertname: 'Replication', cluster: 'c9' });
    assert.equal(sent.alerts[0].status, 'firing');

    const bad = await call('POST', '/receivers/team-db/test', { alerts: [{ labels: { 'bad-name': 'x' } }] });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /alert 0: invalid label set: invalid name "bad-name"/);
    const noLabels = await call('POST', '/receivers/team-db/test', { alerts: [{ annotations: {} }] });
    assert.equal(noLabels.status, 400);
    assert.match(noLabels.json.message, /0\.labels in body is required/);
  });

  test('a current group can be sent by its key', async () => {
    hook.requests.length = 0;
    const r = await call('POST', '/receivers/team-db/test', { groupKey: groups[0]!.groupKey });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(hook.requests[0]!.body).groupKey, groups[0]!.groupKey);
    const missing = await call('POST', '/receivers/team-db/test', { groupKey: 'nope' });
    assert.equal(missing.status, 404);
  });

  test('an unknown receiver answers 404; a receiver without integrations an empty list', async () => {
    const r = await call('POST', '/receivers/nobody/test', {});
    assert.equal(r.status, 404);
    assert.match(r.json.message, /receiver "nobody" not found/);
    const none = await call('POST', '/receivers/default/test', {});
    assert.equal(none.status, 200);
    assert.deepEqual(none.json, []);
  });
});

describe('findGroup', () => {
  const g = (key: string, receiver: string): TryAlertGroup => ({ groupKey: key, receiver, labels: {}, alerts: [] });
  const all = [g('k1', 'a'), g('k2', 'b'), g('k3', 'b')];
  test('picks by key, or the first group of a receiver; none for no selector', () => {
    assert.equal(findGroup({ groupKey: 'k3' }, all, new Set(['a', 'b']))?.groupKey, 'k3');
    assert.equal(findGroup({ receiver: 'b' }, all, new Set(['a', 'b']))?.groupKey, 'k2');
    assert.equal(findGroup({}, all, new Set(['a', 'b'])), undefined);
  });
  test('throws 404 for an unknown key or receiver', () => {
    assert.throws(() => findGroup({ groupKey: 'k9' }, all, new Set(['a'])), (e: unknown) => e instanceof ApiError && e.status === 404 && e.shape === 'openapi');
    assert.throws(() => findGroup({ receiver: 'c' }, all, new Set(['a', 'b'])), /receiver "c" not found/);
  });
});
