import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startSilenceApi } from '../silence/http.js';
import { FakeClock } from '../support/fake-clock.js';

const T0 = Date.UTC(2024, 0, 15, 1, 0, 0); // a Monday, 01:00 UTC

const spec = {
  matchers: [{ name: 'job', value: 'backup', isRegex: false }],
  schedule: '0 2 * * *',
  duration: '1h30m',
  timeZone: 'UTC',
  createdBy: 'ops',
  comment: 'nightly backup',
};

async function setup(t: TestContext) {
  const clock = new FakeClock(T0);
  const api = await startSilenceApi(t, clock);
  return { clock, api };
}

interface Recurring {
  id: string;
  schedule: string;
  duration: string;
  timeZone: string;
  expireWhenResolved: boolean;
  createdAt: string;
  nextWindows: { startsAt: string; endsAt: string }[];
  silenceIds: string[];
}

test('recurring API: POST creates it, shows next windows, and its window appears as a pending silence in /api/v2', async (t) => {
  const { api } = await setup(t);
  const res = await api.request('POST', '/api/ext/v1/recurring-silences', JSON.stringify(spec));
  assert.equal(res.status, 200, res.text);
  const created = JSON.parse(res.text) as Recurring;
  assert.equal(created.duration, '1h30m');
  assert.equal(created.expireWhenResolved, false);
  assert.equal(created.createdAt, '2024-01-15T01:00:00.000Z');
  assert.deepEqual(created.nextWindows, [
    { startsAt: '2024-01-15T02:00:00.000Z', endsAt: '2024-01-15T03:30:00.000Z' },
    { startsAt: '2024-01-16T02:00:00.000Z', endsAt: '2024-01-16T03:30:00.000Z' },
    { startsAt: '2024-01-17T02:00:00.000Z', endsAt: '2024-01-17T03:30:00.000Z' },
  ]);
  assert.equal(created.silenceIds.length, 1);

  const silences = JSON.parse((await api.request('GET', '/api/v2/silences')).text) as Array<Record<string, unknown>>;
  assert.equal(silences.length, 1);
  assert.deepEqual(
    { id: silences[0]!.id, state: (silences[0]!.status as { state: string }).state, createdBy: silences[0]!.createdBy, startsAt: silences[0]!.startsAt },
    { id: created.silenceIds[0], state: 'pending', createdBy: `recurring-silence:${created.id}`, startsAt: '2024-01-15T02:00:00.000Z' },
  );

  const listed = JSON.parse((await api.request('GET', '/api/ext/v1/recurring-silences')).text) as Recurring[];
  assert.deepEqual(listed, [created]);
  assert.deepEqual(JSON.parse((await api.request('GET', `/api/ext/v1/recurring-silences/${created.id}`)).text), created);
});

test('recurring API: DELETE expires its windows and forgets it; unknown ids are 404', async (t) => {
  const { api, clock } = await setup(t);
  const created = JSON.parse((await api.request('POST', '/api/ext/v1/recurring-silences', JSON.stringify(spec))).text) as Recurring;
  await clock.advance(3_600_000 + 60_000); // inside the window
  assert.deepEqual(api.repo.silencedBy({ job: 'backup' }, clock.nowMs()), created.silenceIds);
  const del = await api.request('DELETE', `/api/ext/v1/recurring-silences/${created.id}`);
  assert.equal(del.status, 200);
  assert.deepEqual(api.repo.silencedBy({ job: 'backup' }, clock.nowMs()), []);
  const gone = await api.request('GET', `/api/ext/v1/recurring-silences/${created.id}`);
  assert.equal(gone.status, 404);
  assert.equal(JSON.parse(gone.text).message, `recurring silence "${created.id}" not found`);
  assert.equal((await api.request('DELETE', `/api/ext/v1/recurring-silences/${created.id}`)).status, 404);
});

const refused: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a six-field schedule', { schedule: '0 0 2 * * *' }, /^schedule: "0 0 2 \* \* \*" has 6 fields/],
  ['a bad cron field', { schedule: '0 25 * * *' }, /^schedule: "0 25 \* \* \*" is not a valid cron expression/],
  ['an unknown zone', { timeZone: 'Europe/Nowhere' }, /^timeZone: unknown time zone "Europe\/Nowhere"/],
  ['a bad duration', { duration: '90 minutes' }, /^duration: not a valid duration string: "90 minutes"/],
  ['a zero duration', { duration: '0' }, /^duration: must be above zero/],
  ['no matchers', { matchers: [] }, /^matchers: /],
  ['a missing comment', { comment: undefined }, /^comment: /],
  ['matchers matching only the empty string', { matchers: [{ name: 'a', value: '', isRegex: false }] }, /at least one matcher must not match the empty string/],
];
for (const [name, change, message] of refused) {
  test(`recurring API: POST refuses ${name} with 400 and stores nothing`, async (t) => {
    const { api } = await setup(t);
    const res = await api.request('POST', '/api/ext/v1/recurring-silences', JSON.stringify({ ...spec, ...change }));
    assert.equal(res.status, 400);
    const answer = JSON.parse(res.text) as { code: number; message: string };
    assert.equal(answer.code, 400);
    assert.match(answer.message, message);
    assert.deepEqual(api.recurring.list(), []);
    assert.deepEqual(api.repo.list(), []);
  });
}

test('recurring API: a timeZone defaults to UTC; expireWhenResolved passes on to the window silences', async (t) => {
  const { api } = await setup(t);
  const res = await api.request('POST', '/api/ext/v1/recurring-silences', JSON.stringify({ ...spec, timeZone: undefined, expireWhenResolved: true }));
  const created = JSON.parse(res.text) as Recurring;
  assert.equal(created.timeZone, 'UTC');
  assert.deepEqual(api.repo.extras(created.silenceIds[0]!), { expireWhenResolved: true });
});
