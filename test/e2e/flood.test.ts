// A bounded flood over loopback against the compiled daemon: many small requests on many
// connections, then many large bodies at once. Memory must stay bounded (GETs beyond
// --web.get-concurrency are refused, bodies are read a few at a time) and the daemon must
// still answer afterwards. The figures are printed as diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { startAlertrouter } from '../support/alertrouter.js';

const MB = 1024 * 1024;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const errors = new Map<string, number>();

/** Resolves to the status, or 0 when the connection failed (the error is counted in `errors`). */
function send(agent: Agent, url: string, method: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const key = err.code ?? err.message;
      errors.set(key, (errors.get(key) ?? 0) + 1);
      resolve(0);
    });
    req.end(body);
  });
}

test('flood: thousands of requests on hundreds of connections, then rounds of 200 bodies of 2 MiB at once; memory stays bounded', { timeout: 180_000 }, async (t) => {
  const router = await startAlertrouter(t, 'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n  - name: r\n', { extraArgs: ['--web.get-concurrency=8'] });
  const pid = router.process.pid!;
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
  t.after(() => clearInterval(sampler));

  const agent = new Agent({ keepAlive: true, maxSockets: 300 });
  t.after(() => agent.destroy());
  const statuses = new Map<number, number>();
  const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
  const small = (i: number) => JSON.stringify([{ labels: { alertname: 'Flood', n: String(i % 500) }, endsAt: '2999-01-01T00:00:00Z' }]);
  const started = Date.now();
  let next = 0;
  const TOTAL = 20_000;
  await Promise.all(
    Array.from({ length: 300 }, async () => {
      while (next < TOTAL) {
        const i = next++;
        count(await send(agent, `${router.url}/api/v2/alerts`, i % 2 === 0 ? 'POST' : 'GET', i % 2 === 0 ? small(i) : undefined));
      }
    }),
  );
  const smallMs = Date.now() - started;
  const afterSmall = peak;

  // Twice 200 bodies of 2 MiB in flight at once (400 MiB offered each round), read a few at a
  // time: the second round must not need more memory than the first.
  const big = JSON.stringify([{ labels: { alertname: 'Big' }, annotations: { blob: 'x'.repeat(2 * MB) }, endsAt: '2999-01-01T00:00:00Z' }]);
  // A connection per body: reusing idle keep-alive sockets races the server closing them.
  const fresh = new Agent({ keepAlive: false, maxSockets: 300 });
  const bigRound = () => Promise.all(Array.from({ length: 200 }, () => send(fresh, `${router.url}/api/v2/alerts`, 'POST', big)));
  const round1 = await bigRound();
  const peak1 = peak;
  const round2 = await bigRound();
  clearInterval(sampler);

  t.diagnostic(`small requests: ${TOTAL} in ${smallMs} ms (${Math.round(TOTAL / (smallMs / 1000))}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  t.diagnostic(
    `RSS: baseline ${Math.round(baseline / MB)} MiB, peak during small flood ${Math.round(afterSmall / MB)} MiB, ` +
      `peak after 200×2 MiB bodies ${Math.round(peak1 / MB)} MiB, after another 200 ${Math.round(peak / MB)} MiB`,
  );
  assert.equal(statuses.get(0) ?? 0, 0, `no connection failed (${JSON.stringify(Object.fromEntries(errors))})`);
  assert.equal((statuses.get(200) ?? 0) + (statuses.get(503) ?? 0), TOTAL, 'every request answered: 200, or 503 for GETs over the limit');
  assert.ok([...round1, ...round2].every((s) => s === 200), `big bodies: ${[...new Set([...round1, ...round2])].join(',')} (${JSON.stringify(Object.fromEntries(errors))})`);
  // Holding 200 bodies at once would take over 800 MiB (each is a Buffer and a string).
  assert.ok(peak1 - baseline < 600 * MB, `RSS grew by ${Math.round((peak1 - baseline) / MB)} MiB in the first round`);
  assert.ok(peak - peak1 < 150 * MB, `RSS grew by another ${Math.round((peak - peak1) / MB)} MiB in the second round`);
  const health = await fetch(`${router.url}/-/healthy`);
  assert.equal(health.status, 200, 'still answering');
});
