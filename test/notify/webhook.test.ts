import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Alert } from '../../src/alert/alert.js';
import type { HttpClientConfig, WebhookConfig } from '../../src/config/types.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { NotifyError } from '../../src/notify/notifier.js';
import { buildWebhookPayload, encodeGoJson, quoteMeta, WEBHOOK_USER_AGENT, WebhookNotifier } from '../../src/notify/webhook.js';
import type { FlushContext } from '../../src/pipeline/context.js';
import { FakeClock } from '../support/fake-clock.js';
import { flushContext as sharedFlushContext } from '../support/flush-context.js';
import { haveOpenssl, makeCerts, startCapture, type CaptureServer, type TestCerts } from './capture.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

function alert(labels: Labels, opts: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: {},
    startsAtMs: NOW - 60_000,
    endsAtMs: NOW + 300_000,
    generatorURL: '',
    updatedAtMs: NOW,
    timeout: true,
    fingerprint: fingerprint(labels),
    ...opts,
  };
}

function flushContext(overrides: Partial<FlushContext> = {}): FlushContext {
  return sharedFlushContext({ groupKey: '{}:{alertname="Disk"}', groupLabels: { alertname: 'Disk' }, receiverName: 'ops', nowMs: NOW, ...overrides });
}

const HTTP: HttpClientConfig = { followRedirects: true, enableHttp2: true };

function webhookConfig(url: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return { sendResolved: true, httpConfig: HTTP, url, maxAlerts: 0, timeoutMs: 0, ...overrides };
}

async function rejection(p: Promise<unknown>): Promise<NotifyError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof NotifyError, `want NotifyError, got ${String(err)}`);
    return err;
  }
  assert.fail('want a rejection');
}

describe('buildWebhookPayload', () => {
  const firing = alert({ alertname: 'Disk', instance: 'a', job: 'node' }, { annotations: { summary: 'full', runbook: 'r' }, generatorURL: 'http://prom/g' });
  const resolved = alert({ alertname: 'Disk', instance: 'b', job: 'node' }, {
    annotations: { summary: 'full' },
    startsAtMs: NOW - 120_000,
    endsAtMs: NOW - 500,
    timeout: false,
  });

  test('builds Alertmanager\'s version 4 message with keys in its order', () => {
    const p = buildWebhookPayload(flushContext(), [firing, resolved], { externalURL: 'http://am:9093', maxAlerts: 0, nowMs: NOW });
    assert.deepEqual(p, {
      receiver: 'ops',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Disk', instance: 'a', job: 'node' },
          annotations: { runbook: 'r', summary: 'full' },
          startsAt: '2024-01-15T11:59:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prom/g',
          fingerprint: firing.fingerprint,
        },
        {
          status: 'resolved',
          labels: { alertname: 'Disk', instance: 'b', job: 'node' },
          annotations: { summary: 'full' },
          startsAt: '2024-01-15T11:58:00Z',
          endsAt: '2024-01-15T11:59:59.5Z',
          generatorURL: '',
          fingerprint: resolved.fingerprint,
        },
      ],
      groupLabels: { alertname: 'Disk' },
      commonLabels: { alertname: 'Disk', job: 'node' },
      commonAnnotations: { summary: 'full' },
      externalURL: 'http://am:9093',
      version: '4',
      groupKey: '{}:{alertname="Disk"}',
      truncatedAlerts: 0,
    });
    assert.deepEqual(Object.keys(p), [
      'receiver', 'status', 'alerts', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'version', 'groupKey', 'truncatedAlerts',
    ]);
    assert.deepEqual(Object.keys(p.alerts[0]!), ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
  });

  test('status is resolved only when every alert sent is resolved', () => {
    const p = buildWebhookPayload(flushContext(), [resolved], { externalURL: '', maxAlerts: 0, nowMs: NOW });
    assert.equal(p.status, 'resolved');
    // At its endsAt instant an alert counts as resolved.
    const atEnd = buildWebhookPayload(flushContext(), [firing], { externalURL: '', maxAlerts: 0, nowMs: firing.endsAtMs });
    assert.equal(atEnd.status, 'resolved');
    assert.equal(atEnd.alerts[0]!.endsAt, '2024-01-15T12:05:00Z');
  });

  test('max_alerts truncates before status and common labels are computed', () => {
    const third = alert({ alertname: 'Disk', instance: 'c', job: 'other' });
    const p = buildWebhookPayload(flushContext(), [resolved, firing, third], { externalURL: '', maxAlerts: 1, nowMs: NOW });
    assert.equal(p.alerts.length, 1);
    assert.equal(p.truncatedAlerts, 2);
    assert.equal(p.status, 'resolved');
    assert.deepEqual(p.commonLabels, { alertname: 'Disk', instance: 'b', job: 'node' });
    const all = buildWebhookPayload(flushContext(), [resolved, firing, third], { externalURL: '', maxAlerts: 3, nowMs: NOW });
    assert.equal(all.truncatedAlerts, 0);
    assert.deepEqual(all.commonLabels, { alertname: 'Disk' });
  });

  test('the receiver name is regexp-quoted as in Alertmanager\'s template data', () => {
    assert.equal(quoteMeta('team.a (prod)+[x]'), 'team\\.a \\(prod\\)\\+\\[x\\]');
    assert.equal(buildWebhookPayload(flushContext({ receiverName: 'a.b' }), [firing], { externalURL: '', maxAlerts: 0, nowMs: NOW }).receiver, 'a\\.b');
  });

  test('encodeGoJson escapes HTML characters and ends with a newline, as Go\'s json.Encoder', () => {
    assert.equal(encodeGoJson({ s: '<a&b>\u2028' }), '{"s":"\\u003ca\\u0026b\\u003e\\u2028"}\n');
  });
});

