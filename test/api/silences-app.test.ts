// The silence routes mounted in the API engineer's app through its extendV2 hook, the way the
// daemon mounts them: route prefix, CORS and the 404 fallback must apply to them too.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { silencesRouter } from '../../src/api/v2/silences.js';
import type { Clock } from '../../src/util/clock.js';
import { openTempRepository } from '../silence/temp-repository.js';
import { startHarness, type Harness } from './harness.js';

async function start(t: TestContext, routePrefix: string): Promise<Harness> {
  const { repo } = openTempRepository(t);
  let harness: Harness | undefined;
  // The harness makes its clock; the router reads it per request.
  const clock: Clock = { nowMs: () => harness!.clock.nowMs(), setTimer: (ms, fn) => harness!.clock.setTimer(ms, fn) };
  harness = await startHarness({ routePrefix, extendV2: (router) => router.use(silencesRouter({ clock, silences: repo })) });
  t.after(() => harness!.close());
  return harness;
}

const body = (nowMs: number): string =>
  JSON.stringify({
    matchers: [{ name: 'alertname', value: 'Disk', isRegex: false }],
    startsAt: new Date(nowMs).toISOString(),
    endsAt: new Date(nowMs + 3_600_000).toISOString(),
    createdBy: 'ops',
    comment: '',
  });

test('silences in the API app: served under the route prefix with CORS; other v2 paths still fall through to 404', async (t) => {
  const h = await start(t, '/am');
  const created = await h.post('/am/api/v2/silences', body(h.clock.nowMs()));
  assert.equal(created.status, 200, created.text);
  const { silenceID } = JSON.parse(created.text) as { silenceID: string };

  const res = await fetch(`${h.url}/am/api/v2/silences`, { headers: { Origin: 'http://dashboard.example' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual((JSON.parse(await res.text()) as { id: string }[]).map((s) => s.id), [silenceID]);

  assert.equal((await h.get(`/am/api/v2/silence/${silenceID}`)).status, 200);
  const missing = await h.get('/am/api/v2/silencez');
  assert.equal(missing.status, 404);
  // The path without the route prefix, as Alertmanager says it.
  assert.equal(missing.text, '{"code":404,"message":"path /api/v2/silencez was not found"}');
  assert.equal((await h.get('/am/api/v2/status')).status, 200, 'the v2 router\'s own routes still answer');
});

test('silences in the API app: refusals keep Alertmanager\'s shapes through the app\'s error handler', async (t) => {
  const h = await start(t, '/');
  const bad = await h.post('/api/v2/silences', '{}');
  assert.deepEqual([bad.status, bad.text], [422, '{"code":602,"message":"comment in body is required"}']);
  const badUuid = await h.get('/api/v2/silence/nope');
  assert.equal(badUuid.status, 422);
  const notJson = await h.post('/api/v2/silences', body(h.clock.nowMs()), 'text/plain');
  assert.equal(notJson.status, 415);
});
