// POST /api/v2/alerts has a fast path ahead of express's routers for requests with a
// Content-Length (postAlertsFastPath). A chunked request takes the router with its body parser.
// Both must answer and store alike: same status, headers and body, same alerts listed.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startHarness, type Harness } from './harness.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function rawPost(url: string, path: string, body: string, options: { chunked: boolean; headers?: Record<string, string> }): Promise<RawResponse> {
  const u = new URL(url);
  const bytes = Buffer.from(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', ...options.headers };
  if (options.chunked) headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = bytes.length;
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const { date: _date, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    if (options.chunked && bytes.length > 1) {
      // Two chunks, so the router's body parser really reassembles.
      req.write(bytes.subarray(0, 1));
      req.end(bytes.subarray(1));
    } else {
      req.end(bytes);
    }
  });
}

const CASES: { name: string; body: string; headers?: Record<string, string> }[] = [
  { name: 'a valid batch', body: JSON.stringify([{ labels: { alertname: 'A', team: 'a' }, annotations: { s: 'x' }, generatorURL: 'http://p/g' }, { labels: { alertname: 'B' } }]) },
  { name: 'a batch with an invalid alert', body: JSON.stringify([{ labels: { alertname: 'C' } }, { labels: { '0bad': 'x' } }]) },
  { name: 'text that is not JSON', body: 'not json' },
  { name: 'an empty body', body: '' },
  { name: 'an alert without labels', body: '[{"annotations":{}}]' },
  { name: 'a byte-order mark before the JSON', body: '\ufeff[{"labels":{"alertname":"Bom"}}]' },
  { name: 'an Origin header (CORS)', body: '[{"labels":{"alertname":"Cors"}}]', headers: { origin: 'http://ui.example' } },
  { name: 'a UTF-8 charset parameter', body: '[{"labels":{"alertname":"Charset","v":"é"}}]', headers: { 'content-type': 'application/json; charset=utf-8' } },
  { name: 'a media type other than JSON', body: '[]', headers: { 'content-type': 'text/plain' } },
  { name: 'times and a resolved alert', body: '[{"labels":{"alertname":"T"},"startsAt":"2024-01-15T11:00:00Z","endsAt":"2024-01-15T11:30:00Z"}]' },
];

for (const prefix of ['/', '/am']) {
  describe(`POST ${prefix === '/' ? '' : prefix}/api/v2/alerts: fast path and router answer alike`, () => {
    let fast: Harness;
    let routed: Harness;
    const path = `${prefix === '/' ? '' : prefix}/api/v2/alerts`;
    before(async () => {
      fast = await startHarness({ routePrefix: prefix, startMs: Date.UTC(2024, 0, 15, 12) });
      routed = await startHarness({ routePrefix: prefix, startMs: Date.UTC(2024, 0, 15, 12) });
    });
    after(async () => {
      await fast.close();
      await routed.close();
    });

    for (const c of CASES) {
      test(c.name, async () => {
        const viaFast = await rawPost(fast.url, path, c.body, { chunked: false, headers: c.headers });
        const viaRouter = await rawPost(routed.url, path, c.body, { chunked: true, headers: c.headers });
        assert.equal(viaFast.status, viaRouter.status);
        assert.equal(viaFast.body, viaRouter.body);
        const { 'content-length': _a, ...fastHeaders } = viaFast.headers;
        const { 'transfer-encoding': _b, 'content-length': _c, ...routedHeaders } = viaRouter.headers;
        assert.deepEqual(fastHeaders, routedHeaders);
      });
    }

    test('both stored the same alerts', async () => {
      const listed = async (h: Harness) => (await h.get(`${prefix === '/' ? '' : prefix}/api/v2/alerts`)).text;
      const fastList = await listed(fast);
      assert.equal(fastList, await listed(routed));
      assert.match(fastList, /"Bom"/);
      assert.equal(fast.store.size, 7);
    });
  });
}
