import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HttpClientConfig } from '../../src/config/types.js';
import { HttpRequestError } from '../../src/notify/http-error.js';
import { HttpClient } from '../../src/notify/http.js';
import { haveOpenssl, makeCerts, startCapture, type CaptureServer, type TestCerts } from './capture.js';

const BASE: HttpClientConfig = { followRedirects: true, enableHttp2: true };

interface Proxy {
  readonly url: string;
  /** Request lines seen: `GET http://…` for plain requests, `CONNECT host:port` for tunnels. */
  readonly seen: { line: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A forward proxy on loopback: relays absolute-form HTTP requests and CONNECT tunnels. */
async function startProxy(): Promise<Proxy> {
  const seen: Proxy['seen'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push({ line: `${req.method} ${req.url}`, headers: req.headers });
    const target = new URL(req.url!);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push({ line: `CONNECT ${req.url}`, headers: req.headers });
    const [host, port] = req.url!.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://user:p%40ss@127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('HttpClient', () => {
  let a: CaptureServer;
  let b: CaptureServer;
  before(async () => {
    a = await startCapture();
    b = await startCapture();
  });
  after(() => Promise.all([a.close(), b.close()]));

  test('303 turns a POST into a GET without body; 307 keeps both', async () => {
    a.answer((req) =>
      req.url === '/see-other' ? { status: 303, headers: { location: '/landing' } } : req.url === '/temp' ? { status: 307, headers: { location: '/landing' } } : { status: 200, body: 'landed' },
    );
    const client = new HttpClient(BASE);
    const res = await client.request({ method: 'POST', url: a.url + '/see-other', body: 'payload' });
    assert.equal(res.status, 200);
    assert.equal(res.body, 'landed');
    assert.deepEqual([a.requests.at(-1)!.method, a.requests.at(-1)!.body], ['GET', '']);
    await client.request({ method: 'POST', url: a.url + '/temp', body: 'payload' });
    assert.deepEqual([a.requests.at(-1)!.method, a.requests.at(-1)!.body], ['POST', 'payload']);
  });

  test('credentials are not sent to a redirect target on another host', async () => {
    a.answer(() => ({ status: 307, headers: { location: b.url + '/elsewhere' } }));
    b.answer(() => ({ status: 200 }));
    const client = new HttpClient({ ...BASE, authorization: { type: 'Bearer', credentials: 'secret' } });
    assert.equal((await client.request({ method: 'POST', url: a.url + '/start', body: 'x' })).status, 200);
    assert.equal(a.requests.at(-1)!.headers.authorization, 'Bearer secret');
    assert.equal(b.requests.at(-1)!.url, '/elsewhere');
    assert.equal(b.requests.at(-1)!.headers.authorization, undefined);
  });

  test('stops after 10 redirects; the error names the URL without its credentials or query', async () => {
    a.answer(() => ({ status: 302, headers: { location: '/again' } }));
    const url = new URL(a.url + '/loop?token=q-secret');
    url.username = 'user';
    url.password = 'pw-secret';
    await assert.rejects(new HttpClient(BASE).request({ method: 'GET', url: url.href }), (err: unknown) => {
      assert.ok(err instanceof HttpRequestError);
      assert.equal(err.message, `GET ${a.url}/loop: stopped after 10 redirects`);
      return true;
    });
  });

  test('a request aborted before it is sent names the URL without its credentials or query', async () => {
    const url = new URL(a.url + '/hook?token=q-secret');
    url.username = 'user';
    url.password = 'pw-secret';
    await assert.rejects(new HttpClient(BASE).request({ method: 'POST', url: url.href, signal: AbortSignal.abort() }), (err: unknown) => {
      assert.ok(err instanceof HttpRequestError);
      assert.equal(err.reason, 'aborted');
      assert.equal(err.message, `POST ${a.url}/hook: aborted before sending`);
      return true;
    });
  });

  test('keeps at most maxResponseBytes of an answer', async () => {
    a.answer(() => ({ status: 500, body: 'e'.repeat(5000) }));
    const res = await new HttpClient(BASE, { maxResponseBytes: 100 }).request({ method: 'GET', url: a.url });
    assert.equal(res.status, 500);
    assert.equal(res.body.length, 100);
  });

  test('an Authorization header of the caller\'s is not sent to a redirect target on another host either (as Go\'s client)', async () => {
    a.answer(() => ({ status: 307, headers: { location: b.url + '/token' } }));
    b.answer(() => ({ status: 200 }));
    await new HttpClient(BASE).request({ method: 'POST', url: a.url + '/token', headers: { Authorization: 'Basic Yzpz' }, body: 'grant_type=client_credentials' });
    assert.equal(a.requests.at(-1)!.headers.authorization, 'Basic Yzpz');
    assert.equal(b.requests.at(-1)!.headers.authorization, undefined);
  });

  test('oauth2: the token request goes through oauth2.proxy_url; the token goes to the original host only', async () => {
    const proxy = await startProxy();
    try {
      b.answer((req) =>
        req.url === '/token' ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"via-proxy"}' } : { status: 200 },
      );
      a.answer(() => ({ status: 307, headers: { location: b.url + '/elsewhere' } }));
      const config: HttpClientConfig = {
        ...BASE,
        oauth2: { clientId: 'c', clientSecret: 's', scopes: [], tokenUrl: b.url + '/token', endpointParams: {}, proxyUrl: proxy.url, tlsConfig: { insecureSkipVerify: false } },
      };
      assert.equal((await new HttpClient(config).request({ method: 'POST', url: a.url + '/hook', body: 'x' })).status, 200);
      assert.deepEqual(proxy.seen.map((s) => s.line), [`POST ${b.url}/token`], 'only the token request used the proxy');
      assert.equal(a.requests.at(-1)!.headers.authorization, 'Bearer via-proxy');
      assert.equal(b.requests.at(-1)!.url, '/elsewhere');
      assert.equal(b.requests.at(-1)!.headers.authorization, undefined);
    } finally {
      await proxy.close();
    }
  });

  test('plain HTTP through proxy_url goes to the proxy in absolute form, with proxy credentials', async () => {
    const proxy = await startProxy();
    try {
      a.answer(() => ({ status: 200, body: 'via proxy' }));
      const res = await new HttpClient({ ...BASE, proxyUrl: proxy.url }).request({ method: 'POST', url: a.url + '/hook?x=1', body: 'b' });
      assert.equal(res.body, 'via proxy');
      assert.equal(proxy.seen.at(-1)!.line, `POST ${a.url}/hook?x=1`);
      assert.equal(proxy.seen.at(-1)!.headers['proxy-authorization'], 'Basic ' + Buffer.from('user:p@ss').toString('base64'));
      assert.equal(a.requests.at(-1)!.body, 'b');
    } finally {
      await proxy.close();
    }
  });
});

describe('HttpClient over TLS through a proxy', { skip: haveOpenssl() ? false : 'openssl not installed (apt-get install openssl)' }, () => {
  let certs: TestCerts;
  let target: CaptureServer;
  before(async () => {
    certs = makeCerts(mkdtempSync(join(tmpdir(), 'http-proxy-tls-')));
    target = await startCapture({ key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) });
  });
  after(async () => {
    await target.close();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  test('https through proxy_url opens a CONNECT tunnel (with proxy_connect_header) and verifies TLS inside it', async () => {
    const proxy = await startProxy();
    try {
      const client = new HttpClient({
        ...BASE,
        proxyUrl: proxy.url,
        proxyConnectHeader: { 'X-Tenant': ['t1', 't2'] },
        tlsConfig: { caFile: certs.caFile, insecureSkipVerify: false },
      });
      const res = await client.request({ method: 'POST', url: target.url + '/secure', body: 'tunnelled' });
      assert.equal(res.status, 200);
      const port = new URL(target.url).port;
      assert.equal(proxy.seen.at(-1)!.line, `CONNECT 127.0.0.1:${port}`);
      assert.equal(proxy.seen.at(-1)!.headers['x-tenant'], 't1, t2');
      assert.equal(target.requests.at(-1)!.body, 'tunnelled');
    } finally {
      await proxy.close();
    }
  });
});
