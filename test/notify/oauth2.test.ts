import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HttpClientConfig, OAuth2Config } from '../../src/config/types.js';
import { HttpRequestError } from '../../src/notify/http-error.js';
import { HttpClient } from '../../src/notify/http.js';
import { NotifyError } from '../../src/notify/notifier.js';
import { authorizationValue, parseTokenResponse, tokenIsValid, tokenRequest, type OAuth2Token } from '../../src/notify/oauth2.js';
import { WEBHOOK_USER_AGENT, WebhookNotifier } from '../../src/notify/webhook.js';
import { makeAlert } from '../support/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { flushContext } from '../support/flush-context.js';
import { haveOpenssl, makeCerts, startCapture, type CaptureServer, type CapturedRequest, type TestCerts } from './capture.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

function oauth2(tokenUrl: string, overrides: Partial<OAuth2Config> = {}): OAuth2Config {
  return { clientId: 'alertrouter', clientSecret: 's3cret', scopes: [], tokenUrl, endpointParams: {}, tlsConfig: { insecureSkipVerify: false }, ...overrides };
}

function httpConfig(o: OAuth2Config, overrides: Partial<HttpClientConfig> = {}): HttpClientConfig {
  return { followRedirects: true, enableHttp2: true, oauth2: o, ...overrides };
}

const ALERT = makeAlert({ labels: { alertname: 'Disk' }, startsAtMs: NOW - 60_000 });

const basic = (user: string, pass: string): string => 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
const form = (req: CapturedRequest): Record<string, string> => Object.fromEntries(new URLSearchParams(req.body));

/** A token endpoint answer: `{"access_token":"tok-N",…}` for the Nth token request. */
function tokens(server: CaptureServer, fields: Record<string, unknown> = { token_type: 'bearer', expires_in: 60 }): void {
  let n = 0;
  server.answer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `tok-${++n}`, ...fields }) }));
}

