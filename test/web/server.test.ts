// The server in front of the API, on 127.0.0.1 with real sockets: basic auth and headers
// from the web config (re-read per request), TLS with certificates made by openssl (rotation
// without restart, client certificate policies, plain HTTP refused), the GET concurrency
// limit, the queue for requests with bodies, and --web.timeout.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { createLogger } from '../../src/util/log.js';
import { handlerLabel, WebServer, type WebServerMetrics, type WebServerOptions } from '../../src/web/server.js';
import { makeTestCerts, type TestCerts } from '../support/certs.js';
import { FakeClock } from '../support/fake-clock.js';

const run = promisify(execFile);
const HASH = bcrypt.hashSync('s3cret', 4).replace(/^\$2b\$/, '$2y$');

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** The server certificate's CN (HTTPS). */
  serverCN?: string;
}

interface Client {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; client?: Client } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const make = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make(
      u,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, ...(options.client ?? {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          const socket = res.socket as TLSSocket;
          const serverCN = typeof socket.getPeerCertificate === 'function' ? String(socket.getPeerCertificate().subject?.CN ?? '') : undefined;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...(serverCN !== undefined ? { serverCN } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const basic = (user: string, password: string) => ({ authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') });

interface Started {
  readonly server: WebServer;
  readonly url: string;
  readonly webConfig: string;
  readonly log: Array<Record<string, unknown>>;
}

async function start(
  t: TestContext,
  options: { webConfigYaml?: string; dir?: string; handler?: WebServerOptions['handler']; extra?: Partial<WebServerOptions> } = {},
): Promise<Started> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'alertrouter-web-'));
  if (!options.dir) t.after(() => rmSync(dir, { recursive: true, force: true }));
  const webConfig = join(dir, 'web.yml');
  if (options.webConfigYaml !== undefined) writeFileSync(webConfig, options.webConfigYaml);
  const log: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (l) => log.push(JSON.parse(l) as Record<string, unknown>) });
  const server = await WebServer.start({
    host: '127.0.0.1',
    port: 0,
    webConfigFile: options.webConfigYaml !== undefined ? webConfig : undefined,
    handler: options.handler ?? ((_req, res) => res.end('ok')),
    logger,
    routePrefix: '/',
    getConcurrency: 8,
    timeoutMs: 0,
    ...options.extra,
  });
  t.after(() => server.close(0));
  return { server, url: `${server.protocol}://127.0.0.1:${server.address().port}`, webConfig, log };
}

const tlsYaml = (certs: TestCerts, extra = '', cert = 'server') =>
  `tls_server_config:\n  cert_file: ${join(certs.dir, `${cert}.crt`)}\n  key_file: ${join(certs.dir, `${cert}.key`)}\n${extra}`;

test('web server: with basic_auth_users every request needs valid credentials; 401 says Basic', async (t) => {
  const { url, log } = await start(t, { webConfigYaml: `basic_auth_users:\n  alice: ${HASH}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n` });
  for (const [headers, status] of [
    [{}, 401],
    [basic('alice', 'wrong'), 401],
    [basic('mallory', 's3cret'), 401],
    [{ authorization: 'Bearer abc' }, 401],
    [basic('alice', 's3cret'), 200],
    [basic('alice', 's3cret'), 200],
  ] as const) {
    const reply = await send(`${url}/api/v2/status`, { headers });
    assert.equal(reply.status, status, JSON.stringify(headers));
    assert.equal(reply.headers['x-frame-options'], 'deny', 'configured headers on every answer');
    if (status === 401) {
      assert.equal(reply.headers['www-authenticate'], 'Basic');
      assert.equal(reply.body, 'Unauthorized\n');
    } else {
      assert.equal(reply.body, 'ok');
    }
  }
  const rejected = log.filter((l) => l['msg'] === 'request rejected');
  assert.equal(rejected.length, 4);
  assert.deepEqual([rejected[0]!['status'], rejected[0]!['path'], rejected[0]!['reason']], [401, '/api/v2/status', 'no basic auth credentials']);
  assert.equal(rejected[1]!['reason'], 'wrong user or password');
});

test('web server: the web config is read again per request — users added or removed apply at once; a broken file answers 500', async (t) => {
  const { url, webConfig, log } = await start(t, { webConfigYaml: `basic_auth_users:\n  alice: ${HASH}\n` });
  assert.equal((await send(url, { headers: basic('bob', 's3cret') })).status, 401);
  writeFileSync(webConfig, `basic_auth_users:\n  alice: ${HASH}\n  bob: ${HASH}\n`);
  assert.equal((await send(url, { headers: basic('bob', 's3cret') })).status, 200);
  writeFileSync(webConfig, 'basic_auth_users:\n  bob: not-a-hash\n');
  const broken = await send(url, { headers: basic('bob', 's3cret') });
  assert.equal(broken.status, 500);
  assert.equal(broken.body, 'Internal Server Error\n');
  assert.ok(log.some((l) => /not a bcrypt hash/.test(String(l['err']))));
  writeFileSync(webConfig, '');
  assert.equal((await send(url)).status, 200, 'no users: no authentication');
});

test('web server: with TLS, HTTPS works, plain HTTP is refused, and a new certificate is served without a restart', async (t) => {
  const certs = makeTestCerts(t);
  const { url, webConfig, server } = await start(t, { webConfigYaml: tlsYaml(certs), dir: certs.dir });
  assert.equal(server.protocol, 'https');
  const ca = certs.read(certs.caCert);
  const first = await send(`${url}/-/healthy`, { client: { ca } });
  assert.deepEqual([first.status, first.body, first.serverCN], [200, 'ok', '127.0.0.1']);

  const port = server.address().port;
  await assert.rejects(send(`http://127.0.0.1:${port}/-/healthy`), 'plain HTTP gets no answer');
  const curl = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/-/healthy`]).catch((err: { code: number; stdout: string }) => err);
  assert.notEqual((curl as { code?: number }).code ?? 0, 0, 'curl over plain HTTP fails');
  const curlTls = await run('curl', ['-s', '--cacert', certs.caCert, `${url}/-/healthy`]);
  assert.equal(curlTls.stdout, 'ok');

  writeFileSync(webConfig, tlsYaml(certs, '', 'server2'));
  const rotated = await send(`${url}/-/healthy`, { client: { ca } });
  assert.deepEqual([rotated.status, rotated.serverCN], [200, '127.0.0.1 (rotated)']);
});

test('web server: http_server_config.http2: true is accepted, answered in HTTP/1.1, and warned about once per read of the file', async (t) => {
  const certs = makeTestCerts(t);
  const http2 = (on: boolean, header = 'deny') => tlsYaml(certs, `http_server_config:\n  http2: ${on}\n  headers:\n    X-Frame-Options: ${header}\n`);
  const { url, webConfig, log } = await start(t, { webConfigYaml: http2(true), dir: certs.dir });
  const warnings = () => log.filter((l) => l['level'] === 'warn' && l['key'] === 'http_server_config.http2');
  assert.equal(warnings().length, 1, 'one warning at start');
  assert.deepEqual(warnings()[0], {
    ...warnings()[0],
    webConfig,
    msg: 'http_server_config.http2 is true but ignored: alertrouter serves HTTP/1.1 only (clients that offer HTTP/2, over TLS or by h2c upgrade, are answered in HTTP/1.1)',
  });
  // What the warning says: a client asking for HTTP/2 (ALPN h2) is served, in HTTP/1.1.
  for (let i = 0; i < 3; i++) {
    const curl = await run('curl', ['-s', '--http2', '--cacert', certs.caCert, '-w', ' %{http_version}', `${url}/-/healthy`]);
    assert.equal(curl.stdout, 'ok 1.1');
  }
  assert.equal(warnings().length, 1, 'not once per request');

  writeFileSync(webConfig, http2(true, 'sameorigin'));
  assert.equal((await send(`${url}/-/healthy`, { client: { ca: certs.read(certs.caCert) } })).headers['x-frame-options'], 'sameorigin');
  assert.equal(warnings().length, 2, 'again when the changed file is read');
  writeFileSync(webConfig, http2(false));
  assert.equal((await send(`${url}/-/healthy`, { client: { ca: certs.read(certs.caCert) } })).headers['x-frame-options'], 'deny');
  assert.equal(warnings().length, 2, 'http2: false asks for what alertrouter does: no warning');
});

test('web server: RequireAndVerifyClientCert accepts only certificates the client CA signed', async (t) => {
  const certs = makeTestCerts(t);
  const { url } = await start(t, {
    webConfigYaml: tlsYaml(certs, `  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${certs.caCert}\n`),
    dir: certs.dir,
  });
  const ca = certs.read(certs.caCert);
  assert.equal((await send(url, { client: { ca, cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) } })).status, 200);
  await assert.rejects(send(url, { client: { ca } }), 'no client certificate');
  await assert.rejects(send(url, { client: { ca, cert: certs.read(certs.strangerCert), key: certs.read(certs.strangerKey) } }), 'unknown issuer');
});

test('web server: RequireAnyClientCert needs some certificate; VerifyClientCertIfGiven checks one only when given', async (t) => {
  const certs = makeTestCerts(t);
  const { url, webConfig } = await start(t, {
    webConfigYaml: tlsYaml(certs, `  client_auth_type: RequireAnyClientCert\n`),
    dir: certs.dir,
  });
  const ca = certs.read(certs.caCert);
  const stranger = { ca, cert: certs.read(certs.strangerCert), key: certs.read(certs.strangerKey) };
  const client = { ca, cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) };
  assert.equal((await send(url, { client: stranger })).status, 200, 'any certificate will do');
  await assert.rejects(send(url, { client: { ca } }));

  writeFileSync(webConfig, tlsYaml(certs, `  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ${certs.caCert}\n`));
  assert.equal((await send(url, { client: { ca } })).status, 200, 'none given: fine');
  assert.equal((await send(url, { client })).status, 200);
  await assert.rejects(send(url, { client: stranger }), 'given but not verifiable');
});

test('web server: GETs beyond --web.get-concurrency get 503 at once; requests with bodies wait their turn instead', async (t) => {
  const held: Array<() => void> = [];
  let postsNow = 0;
  let postsMax = 0;
  const counted = { limited: 0, inFlight: [] as number[], handlers: [] as string[] };
  const metrics: WebServerMetrics = {
    getLimitReached: () => counted.limited++,
    getInFlightChanged: (d) => counted.inFlight.push(d),
    httpRequestDone: (r) => counted.handlers.push(`${r.method} ${r.handler} ${r.bytes}`),
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const finish = (): void => {
      if (req.method === 'POST') postsNow--;
      res.end('done');
    };
    if (req.method === 'POST') postsMax = Math.max(postsMax, ++postsNow);
    held.push(finish);
  };
  const { url, log } = await start(t, { handler, extra: { getConcurrency: 2, bodyConcurrency: 1, metrics } });
  const waitHeld = async (n: number) => {
    while (held.length < n) await new Promise((r) => setImmediate(r));
  };
  const g1 = send(`${url}/api/v2/alerts`);
  const g2 = send(`${url}/api/v2/alerts`);
  await waitHeld(2);
  const refused = await send(`${url}/api/v2/alerts`);
  assert.equal(refused.status, 503);
  assert.equal(refused.body, 'Limit of concurrent GET requests reached (2), try again later.\n');
  assert.equal(counted.limited, 1);
  assert.ok(log.some((l) => l['msg'] === 'request rejected' && l['status'] === 503));

  const p1 = send(`${url}/api/v2/alerts`, { method: 'POST', body: '[]' });
  const p2 = send(`${url}/api/v2/alerts`, { method: 'POST', body: '[]' });
  await waitHeld(3);
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(held.length, 3, 'the second POST waits for the first');
  held.shift()!();
  held.shift()!();
  held.shift()!();
  await waitHeld(1);
  held.shift()!();
  const replies = await Promise.all([g1, g2, p1, p2]);
  assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200]);
  assert.equal(postsMax, 1);
  assert.deepEqual(counted.inFlight, [1, 1, -1, -1]);
  assert.ok(counted.handlers.includes('GET /api/v2/alerts 4'), counted.handlers.join(', '));
  assert.ok(counted.handlers.some((h) => h.startsWith('GET /api/v2/alerts 6')), 'the 503 counted too');
});

test('web server: --web.timeout answers 503 when the application has not answered in time', async (t) => {
  const clock = new FakeClock();
  let late: ServerResponse | undefined;
  const { url } = await start(t, { handler: (_req, res) => (late = res), extra: { timeoutMs: 10_000, clock } });
  const reply = send(`${url}/api/v2/alerts/groups`);
  while (!late) await new Promise((r) => setImmediate(r));
  await clock.advance(10_000);
  const r = await reply;
  assert.deepEqual([r.status, r.body], [503, 'Exceeded configured timeout of 10s.\n']);
  late.end('too late');
});

test('handlerLabel: fixed names for known routes, ids folded, the rest "other", under a route prefix too', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['/metrics', '/', '/metrics'],
    ['/api/v2/alerts?filter=a', '/', '/api/v2/alerts'],
    ['/api/v2/silence/0f1e2d3c-0000-4000-8000-000000000000', '/', '/api/v2/silence/:id'],
    ['/api/ext/v1/alerts/0123456789abcdef/explain', '/', '/api/ext/v1/alerts/:fingerprint/explain'],
    ['/api/v1/alerts', '/', '/api/v1'],
    ['/random/path', '/', 'other'],
    ['/am/-/healthy', '/am', '/-/healthy'],
    ['/am', '/am', '/'],
    ['/metrics', '/am', 'other'],
  ];
  for (const [path, prefix, want] of cases) assert.equal(handlerLabel(path, prefix), want, `${path} under ${prefix}`);
});

test('web server: a client that gives up while its body waits in the queue does not keep a slot', async (t) => {
  const held: Array<() => void> = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    held.push(() => res.end('done'));
  };
  const { url, server, log } = await start(t, { handler, extra: { bodyConcurrency: 1 } });
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setImmediate(r));
  };
  const first = send(url, { method: 'POST', body: 'a' });
  await until(() => held.length === 1);
  // The second request waits for the slot; its client goes away meanwhile.
  const u = new URL(url);
  const quitter = httpRequest({ host: u.hostname, port: u.port, method: 'POST', agent: false });
  quitter.on('error', () => undefined);
  quitter.write('b');
  await until(() => server.queuedBodies === 1);
  quitter.destroy();
  await until(() => log.some((l) => l['msg'] === 'client went away while its request waited to be read'));
  held.shift()!();
  assert.equal((await first).status, 200);
  const third = send(url, { method: 'POST', body: 'c' });
  await until(() => held.length === 1);
  held.shift()!();
  assert.equal((await third).status, 200, 'the slot came back');
});
