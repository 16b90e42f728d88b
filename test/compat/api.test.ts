// Differential test of the HTTP API and the webhook notifier: the real Alertmanager 0.25 and
// alertrouter's API app (real store, marker, routing tree, dispatcher and notify pipeline) get
// the same config and the same alerts; their answers and webhook messages must agree.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import pino from 'pino';
import { createApiApp } from '../../src/api/app.js';
import { resolveWebUrls } from '../../src/web/address.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { loadConfigString } from '../../src/config/load.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { SqliteNotificationLog } from '../../src/nflog/nflog.js';
import { WebhookNotifier } from '../../src/notify/webhook.js';
import { buildPipeline } from '../../src/pipeline/build.js';
import { markActive } from '../../src/pipeline/mute.js';
import { AlertStore } from '../../src/store/alerts.js';
import { AlertMarker } from '../../src/store/marker.js';
import { startCapture, type CaptureServer, type CapturedRequest } from '../notify/capture.js';
import { FakeClock } from '../support/fake-clock.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const alertmanager = requireOracle('alertmanager');
const amtool = requireOracle('amtool');

function configYaml(hookUrl: string): string {
  return `
global:
  resolve_timeout: 5m
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 5s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: team-a
      matchers: [team="a"]
      continue: true
    - receiver: capped
      matchers: [alertname="Capped"]
receivers:
  - name: hook
    webhook_configs: [{ url: "${hookUrl}/hook" }]
  - name: team-a
    webhook_configs: [{ url: "${hookUrl}/team-a" }]
  - name: capped
    webhook_configs: [{ url: "${hookUrl}/capped", max_alerts: 2 }]
`;
}

function startsAtFor(nowMs: number): string {
  return new Date(Math.floor(nowMs / 1000) * 1000 - 500).toISOString();
}

/** Alertmanager's API needs no "now": give every alert explicit, millisecond-precise times. */
function alertsToPost(nowMs: number): object[] {
  const startsAt = startsAtFor(nowMs);
  const endsAt = new Date(Math.floor(nowMs / 1000) * 1000 + 3600_000).toISOString();
  const timed = (o: object): object => ({ startsAt, endsAt, ...o });
  return [
    timed({
      labels: { alertname: 'Disk', team: 'a', instance: 'i2', job: 'node' },
      annotations: { summary: 'disk <full> & more', runbook: 'r1' },
      generatorURL: 'http://prom:9090/graph?g0.expr=up&g0.tab=1',
    }),
    timed({ labels: { alertname: 'Disk', team: 'a', instance: 'i1', job: 'node' }, annotations: { summary: 'disk <full> & more' } }),
    timed({ labels: { alertname: 'Cpu', host: 'ünïcode-✓', zone: '东京', empty: '' }, annotations: { note: 'ß \u2028 line' } }),
    timed({ labels: { alertname: 'Capped', instance: '3' } }),
    timed({ labels: { alertname: 'Capped', instance: '1' } }),
    timed({ labels: { alertname: 'Capped', instance: '2', __name__: 'x' } }),
  ];
}

// Bodies Alertmanager refuses (or accepts) as a whole; both must answer with the same status.
const BODIES: { body: string; contentType?: string }[] = [
  { body: '' },
  { body: '[{}]' },
  { body: '[{"labels":null}]' },
  { body: '[{"labels":{"a":"b"},"generatorURL":"foo"}]' },
  { body: '[{"labels":{"a":"b"},"generatorURL":"http://a b"}]' },
  { body: '{}' },
  { body: '"x"' },
  { body: 'not json' },
  { body: '[{"labels":{"alertname":1}}]' },
  { body: '[{"labels":{"a":"b"},"startsAt":"garbage"}]' },
  { body: '[{"labels":{"a":"b"},"endsAt":"2020-01-01"}]' },
  { body: '[{"labels":{}}]' },
  { body: '[{"labels":{"x":""}}]' },
  { body: '[{"labels":{"0bad":"x"}}]' },
  { body: '[{"labels":{"a":"b"},"annotations":{"a b":"x"}}]' },
  { body: '[{"labels":{"a":"b"},"startsAt":"2020-01-02T00:00:00Z","endsAt":"2020-01-01T00:00:00Z"}]' },
  { body: 'null' },
  { body: '[] trailing text' },
  { body: '[]' },
  { body: '[]', contentType: 'text/plain' },
];

interface Ours {
  readonly url: string;
  readonly clock: FakeClock;
  close(): Promise<void>;
}

