// The notifiers' HTTP client keeps idle connections open between sends (as Go's client does),
// and sends once more on a new connection when the server had closed a pooled one.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import type { HttpClientConfig } from '../../src/config/types.js';
import { HttpRequestError } from '../../src/notify/http-error.js';
import { HttpClient } from '../../src/notify/http.js';

const CONFIG: HttpClientConfig = { followRedirects: true, enableHttp2: true };

/** A loopback server; `answer(n)` decides, for the n-th request on a connection (1-based), whether to answer or reset it. */
async function startServer(answer: (nthOnConnection: number) => boolean) {
  let connections = 0;
  let requests = 0;
  const perSocket = new WeakMap<Socket, number>();
  const server = http.createServer((req, res) => {
    requests++;
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    req.resume();
    req.on('end', () => {
      if (answer(n)) res.writeHead(200).end('ok');
      else req.socket.resetAndDestroy();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    counts: () => ({ connections, requests }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('http client: consecutive sends to one server share a connection', async (t) => {
  const server = await startServer(() => true);
  t.after(() => server.close());
  const client = new HttpClient(CONFIG);
  for (let i = 0; i < 3; i++) assert.equal((await client.request({ method: 'POST', url: server.url, body: '{}' })).status, 200);
  assert.deepEqual(server.counts(), { connections: 1, requests: 3 });
});

test('http client: a pooled connection the server dropped is replaced, and the send succeeds', async (t) => {
  // Every connection answers its first request and resets on the second, as a server that
  // closed the idle connection just as the next request arrived.
  const server = await startServer((n) => n === 1);
  t.after(() => server.close());
  const client = new HttpClient(CONFIG);
  assert.equal((await client.request({ method: 'POST', url: server.url, body: '{"n":1}' })).status, 200);
  assert.equal((await client.request({ method: 'POST', url: server.url, body: '{"n":2}' })).status, 200);
  assert.deepEqual(server.counts(), { connections: 2, requests: 3 });
});

test('http client: a reset on a new connection is not retried', async (t) => {
  const server = await startServer(() => false);
  t.after(() => server.close());
  const client = new HttpClient(CONFIG);
  await assert.rejects(client.request({ method: 'POST', url: server.url, body: '{}' }), HttpRequestError);
  assert.deepEqual(server.counts(), { connections: 1, requests: 1 });
});