describe('oauth2: token request (pure)', () => {
  // The bytes the real Alertmanager 0.25 sent for this config (captured from
  // /usr/bin/prometheus-alertmanager; test/compat/oauth2.test.ts compares live).
  const config = { clientId: 'my id+/&', scopes: ['a', 'b:c'], endpointParams: { audience: 'x y', resource: 'r1' } };

  test('credentials in a Basic header, query-escaped as x/oauth2 does; form fields sorted and Go-escaped', () => {
    const { body, headers } = tokenRequest(config, { clientSecret: 's3cr et:&=', style: 'header' });
    assert.equal(body, 'audience=x+y&grant_type=client_credentials&resource=r1&scope=a+b%3Ac');
    assert.equal(headers.authorization, 'Basic bXkraWQlMkIlMkYlMjY6czNjcitldCUzQSUyNiUzRA==');
    assert.equal(headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('credentials in the body: client_id and client_secret fields, no Authorization header', () => {
    const { body, headers } = tokenRequest(config, { clientSecret: 's3cr et:&=', style: 'params' });
    assert.equal(body, 'audience=x+y&client_id=my+id%2B%2F%26&client_secret=s3cr+et%3A%26%3D&grant_type=client_credentials&resource=r1&scope=a+b%3Ac');
    assert.equal(headers.authorization, undefined);
  });

  test('no scopes: no scope field; an empty secret is left out of the body', () => {
    assert.equal(tokenRequest({ clientId: 'c', scopes: [], endpointParams: {} }, { clientSecret: '', style: 'params' }).body, 'client_id=c&grant_type=client_credentials');
  });

  test('endpoint_params may replace grant_type, and nothing else set already (a config error, not retried)', () => {
    const custom = tokenRequest({ clientId: 'c', scopes: [], endpointParams: { grant_type: 'urn:custom' } }, { clientSecret: 's', style: 'header' });
    assert.equal(custom.body, 'grant_type=urn%3Acustom');
    assert.throws(
      () => tokenRequest({ clientId: 'c', scopes: ['x'], endpointParams: { scope: 'y' } }, { clientSecret: 's', style: 'header' }),
      (err: unknown) => err instanceof HttpRequestError && err.reason === 'config' && /endpoint_params cannot overwrite parameter "scope"/.test(err.message),
    );
  });
});

describe('oauth2: token response (pure)', () => {
  const json = (status: number, body: unknown, contentType = 'application/json') => ({
    status,
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const cases: Array<{ name: string; res: ReturnType<typeof json>; want: OAuth2Token | RegExp }> = [
    { name: 'JSON with expires_in', res: json(200, { access_token: 'a', token_type: 'bearer', expires_in: 3600 }), want: { accessToken: 'a', tokenType: 'bearer', expiresAtMs: NOW + 3_600_000 } },
    { name: 'expires_in as a string (PayPal)', res: json(200, { access_token: 'a', expires_in: '30' }), want: { accessToken: 'a', tokenType: '', expiresAtMs: NOW + 30_000 } },
    { name: 'no expires_in: no expiry', res: json(200, { access_token: 'a' }), want: { accessToken: 'a', tokenType: '' } },
    { name: 'expires_in clamped to int32', res: json(200, { access_token: 'a', expires_in: 1e12 }), want: { accessToken: 'a', tokenType: '', expiresAtMs: NOW + (2 ** 31 - 1) * 1000 } },
    { name: 'JSON with a charset', res: json(200, { access_token: 'a' }, 'application/json; charset=utf-8'), want: { accessToken: 'a', tokenType: '' } },
    { name: 'form body', res: json(200, 'access_token=f&token_type=mac&expires_in=10', 'application/x-www-form-urlencoded'), want: { accessToken: 'f', tokenType: 'mac', expiresAtMs: NOW + 10_000 } },
    { name: 'text/plain is read as a form', res: json(200, 'access_token=t&expires_in=x', 'text/plain'), want: { accessToken: 't', tokenType: '' } },
    { name: '401 with an OAuth error', res: json(401, { error: 'invalid_client', error_description: 'bad secret' }), want: /^401 Unauthorized: error "invalid_client" \(bad secret\)$/ },
    { name: '500 with a body that is not JSON', res: json(500, '<html>oops</html>', 'text/html'), want: /^500 Internal Server Error: <html>oops<\/html>$/ },
    { name: '200 with an error field', res: json(200, { error: 'invalid_scope' }), want: /^200 OK: error "invalid_scope"$/ },
    { name: '200 without access_token', res: json(200, { token_type: 'bearer' }), want: /no access_token/ },
    { name: '200 with a body that is not JSON', res: json(200, 'nope'), want: /cannot parse the token response as JSON/ },
    { name: 'expires_in not a whole number', res: json(200, { access_token: 'a', expires_in: 1.5 }), want: /expires_in has the wrong type/ },
  ];
  for (const c of cases) {
    test(`parseTokenResponse: ${c.name}`, () => {
      const got = parseTokenResponse(c.res, NOW);
      if (c.want instanceof RegExp) {
        assert.ok('error' in got, `want an error, got ${JSON.stringify(got)}`);
        assert.match(got.error, c.want);
      } else {
        assert.deepEqual(got, c.want);
      }
    });
  }

  test('a token is used until 10 s before it ends; without an end, always', () => {
    const token: OAuth2Token = { accessToken: 'a', tokenType: '', expiresAtMs: NOW + 60_000 };
    assert.equal(tokenIsValid(token, NOW + 50_000), true);
    assert.equal(tokenIsValid(token, NOW + 50_001), false);
    assert.equal(tokenIsValid({ accessToken: 'a', tokenType: '' }, NOW + 1e12), true);
  });

  test('token_type as x/oauth2 spells it in the Authorization header', () => {
    const header = (tokenType: string) => authorizationValue({ accessToken: 'x', tokenType });
    assert.deepEqual([header(''), header('bearer'), header('BEARER'), header('mac'), header('basic'), header('DPoP')], ['Bearer x', 'Bearer x', 'Bearer x', 'MAC x', 'Basic x', 'DPoP x']);
  });
});

describe('oauth2: webhook sends with a token from a real token endpoint', () => {
  let tokenServer: CaptureServer;
  let hook: CaptureServer;
  let dir: string;
  before(async () => {
    tokenServer = await startCapture();
    hook = await startCapture();
    dir = mkdtempSync(join(tmpdir(), 'alertrouter-oauth2-'));
  });
  after(async () => {
    await Promise.all([tokenServer.close(), hook.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  function webhook(o: OAuth2Config, clock: FakeClock, overrides: Partial<HttpClientConfig> = {}): WebhookNotifier {
    return new WebhookNotifier({
      config: { sendResolved: true, httpConfig: httpConfig(o, overrides), url: `${hook.url}/hook`, maxAlerts: 0, timeoutMs: 0 },
      index: 0,
      externalURL: 'http://am.example:9093',
      clock,
    });
  }
  const send = (n: WebhookNotifier, clock: FakeClock) => n.notify(flushContext({ nowMs: clock.nowMs() }), [ALERT]);

  test('fetches one token, sends it as Bearer, and reuses it until 10 s before expires_in', async () => {
    tokens(tokenServer, { token_type: 'bearer', expires_in: 60 });
    hook.answer(() => ({ status: 200 }));
    const clock = new FakeClock(NOW);
    const n = webhook(oauth2(`${tokenServer.url}/oauth/token?tenant=t1`, { scopes: ['alerts.write', 'read'], endpointParams: { audience: 'hooks' } }), clock);
    const tokens0 = tokenServer.requests.length;
    const hooks0 = hook.requests.length;

    await send(n, clock);
    await send(n, clock);
    const fetched = tokenServer.requests.slice(tokens0);
    assert.equal(fetched.length, 1, 'one token request for two sends');
    const [req] = fetched;
    assert.equal(req!.method, 'POST');
    assert.equal(req!.url, '/oauth/token?tenant=t1');
    assert.equal(req!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req!.headers.authorization, basic('alertrouter', 's3cret'));
    assert.equal(req!.headers['user-agent'], WEBHOOK_USER_AGENT, 'the token request carries the sending integration\'s User-Agent, as in Alertmanager');
    assert.deepEqual(form(req!), { grant_type: 'client_credentials', scope: 'alerts.write read', audience: 'hooks' });
    assert.deepEqual(hook.requests.slice(hooks0).map((r) => r.headers.authorization), ['Bearer tok-1', 'Bearer tok-1']);

    await clock.advance(50_000);
    await send(n, clock);
    assert.equal(tokenServer.requests.length - tokens0, 1, 'still valid 10 s before its end');
    await clock.advance(1);
    await send(n, clock);
    assert.equal(tokenServer.requests.length - tokens0, 2, 'fetched again once within 10 s of its end');
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'Bearer tok-2');
  });

  test('beyond Alertmanager: a 401 from the webhook drops the token, and the next send fetches a new one', async () => {
    tokens(tokenServer, { token_type: 'bearer', expires_in: 3600 });
    let refuse = true;
    hook.answer(() => (refuse ? { status: 401, body: 'token revoked' } : { status: 200 }));
    const clock = new FakeClock(NOW);
    const n = webhook(oauth2(`${tokenServer.url}/oauth/token`), clock);
    const tokens0 = tokenServer.requests.length;
    const hooks0 = hook.requests.length;
    await assert.rejects(send(n, clock), /401/);
    refuse = false;
    await send(n, clock);
    await send(n, clock);
    assert.equal(tokenServer.requests.length - tokens0, 2, 'a new token after the 401, then reused');
    assert.deepEqual(hook.requests.slice(hooks0).map((r) => r.headers.authorization), ['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
  });

  test('concurrent sends share one token request', async () => {
    tokens(tokenServer);
    hook.answer(() => ({ status: 200 }));
    const clock = new FakeClock(NOW);
    const n = webhook(oauth2(`${tokenServer.url}/token`), clock);
    const tokens0 = tokenServer.requests.length;
    await Promise.all([send(n, clock), send(n, clock), send(n, clock)]);
    assert.equal(tokenServer.requests.length - tokens0, 1);
    assert.deepEqual(hook.requests.slice(-3).map((r) => r.headers.authorization), ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
  });

  test('a server refusing the Basic header gets the credentials in the body, and only that way from then on', async () => {
    let n = 0;
    tokenServer.answer((req) =>
      req.headers.authorization
        ? { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_client"}' }
        : { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `body-${++n}`, expires_in: 20 }) },
    );
    hook.answer(() => ({ status: 200 }));
    const clock = new FakeClock(NOW);
    const notifier = webhook(oauth2(`${tokenServer.url}/token`, { clientId: 'id with space', clientSecret: 'p&ss' }), clock);
    const tokens0 = tokenServer.requests.length;
    await send(notifier, clock);
    const [first, second] = tokenServer.requests.slice(tokens0);
    assert.equal(first!.headers.authorization, basic('id+with+space', 'p%26ss'));
    assert.equal(second!.headers.authorization, undefined);
    assert.deepEqual(form(second!), { grant_type: 'client_credentials', client_id: 'id with space', client_secret: 'p&ss' });
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'Bearer body-1');

    await clock.advance(15_000);
    await send(notifier, clock);
    assert.equal(tokenServer.requests.length - tokens0, 3, 'the expired token is fetched again with one request');
    assert.equal(tokenServer.requests.at(-1)!.headers.authorization, undefined);
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'Bearer body-2');
  });

  test('a token endpoint answering 401 either way: a retryable notify error naming token_url; the webhook is not called', async () => {
    tokenServer.answer(() => ({ status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_client","error_description":"unknown client"}' }));
    const clock = new FakeClock(NOW);
    const hooks0 = hook.requests.length;
    const tokens0 = tokenServer.requests.length;
    const err = await send(webhook(oauth2(`${tokenServer.url}/token?secret=q`), clock), clock).then(
      () => assert.fail('want a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof NotifyError);
    assert.equal(err.retryable, true);
    assert.equal(
      err.message,
      `webhook ${hook.url}/hook: oauth2: cannot fetch token from ${tokenServer.url}/token: 401 Unauthorized: error "invalid_client" (unknown client)` +
        ' (tried with the client credentials in the Authorization header, then in the request body)',
    );
    assert.equal(tokenServer.requests.length - tokens0, 2);
    assert.equal(hook.requests.length, hooks0);
  });

  test('a token response without access_token is a retryable error; the next send asks again', async () => {
    tokenServer.answer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"token_type":"bearer"}' }));
    const clock = new FakeClock(NOW);
    const notifier = webhook(oauth2(`${tokenServer.url}/token`), clock);
    const err = await send(notifier, clock).then(() => assert.fail('want a rejection'), (e: unknown) => e as NotifyError);
    assert.equal(err.retryable, true);
    assert.match(err.message, /oauth2: cannot fetch token from http:\/\/127\.0\.0\.1:\d+\/token: the token response has no access_token/);
    tokens(tokenServer);
    await send(notifier, clock);
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'Bearer tok-1');
  });

  test('token_type is honoured: a "mac" token is sent as MAC', async () => {
    tokens(tokenServer, { token_type: 'mac' });
    const clock = new FakeClock(NOW);
    await send(webhook(oauth2(`${tokenServer.url}/token`), clock), clock);
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'MAC tok-1');
  });

  test('client_secret_file is read at each send; a new secret fetches a new token', async () => {
    tokens(tokenServer, { expires_in: 3600 });
    const file = join(dir, 'client-secret');
    writeFileSync(file, 'first\n');
    const clock = new FakeClock(NOW);
    const notifier = webhook(oauth2(`${tokenServer.url}/token`, { clientSecret: undefined, clientSecretFile: file }), clock);
    const tokens0 = tokenServer.requests.length;
    await send(notifier, clock);
    await send(notifier, clock);
    assert.equal(tokenServer.requests.length - tokens0, 1);
    assert.equal(tokenServer.requests.at(-1)!.headers.authorization, basic('alertrouter', 'first'), 'the file is trimmed');
    writeFileSync(file, 'second');
    await send(notifier, clock);
    assert.equal(tokenServer.requests.length - tokens0, 2);
    assert.equal(tokenServer.requests.at(-1)!.headers.authorization, basic('alertrouter', 'second'));
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'Bearer tok-2');

    rmSync(file);
    const err = await send(notifier, clock).then(() => assert.fail('want a rejection'), (e: unknown) => e as NotifyError);
    assert.equal(err.retryable, false, 'an unreadable secret file is a configuration error, as for the other http_config files');
    assert.match(err.message, /cannot read oauth2 client_secret_file/);
  });

  test('a token endpoint that does not answer is given up on within the send\'s timeout', async () => {
    tokenServer.answer(() => 'hang');
    const notifier = new HttpClient(httpConfig(oauth2(`${tokenServer.url}/token`)));
    const tokens0 = tokenServer.requests.length;
    await assert.rejects(notifier.request({ method: 'POST', url: `${hook.url}/hook`, body: '{}', timeoutMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof HttpRequestError);
      assert.equal(err.reason, 'oauth2');
      // The token URL once: the client's "POST <token_url>: " is not repeated.
      assert.match(err.message, /^oauth2: cannot fetch token from http:\/\/127\.0\.0\.1:\d+\/token: no answer within \d+ms$/);
      return true;
    });
    await tokenServer.received(tokens0 + 1);
    assert.equal(tokenServer.requests.length - tokens0, 1, 'no second try (credentials in the body) once the time is up');
  });

  test('a send aborted while its token is fetched stops at once, without a second token request', async () => {
    tokenServer.answer(() => 'hang');
    const tokens0 = tokenServer.requests.length;
    const abort = new AbortController();
    const sending = new HttpClient(httpConfig(oauth2(`${tokenServer.url}/token`))).request({ method: 'POST', url: `${hook.url}/hook`, body: '{}', signal: abort.signal });
    await tokenServer.received(tokens0 + 1);
    abort.abort();
    await assert.rejects(sending, (err: unknown) => err instanceof HttpRequestError && err.reason === 'aborted' && /cannot fetch token from .*aborted/.test(err.message));
    assert.equal(tokenServer.requests.length - tokens0, 1);
  });
});

describe('oauth2: tls_config under oauth2 applies to the token request', { skip: haveOpenssl() ? false : 'openssl not installed (apt-get install openssl)' }, () => {
  let certs: TestCerts;
  let tokenServer: CaptureServer;
  let hook: CaptureServer;
  before(async () => {
    certs = makeCerts(mkdtempSync(join(tmpdir(), 'alertrouter-oauth2-tls-')));
    tokenServer = await startCapture({ key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) });
    hook = await startCapture();
  });
  after(async () => {
    await Promise.all([tokenServer.close(), hook.close()]);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  test('the token endpoint is verified against oauth2.tls_config, not the http_config\'s', async () => {
    tokens(tokenServer);
    const trusted = new HttpClient(httpConfig(oauth2(`${tokenServer.url}/token`, { tlsConfig: { caFile: certs.caFile, insecureSkipVerify: false } })));
    assert.equal((await trusted.request({ method: 'POST', url: `${hook.url}/hook`, body: '{}' })).status, 200);
    assert.equal(hook.requests.at(-1)!.headers.authorization, 'Bearer tok-1');

    // The CA only in the outer tls_config: the token request does not use it.
    const outerOnly = new HttpClient(httpConfig(oauth2(`${tokenServer.url}/token`), { tlsConfig: { caFile: certs.caFile, insecureSkipVerify: false } }));
    await assert.rejects(outerOnly.request({ method: 'POST', url: `${hook.url}/hook`, body: '{}' }), (err: unknown) => {
      assert.ok(err instanceof HttpRequestError);
      assert.equal(err.reason, 'oauth2');
      assert.match(err.message, /cannot fetch token from https:\/\/127\.0\.0\.1:\d+\/token: .*certificate/);
      return true;
    });
  });
});