async function startOurs(yaml: string, externalURL: string, dir: string): Promise<Ours> {
  const config = loadConfigString(yaml);
  const clock = new FakeClock(Date.now());
  const logger = pino({ level: process.env.COMPAT_LOG ?? 'silent' });
  const marker = new AlertMarker();
  const store = new AlertStore({ clock, marker });
  const root = buildRouteTree(config.route);
  const nflog = new SqliteNotificationLog({ path: join(dir, 'nflog.db') });
  const receivers = new Map(
    config.receivers.map((r) => [r.name, r.webhookConfigs.map((c, index) => new WebhookNotifier({ config: c, index, externalURL, clock }))]),
  );
  const stage = buildPipeline({ receivers, timeIntervals: config.timeIntervals, nflog, clock, marker });
  const dispatcher = new Dispatcher({ alerts: store, route: root, stage, clock, logger });
  dispatcher.start();
  // No silences or inhibit rules in this config: the muters would only mark alerts active.
  const muter = markActive(marker);
  const deps: ApiDeps = {
    clock,
    alerts: store,
    marker,
    config: () => config,
    receiversFor: (labels) => root.match(labels).map((r) => r.receiver),
    groups: () => dispatcher.groups(),
    refreshStatus: (alert) => muter.mutes(alert.labels),
    reload: async () => {},
    versionInfo: { version: '0.1.0', revision: 'r', branch: 'b', buildUser: 'u', buildDate: 'd', goVersion: 'node' },
    startedAtMs: clock.nowMs(),
    peer: { name: 'self', address: '127.0.0.1:9094' },
  };
  const app = createApiApp(deps, { routePrefix: '/', logger });
  const server: Server = await new Promise((resolve) => {
    const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clock,
    async close() {
      await dispatcher.stop();
      nflog.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function post(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const res = await fetch(url + '/api/v2/alerts', { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, text: await res.text() };
}

async function getJson(url: string): Promise<unknown> {
  return (await fetch(url)).json();
}

/** Drops what legitimately differs between two servers: when each received the alert. */
function withoutUpdatedAt(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'updatedAt' ? undefined : v));
}

test('API v2 and webhook: alertrouter answers and notifies as Alertmanager 0.25 does', { skip: alertmanager ? false : missingOracleReason('alertmanager') }, async (t) => {
  const theirHooks: CaptureServer = await startCapture();
  const ourHooks: CaptureServer = await startCapture();
  t.after(() => Promise.all([theirHooks.close(), ourHooks.close()]));
  const am = await startAlertmanager(t, alertmanager!, configYaml(theirHooks.url));
  const amUrl = `http://${am.address}`;
  // Alertmanager builds its default external URL from the listen flag (127.0.0.1:0 here), not the
  // port it got: resolveWebUrls given the same flag must produce the same URL.
  const { externalUrl } = resolveWebUrls({ externalUrl: '', routePrefix: '', listenAddress: '127.0.0.1:0', hostname: hostname() });
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-compat-api-'));
  const ours = await startOurs(configYaml(ourHooks.url), externalUrl, dir);
  t.after(async () => {
    await ours.close();
    rmSync(dir, { recursive: true, force: true });
  });

  await t.test('the same bad and good bodies get the same status codes (and OpenAPI errors the same text)', async () => {
    for (const { body, contentType } of BODIES) {
      const theirs = await post(amUrl, body, contentType);
      const mine = await post(ours.url, body, contentType);
      assert.equal(mine.status, theirs.status, `status for ${JSON.stringify(body)}: AM said ${theirs.text}, we said ${mine.text}`);
      if (theirs.status === 422 || theirs.status === 415) assert.equal(mine.text, theirs.text, `body for ${body}`);
      if (theirs.status === 400 && theirs.text.startsWith('"')) {
        // Validation refusals: our message keeps Alertmanager's wording and adds where and why.
        const reason = (JSON.parse(theirs.text) as string).replace(/ \(.*$/, '');
        assert.ok((JSON.parse(mine.text) as string).includes(reason), `want ${JSON.stringify(reason)} in ${mine.text}`);
      }
    }
  });

  const postedAtMs = Date.now();
  const alerts = alertsToPost(postedAtMs);
  await t.test('posting the alerts succeeds on both', async () => {
    assert.equal((await post(amUrl, JSON.stringify(alerts))).status, 200);
    assert.equal((await post(ours.url, JSON.stringify(alerts))).status, 200);
  });

  await t.test('GET /api/v2/alerts: same JSON (fingerprints, receivers, status, times), updatedAt aside', async () => {
    const theirs = await getJson(`${amUrl}/api/v2/alerts`);
    const mine = await getJson(`${ours.url}/api/v2/alerts`);
    assert.equal((theirs as unknown[]).length, 6);
    assert.deepEqual(withoutUpdatedAt(mine), withoutUpdatedAt(theirs));
    for (const filter of ['filter=alertname%3DDisk', 'receiver=team-.*', 'filter=zone%3D~%22.%2B%22&active=false', 'filter=instance!~%221%7C2%22']) {
      assert.deepEqual(
        withoutUpdatedAt(await getJson(`${ours.url}/api/v2/alerts?${filter}`)),
        withoutUpdatedAt(await getJson(`${amUrl}/api/v2/alerts?${filter}`)),
        filter,
      );
    }
  });

  await t.test('GET /api/v2/alerts/groups: same groups, order and alerts', async () => {
    assert.deepEqual(withoutUpdatedAt(await getJson(`${ours.url}/api/v2/alerts/groups`)), withoutUpdatedAt(await getJson(`${amUrl}/api/v2/alerts/groups`)));
    assert.deepEqual(
      withoutUpdatedAt(await getJson(`${ours.url}/api/v2/alerts/groups?receiver=capped`)),
      withoutUpdatedAt(await getJson(`${amUrl}/api/v2/alerts/groups?receiver=capped`)),
    );
  });

  await t.test('GET /api/v2/receivers and the shape of /api/v2/status agree', async () => {
    assert.deepEqual(await getJson(`${ours.url}/api/v2/receivers`), await getJson(`${amUrl}/api/v2/receivers`));
    const theirs = (await getJson(`${amUrl}/api/v2/status`)) as Record<string, Record<string, unknown>>;
    const mine = (await getJson(`${ours.url}/api/v2/status`)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(mine), Object.keys(theirs));
    assert.deepEqual(Object.keys(mine.versionInfo!), Object.keys(theirs.versionInfo!));
    assert.equal(typeof mine.config!.original, 'string');
    assert.match(String(mine.uptime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(String(theirs.uptime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  await t.test('amtool reads both APIs alike', { skip: amtool ? false : missingOracleReason('amtool') }, async () => {
    // Asynchronously: our server runs in this process and must keep answering meanwhile.
    const query = async (url: string, ...args: string[]): Promise<string> =>
      (await promisify(execFile)(amtool!, ['alert', 'query', '-o', 'extended', `--alertmanager.url=${url}`, ...args])).stdout;
    const theirs = await query(amUrl);
    assert.match(theirs, /Disk/);
    assert.equal(await query(ours.url), theirs);
    assert.equal(await query(ours.url, 'team=a'), await query(amUrl, 'team=a'));
  });

  await t.test('webhook messages: same receivers, groups, alerts, truncation — byte for byte', async () => {
    // The alerts started less than group_wait ago, so both wait group_wait and flush every alert
    // of a group together (an alert older than group_wait makes Alertmanager flush at once, with
    // whatever part of the batch it has inserted by then: a race inside Alertmanager).
    await ours.clock.advance(5000);
    await Promise.all([theirHooks.received(3), ourHooks.received(3)]);
    const byPath = (reqs: readonly CapturedRequest[]): Map<string, CapturedRequest> => new Map(reqs.map((r) => [r.url, r]));
    const theirs = byPath(theirHooks.requests);
    const mine = byPath(ourHooks.requests);
    assert.deepEqual([...theirs.keys()].sort(), ['/capped', '/hook', '/team-a']);
    assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort());
    const messages = (reqs: readonly CapturedRequest[]): Map<string, string> =>
      new Map(reqs.map((r) => [(JSON.parse(r.body) as { groupKey: string }).groupKey, r.body]));
    const theirMessages = messages(theirHooks.requests);
    const myMessages = messages(ourHooks.requests);
    assert.deepEqual([...myMessages.keys()].sort(), [...theirMessages.keys()].sort());
    for (const [groupKey, body] of theirMessages) assert.equal(myMessages.get(groupKey), body, groupKey);
    const capped = JSON.parse(theirs.get('/capped')!.body) as { truncatedAlerts: number; alerts: unknown[] };
    assert.equal(capped.truncatedAlerts, 1);
    assert.equal(capped.alerts.length, 2);
    for (const r of ourHooks.requests) assert.equal(r.headers['content-type'], theirs.get(r.url)!.headers['content-type']);
  });

  await t.test('resolving an alert: both send the same resolved message at the next group_interval', async () => {
    // An end in the past for both clocks (ours started at the test's start and moved 1 s).
    const endsAt = new Date(ours.clock.nowMs() - 500).toISOString();
    const resolved = [{ labels: { alertname: 'Cpu', host: 'ünïcode-✓', zone: '东京' }, annotations: { note: 'resolved' }, startsAt: startsAtFor(postedAtMs), endsAt }];
    assert.equal((await post(amUrl, JSON.stringify(resolved))).status, 200);
    assert.equal((await post(ours.url, JSON.stringify(resolved))).status, 200);
    await ours.clock.advance(1000);
    await Promise.all([theirHooks.received(4), ourHooks.received(4)]);
    const theirs = theirHooks.requests[3]!;
    const mine = ourHooks.requests[3]!;
    assert.equal(JSON.parse(theirs.body).status, 'resolved');
    assert.equal(mine.body, theirs.body);
  });
});
