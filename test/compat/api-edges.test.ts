// Differential test of the HTTP API's edges: the real Alertmanager 0.25 and the compiled
// alertrouter daemon get the same config, alerts and silence, then the same odd requests
// (repeated or empty query parameters, HEAD and OPTIONS, unclean paths, unusual bodies). Status,
// media type, Allow, Location and the body (times of receipt and silence IDs aside) must agree.
// Error messages Alertmanager's handlers word are compared by status only: ours add context.
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const alertmanager = requireOracle('alertmanager');

const CONFIG = `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
    - receiver: team-a
      matchers: [team="a"]
      continue: true
    - receiver: team-b
      matchers: [team=~"b|c"]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
receivers:
  - name: default
  - name: team-a
  - name: team-b
`;

interface Probe {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Compare the status and media type only (the message is worded differently on purpose). */
  readonly statusOnly?: boolean;
}

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly allow: string | null;
  readonly location: string | null;
  readonly body: unknown;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Sends the probe with node:http, which sends the path as written (fetch would resolve `/./`). */
function send(base: string, probe: Probe): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const headers = probe.headers ?? (probe.body === undefined ? {} : { 'content-type': 'application/json' });
  return new Promise((resolve, reject) => {
    const req = request(base + '/', { method: probe.method ?? 'GET', path: probe.path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(probe.body);
  });
}

async function ask(base: string, probe: Probe): Promise<Answer> {
  const res = await send(base, probe);
  const text = res.text;
  let body: unknown = text.replace(UUID, '<id>');
  try {
    // Times of receipt differ between the two servers; everything else must not.
    body = JSON.parse(text, (key, v: unknown) => (key === 'updatedAt' ? undefined : typeof v === 'string' ? v.replace(UUID, '<id>') : v));
  } catch {
    // not JSON: compared as text
  }
  return {
    status: res.status,
    type: text === '' ? null : (res.headers['content-type']?.split(';')[0] ?? null),
    // Alertmanager lists a route's methods in map order.
    allow: res.headers.allow?.split(',').map((m) => m.trim()).sort().join(',') ?? null,
    location: res.headers.location ?? null,
    body: probe.statusOnly ? undefined : body,
  };
}

test('API edges: odd requests get the answers Alertmanager 0.25 gives', { skip: alertmanager ? false : missingOracleReason('alertmanager') }, async (t) => {
  const am = await startAlertmanager(t, alertmanager!, CONFIG);
  const ar = await startAlertrouter(t, CONFIG);
  const sides = [`http://${am.address}`, ar.url];

  // Whole seconds, so both store the same times; ends an hour ahead.
  const startsAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
  const endsAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000).toISOString();
  const alerts = [
    { labels: { alertname: 'Disk', team: 'a', severity: 'critical', cluster: 'c1' } },
    { labels: { alertname: 'Disk', team: 'a', severity: 'warning', cluster: 'c1' } },
    { labels: { alertname: 'Disk', team: 'b', severity: 'warning', cluster: 'c2' } },
    { labels: { alertname: 'Cpu', team: 'c' } },
    { labels: { alertname: 'Mem' } },
  ].map((a) => ({ ...a, startsAt, endsAt }));
  const silence = { matchers: [{ name: 'alertname', value: 'Mem', isRegex: false }], startsAt, endsAt, createdBy: 'me', comment: 'c' };
  for (const base of sides) {
    assert.equal((await ask(base, { method: 'POST', path: '/api/v2/alerts', body: JSON.stringify(alerts) })).status, 200);
    assert.equal((await ask(base, { method: 'POST', path: '/api/v2/silences', body: JSON.stringify(silence) })).status, 200);
  }

  const probes: Probe[] = [
    // go-openapi binds a repeated single-valued parameter by its last value, and an empty one as absent.
    { path: '/api/v2/alerts?active=false&active=true' },
    { path: '/api/v2/alerts?active=true&active=false' },
    { path: '/api/v2/alerts?silenced=false&silenced=' },
    { path: '/api/v2/alerts?inhibited=true&inhibited=false' },
    { path: '/api/v2/alerts?receiver=team-a&receiver=default' },
    { path: '/api/v2/alerts?receiver=' },
    { path: '/api/v2/alerts?receiver=team-.*&receiver=' },
    { path: '/api/v2/alerts/groups?receiver=' },
    { path: '/api/v2/alerts/groups?receiver=default&receiver=team-b' },
    { path: '/api/v2/alerts?filter=alertname%3DDisk&filter=', statusOnly: true },
    // API v2 has no HEAD operations; the router outside it answers OPTIONS and refuses other methods.
    ...['/api/v2/alerts', '/api/v2/alerts/groups', '/api/v2/status', '/api/v2/receivers', '/api/v2/silences', '/metrics', '/-/reload'].map((path) => ({ method: 'HEAD', path })),
    ...['/-/healthy', '/-/ready', '/-/reload', '/metrics'].map((path) => ({ method: 'OPTIONS', path })),
    ...['/-/healthy', '/-/reload', '/metrics'].map((path) => ({ method: 'PUT', path })),
    { method: 'POST', path: '/metrics' },
    // Paths that are not clean are redirected to the clean path, query kept, whatever the method.
    { path: '//api/v2/alerts?filter=alertname%3DDisk&active=true' },
    { path: '/api//v2/receivers' },
    { path: '/api/v2/./status' },
    { path: '/api/v2/x/../alerts/groups/' },
    { path: '/-/%2e%2e/-/healthy' },
    { method: 'HEAD', path: '//-/ready' },
    { method: 'POST', path: '//api/v2/alerts', body: '[]' },
    { method: 'DELETE', path: '/api/v2//silence/2093d3e6-562b-43d7-957a-2bd9294d8800' },
    // A null label or annotation value is Go's zero string: accepted, the label dropped.
    { method: 'POST', path: '/api/v2/alerts', body: JSON.stringify([{ labels: { alertname: 'Null', gone: null }, annotations: { a: null }, startsAt, endsAt }]) },
    { path: '/api/v2/alerts?filter=alertname%3DNull' },
    // An end at the Unix epoch ("" reads as the epoch) has passed: the alert is resolved, and
    // resolves a firing one (Mem).
    {
      method: 'POST',
      path: '/api/v2/alerts',
      body: JSON.stringify([
        { labels: { alertname: 'Epoch' }, endsAt: '1970-01-01T00:00:00Z' },
        { labels: { alertname: 'Empty' }, endsAt: '' },
        { labels: { alertname: 'Mem' }, endsAt: '' },
      ]),
    },
    { path: '/api/v2/alerts' },
    { path: '/api/v2/alerts/groups' },
    // Go reads a comma before the fraction of a second.
    { method: 'POST', path: '/api/v2/alerts', body: JSON.stringify([{ labels: { alertname: 'Comma' }, startsAt: startsAt.replace('.000Z', ',25Z'), endsAt }]) },
    { path: '/api/v2/alerts?filter=alertname%3DComma' },
  ];
  for (const probe of probes) {
    const [theirs, ours] = await Promise.all(sides.map((base) => ask(base, probe)));
    assert.deepEqual(ours, theirs, `${probe.method ?? 'GET'} ${probe.path}`);
  }
});

test('API edges under a route prefix: the redirect to it, unknown paths, unclean paths', { skip: alertmanager ? false : missingOracleReason('alertmanager') }, async (t) => {
  const extraArgs = ['--web.external-url=http://alerts.example/am/'];
  const am = await startAlertmanager(t, alertmanager!, CONFIG, { extraArgs });
  const ar = await startAlertrouter(t, CONFIG, { extraArgs });
  const probes: Probe[] = [
    { path: '/' },
    { path: '/am/api/v2/receivers' },
    { path: '/am/api/v2/nope' },
    { path: '/am//api/v2/receivers?x=1' },
    { path: '/api/v2/receivers' },
  ];
  for (const probe of probes) {
    const [theirs, ours] = await Promise.all([`http://${am.address}`, ar.url].map((base) => ask(base, probe)));
    assert.deepEqual(ours, theirs, `${probe.method ?? 'GET'} ${probe.path}`);
  }
});