describe('WebhookNotifier over HTTP', () => {
  let server: CaptureServer;
  let dir: string;
  before(async () => {
    server = await startCapture();
    dir = mkdtempSync(join(tmpdir(), 'webhook-test-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const firing = alert({ alertname: 'Disk', instance: 'a' }, { annotations: { summary: '<b>full</b>' } });

  test('POSTs the payload as JSON with the user agent, and resolves on 2xx', async () => {
    server.answer(() => ({ status: 202 }));
    const n = new WebhookNotifier({ config: webhookConfig(server.url + '/hook'), index: 0, externalURL: 'http://am:9093' });
    assert.equal(n.integration, 'webhook');
    await n.notify(flushContext(), [firing]);
    const req = server.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hook');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['user-agent'], WEBHOOK_USER_AGENT);
    assert.equal(req.headers.authorization, undefined);
    const expected = buildWebhookPayload(flushContext(), [firing], { externalURL: 'http://am:9093', maxAlerts: 0, nowMs: NOW });
    assert.equal(req.body, encodeGoJson(expected));
  });

  test('max_alerts is applied to what is sent', async () => {
    server.answer(() => ({ status: 200 }));
    const n = new WebhookNotifier({ config: webhookConfig(server.url, { maxAlerts: 1 }), index: 0, externalURL: '' });
    await n.notify(flushContext(), [firing, alert({ alertname: 'Disk', instance: 'b' })]);
    const body = JSON.parse(server.requests.at(-1)!.body) as { alerts: unknown[]; truncatedAlerts: number };
    assert.equal(body.alerts.length, 1);
    assert.equal(body.truncatedAlerts, 1);
  });

  test('5xx is a retryable NotifyError carrying the status and answer', async () => {
    server.answer(() => ({ status: 503, body: 'overloaded' }));
    const n = new WebhookNotifier({ config: webhookConfig(server.url + '/hook?token=secret'), index: 0, externalURL: '' });
    const err = await rejection(n.notify(flushContext(), [firing]));
    assert.equal(err.retryable, true);
    assert.equal(err.message, `unexpected status code 503: ${server.url}/hook: overloaded`);
  });

  test('the status error holds the body as it came, after ": " even when empty (Alertmanager 0.25\'s text)', async () => {
    const n = new WebhookNotifier({ config: webhookConfig(server.url + '/hook'), index: 0, externalURL: '' });
    server.answer(() => ({ status: 404 }));
    assert.equal((await rejection(n.notify(flushContext(), [firing]))).message, `unexpected status code 404: ${server.url}/hook: `);
    server.answer(() => ({ status: 500, body: ' down\n' }));
    assert.equal((await rejection(n.notify(flushContext(), [firing]))).message, `unexpected status code 500: ${server.url}/hook:  down\n`);
  });

  test('4xx is a NotifyError a retry cannot fix', async () => {
    server.answer(() => ({ status: 400, body: 'bad payload' }));
    const n = new WebhookNotifier({ config: webhookConfig(server.url), index: 0, externalURL: '' });
    const err = await rejection(n.notify(flushContext(), [firing]));
    assert.equal(err.retryable, false);
    assert.equal(err.code, 'notify_failed');
    assert.match(err.message, /unexpected status code 400: .*: bad payload/);
  });

  test('a refused connection is retryable; the message names the URL and the reason once each', async () => {
    const closed = await startCapture();
    const url = closed.url;
    await closed.close();
    const n = new WebhookNotifier({ config: webhookConfig(url), index: 0, externalURL: '' });
    const err = await rejection(n.notify(flushContext(), [firing]));
    assert.equal(err.retryable, true);
    assert.equal(err.message, `webhook ${url}/: connect ECONNREFUSED ${new URL(url).host}`);
  });

  test('basic_auth sends the password, or the trimmed password_file read at send time', async () => {
    server.answer(() => ({ status: 200 }));
    const pw = join(dir, 'pw');
    writeFileSync(pw, 'from-file\n');
    const basic = (httpConfig: HttpClientConfig): WebhookNotifier =>
      new WebhookNotifier({ config: webhookConfig(server.url, { httpConfig }), index: 0, externalURL: '' });
    await basic({ ...HTTP, basicAuth: { username: 'u', password: 'p:w' } }).notify(flushContext(), [firing]);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Basic ' + Buffer.from('u:p:w').toString('base64'));
    const fromFile = basic({ ...HTTP, basicAuth: { username: 'u', passwordFile: pw } });
    await fromFile.notify(flushContext(), [firing]);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Basic ' + Buffer.from('u:from-file').toString('base64'));
    writeFileSync(pw, 'rotated');
    await fromFile.notify(flushContext(), [firing]);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Basic ' + Buffer.from('u:rotated').toString('base64'));
  });

  test('authorization and bearer_token(_file) send the Authorization header', async () => {
    server.answer(() => ({ status: 200 }));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'tok-file\n');
    const cases: [HttpClientConfig, string][] = [
      [{ ...HTTP, authorization: { type: 'Bearer', credentials: 'tok' } }, 'Bearer tok'],
      [{ ...HTTP, authorization: { type: 'Token', credentialsFile: tokenFile } }, 'Token tok-file'],
      [{ ...HTTP, bearerToken: 'raw' }, 'Bearer raw'],
      [{ ...HTTP, bearerTokenFile: tokenFile }, 'Bearer tok-file'],
    ];
    for (const [httpConfig, header] of cases) {
      await new WebhookNotifier({ config: webhookConfig(server.url, { httpConfig }), index: 0, externalURL: '' }).notify(flushContext(), [firing]);
      assert.equal(server.requests.at(-1)!.headers.authorization, header);
    }
  });

  test('a missing secret file is a non-retryable error naming the file', async () => {
    const httpConfig = { ...HTTP, authorization: { type: 'Bearer', credentialsFile: join(dir, 'absent') } };
    const err = await rejection(new WebhookNotifier({ config: webhookConfig(server.url, { httpConfig }), index: 0, externalURL: '' }).notify(flushContext(), [firing]));
    assert.equal(err.retryable, false);
    assert.match(err.message, /cannot read authorization credentials_file ".*absent"/);
  });

  test('url_file is read at every send', async () => {
    server.answer(() => ({ status: 200 }));
    const urlFile = join(dir, 'url');
    writeFileSync(urlFile, `${server.url}/first\n`);
    const n = new WebhookNotifier({ config: { ...webhookConfig(''), url: undefined, urlFile }, index: 0, externalURL: '' });
    await n.notify(flushContext(), [firing]);
    assert.equal(server.requests.at(-1)!.url, '/first');
    writeFileSync(urlFile, `${server.url}/second`);
    await n.notify(flushContext(), [firing]);
    assert.equal(server.requests.at(-1)!.url, '/second');
  });

  test('follows redirects (307 keeps method and body) unless follow_redirects is false', async () => {
    server.answer((req) => (req.url === '/old' ? { status: 307, headers: { location: '/new' } } : { status: 200 }));
    const before = server.requests.length;
    await new WebhookNotifier({ config: webhookConfig(server.url + '/old'), index: 0, externalURL: '' }).notify(flushContext(), [firing]);
    const [first, second] = server.requests.slice(before);
    assert.equal(second!.url, '/new');
    assert.equal(second!.method, 'POST');
    assert.equal(second!.body, first!.body);
    const noFollow = new WebhookNotifier({
      config: webhookConfig(server.url + '/old', { httpConfig: { ...HTTP, followRedirects: false } }),
      index: 0,
      externalURL: '',
    });
    const err = await rejection(noFollow.notify(flushContext(), [firing]));
    assert.match(err.message, /^unexpected status code 307/);
    assert.equal(err.retryable, false);
  });

  test('the timeout (on the injected clock) gives a retryable error', async () => {
    server.answer(() => 'hang');
    const clock = new FakeClock(NOW);
    const n = new WebhookNotifier({ config: webhookConfig(server.url, { timeoutMs: 10_000 }), index: 0, externalURL: '', clock });
    const count = server.requests.length;
    const sending = rejection(n.notify(flushContext(), [firing]));
    await server.received(count + 1);
    await clock.advance(10_000);
    const err = await sending;
    assert.equal(err.retryable, true);
    assert.match(err.message, /no answer within 10000ms/);
  });

  test('aborting the flush stops the request', async () => {
    server.answer(() => 'hang');
    const controller = new AbortController();
    const n = new WebhookNotifier({ config: webhookConfig(server.url), index: 0, externalURL: '' });
    const count = server.requests.length;
    const sending = rejection(n.notify(flushContext({ signal: controller.signal }), [firing]));
    await server.received(count + 1);
    controller.abort(new Error('next flush due'));
    const err = await sending;
    assert.match(err.message, /aborted/);
  });
});

describe('WebhookNotifier over TLS', { skip: haveOpenssl() ? false : 'openssl not installed (apt-get install openssl)' }, () => {
  let certs: TestCerts;
  let server: CaptureServer;
  let named: CaptureServer;
  let mutual: CaptureServer;
  before(async () => {
    certs = makeCerts(mkdtempSync(join(tmpdir(), 'webhook-tls-')));
    server = await startCapture({ key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) });
    named = await startCapture({ key: certs.read(certs.namedKeyFile), cert: certs.read(certs.namedCertFile) });
    mutual = await startCapture({ key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile), clientCa: certs.read(certs.caFile) });
  });
  after(async () => {
    await Promise.all([server.close(), named.close(), mutual.close()]);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  const firing = alert({ alertname: 'Tls' });
  const send = (url: string, tlsConfig: HttpClientConfig['tlsConfig']): Promise<void> =>
    new WebhookNotifier({ config: webhookConfig(url, { httpConfig: { ...HTTP, tlsConfig } }), index: 0, externalURL: '' }).notify(flushContext(), [firing]);

  test('verifies the server against ca_file', async () => {
    await send(server.url, { caFile: certs.caFile, insecureSkipVerify: false });
    assert.equal(server.requests.length, 1);
  });

  test('an untrusted certificate fails (retryable) unless insecure_skip_verify', async () => {
    const err = await rejection(send(server.url, { insecureSkipVerify: false }));
    assert.equal(err.retryable, true);
    assert.match(err.message, /certificate/i);
    await send(server.url, { insecureSkipVerify: true });
  });

  test('server_name checks the certificate against that name instead of the address', async () => {
    const err = await rejection(send(named.url, { caFile: certs.caFile, insecureSkipVerify: false }));
    assert.match(err.message, /127\.0\.0\.1|altnames|hostname/i);
    await send(named.url, { caFile: certs.caFile, serverName: 'hook.test', insecureSkipVerify: false });
    assert.equal(named.requests.length, 1);
  });

  test('presents cert_file/key_file to a server that requires a client certificate', async () => {
    await assert.rejects(send(mutual.url, { caFile: certs.caFile, insecureSkipVerify: false }));
    await send(mutual.url, { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, insecureSkipVerify: false });
    assert.equal(mutual.requests.at(-1)!.clientCn, 'alertrouter-client');
  });

  test('min_version above what the server offers fails the handshake', async () => {
    const tls12 = await startCapture({ key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile), maxVersion: 'TLSv1.2' });
    try {
      const err = await rejection(send(tls12.url, { caFile: certs.caFile, minVersion: 'TLS13', insecureSkipVerify: false }));
      assert.equal(err.retryable, true);
      assert.match(err.message, /version|protocol/i);
      assert.equal(tls12.requests.length, 0);
      await send(tls12.url, { caFile: certs.caFile, minVersion: 'TLS12', insecureSkipVerify: false });
      assert.equal(tls12.requests.length, 1);
    } finally {
      await tls12.close();
    }
  });
});
