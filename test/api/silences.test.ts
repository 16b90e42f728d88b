import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { SilenceRepository } from '../../src/silence/repository.js';
import { startSilenceApi } from '../silence/http.js';
import { FakeClock } from '../support/fake-clock.js';

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function body(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    matchers: [{ name: 'alertname', value: 'Disk', isRegex: false }],
    startsAt: iso(T0),
    endsAt: iso(T0 + HOUR),
    createdBy: 'ops',
    comment: 'maintenance',
    ...fields,
  });
}

async function setup(t: TestContext) {
  const clock = new FakeClock(T0);
  const api = await startSilenceApi(t, clock);
  const create = async (fields: Record<string, unknown> = {}): Promise<string> => {
    const res = await api.request('POST', '/api/v2/silences', body(fields));
    assert.equal(res.status, 200, res.text);
    return (JSON.parse(res.text) as { silenceID: string }).silenceID;
  };
  const list = async (query = ''): Promise<Array<{ id: string; status: { state: string } }>> => {
    const res = await api.request('GET', `/api/v2/silences${query}`);
    assert.equal(res.status, 200, res.text);
    return JSON.parse(res.text) as Array<{ id: string; status: { state: string } }>;
  };
  return { clock, api, create, list };
}

describe('POST /api/v2/silences', () => {
  test('POST: creates a silence and GET /silence/{id} shows it in Alertmanager\'s JSON shape', async (t) => {
    const { api, clock, create } = await setup(t);
    await clock.advance(1234);
    const id = await create({ startsAt: iso(T0 - HOUR) });
    const res = await api.request('GET', `/api/v2/silence/${id}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    // Key order as Alertmanager writes it; the past start is moved to now.
    assert.equal(
      res.text,
      JSON.stringify({
        id,
        status: { state: 'active' },
        updatedAt: '2024-01-15T12:00:01.234Z',
        comment: 'maintenance',
        createdBy: 'ops',
        endsAt: '2024-01-15T13:00:00.000Z',
        matchers: [{ isEqual: true, isRegex: false, name: 'alertname', value: 'Disk' }],
        startsAt: '2024-01-15T12:00:01.234Z',
      }) + '\n',
    );
  });

  test('POST with the id of an active silence and only a new end/comment updates it in place', async (t) => {
    const { api, clock, create, list } = await setup(t);
    const id = await create();
    await clock.advance(60_000);
    const res = await api.request('POST', '/api/v2/silences', body({ id, endsAt: iso(T0 + 3 * HOUR), comment: 'longer' }));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { silenceID: id });
    const all = await list();
    assert.equal(all.length, 1);
    assert.equal(api.repo.get(id)?.endsAtMs, T0 + 3 * HOUR);
    assert.equal(api.repo.get(id)?.comment, 'longer');
  });

  test('POST with changed matchers replaces the silence: new id, the old one expired', async (t) => {
    const { api, clock, create, list } = await setup(t);
    const id = await create();
    await clock.advance(60_000);
    const res = await api.request('POST', '/api/v2/silences', body({ id, matchers: [{ name: 'alertname', value: 'Cpu', isRegex: false }] }));
    assert.equal(res.status, 200);
    const newId = (JSON.parse(res.text) as { silenceID: string }).silenceID;
    assert.notEqual(newId, id);
    const all = await list();
    assert.deepEqual(
      all.map((s) => [s.id, s.status.state]),
      [
        [newId, 'active'],
        [id, 'expired'],
      ],
    );
  });

  test('POST with an unknown id answers 404 "silence not found" and stores nothing', async (t) => {
    const { api, list } = await setup(t);
    const res = await api.request('POST', '/api/v2/silences', body({ id: '2093d3e6-562b-43d7-957a-2bd9294d8800' }));
    assert.equal(res.status, 404);
    assert.equal(res.text, '"silence not found"\n');
    assert.deepEqual(await list(), []);
  });

  const refused: Array<[string, string, number, string]> = [
    ['an empty body', '', 422, '{"code":602,"message":"silence in body is required"}'],
    ['no comment', JSON.stringify({ createdBy: 'x' }), 422, '{"code":602,"message":"comment in body is required"}'],
    ['a null createdBy', body({ createdBy: null }), 422, '{"code":602,"message":"createdBy in body is required"}'],
    ['no endsAt', body({ endsAt: undefined }), 422, '{"code":602,"message":"endsAt in body is required"}'],
    ['no matchers', body({ matchers: undefined }), 422, '{"code":602,"message":"matchers in body is required"}'],
    ['empty matchers', body({ matchers: [] }), 422, '{"code":612,"message":"matchers in body should have at least 1 items"}'],
    ['a matcher without isRegex', body({ matchers: [{ name: 'a', value: 'b' }] }), 422, '{"code":602,"message":"matchers.0.isRegex in body is required"}'],
    ['a matcher without name', body({ matchers: [{ value: 'b', isRegex: false }] }), 422, '{"code":602,"message":"matchers.0.name in body is required"}'],
    ['no startsAt', body({ startsAt: undefined }), 422, '{"code":602,"message":"startsAt in body is required"}'],
    ['start equal to end', body({ endsAt: iso(T0) }), 400, '"Failed to create silence: start time must be before end time"\n'],
    ['end in the past', body({ startsAt: iso(T0 - 2 * HOUR), endsAt: iso(T0 - HOUR) }), 400, '"Failed to create silence: end time can\'t be in the past"\n'],
    [
      'only a matcher matching the empty string',
      body({ matchers: [{ name: 'a', value: '.*', isRegex: true }] }),
      400,
      '"silence invalid: at least one matcher must not match the empty string"\n',
    ],
    [
      'an invalid regex',
      body({ matchers: [{ name: 'a', value: '(', isRegex: true }] }),
      400,
      '"silence invalid: invalid label matcher 0: invalid regular expression \\"(\\": error parsing regexp: missing closing ): `(`"\n',
    ],
    [
      'an unclosed \\Q in a regex (compiles alone, not anchored)',
      body({ matchers: [{ name: 'a', value: 'x\\Qy', isRegex: true }] }),
      400,
      JSON.stringify(
        'silence invalid: invalid label matcher 0: invalid regular expression "x\\\\Qy": error parsing regexp: missing closing ): `^(?:x\\Qy)$` (the value is matched anchored, as ^(?:…)$: close \\Q with \\E)',
      ) + '\n',
    ],
    [
      'an unclosed \\Q in a second regex matcher',
      body({ matchers: [{ name: 'b', value: 'z', isRegex: false }, { name: 'a', value: 'x\\Qy', isRegex: true }] }),
      400,
      JSON.stringify(
        'silence invalid: invalid label matcher 1: invalid regular expression "x\\\\Qy": error parsing regexp: missing closing ): `^(?:x\\Qy)$` (the value is matched anchored, as ^(?:…)$: close \\Q with \\E)',
      ) + '\n',
    ],
    [
      'an invalid label name',
      body({ matchers: [{ name: 'a-b', value: 'x', isRegex: false }] }),
      400,
      '"silence invalid: invalid label matcher 0: invalid label name \\"a-b\\""\n',
    ],
  ];
  for (const [name, text, status, answer] of refused) {
    test(`POST refuses ${name} with ${status} and stores nothing`, async (t) => {
      const { api, list } = await setup(t);
      const res = await api.request('POST', '/api/v2/silences', text);
      assert.equal(res.status, status);
      assert.equal(res.text, answer);
      assert.deepEqual(await list(), []);
      // Nor in the database: a fresh repository opens it (a stored bad regex would fail that) and finds nothing.
      const reopened = new SilenceRepository(api.dbPath);
      try {
        assert.deepEqual([...reopened.list()], []);
      } finally {
        reopened.close();
      }
    });
  }

  const malformed: Array<[string, string, RegExp]> = [
    ['text that is not JSON', 'nonsense', /^parsing silence body failed: /],
    ['an array', '[]', /^parsing silence body failed: body: /],
    ['a string where a boolean belongs', body({ matchers: [{ name: 'a', value: 'b', isRegex: 'yes' }] }), /matchers\.0\.isRegex: /],
    ['a number where a string belongs', body({ createdBy: 5 }), /^parsing silence body failed: createdBy: /],
    ['a time that is not a date-time', body({ startsAt: 'bad' }), /startsAt: cannot parse "bad" as a date-time/],
  ];
  for (const [name, text, message] of malformed) {
    test(`POST refuses ${name} with 400 saying where`, async (t) => {
      const { api, list } = await setup(t);
      const res = await api.request('POST', '/api/v2/silences', text);
      assert.equal(res.status, 400);
      const answer = JSON.parse(res.text) as { code: number; message: string };
      assert.equal(answer.code, 400);
      assert.match(answer.message, message);
      assert.deepEqual(await list(), []);
    });
  }

  test('POST accepts unknown fields, empty createdBy/comment, keys in any case, isEqual defaulting to true', async (t) => {
    const { api, create } = await setup(t);
    const id = await create({ extra: 1, createdBy: '', comment: '', Matchers: [{ NAME: 'a', value: 'x', isregex: false }], matchers: undefined });
    assert.deepEqual(api.repo.get(id)?.matchers, [{ name: 'a', value: 'x', isRegex: false, isEqual: true }]);
    assert.equal(api.repo.get(id)?.createdBy, '');
  });

  test('POST refuses a body that is not JSON-typed with 415', async (t) => {
    const { api } = await setup(t);
    const res = await api.request('POST', '/api/v2/silences', body(), 'text/plain');
    assert.equal(res.status, 415);
    assert.equal(res.text, '{"code":415,"message":"unsupported media type \\"text/plain\\", only [application/json] are allowed"}');
  });

  test('POST with expireWhenResolved stores the extension and shows it; updates by clients that omit it keep it', async (t) => {
    const { api, create } = await setup(t);
    const id = await create({ expireWhenResolved: true });
    const got = JSON.parse((await api.request('GET', `/api/v2/silence/${id}`)).text) as Record<string, unknown>;
    assert.equal(got.expireWhenResolved, true);
    await create({ id, comment: 'edited by amtool' });
    assert.deepEqual(api.repo.extras(id), { expireWhenResolved: true });
    const plain = await create();
    assert.equal('expireWhenResolved' in (JSON.parse((await api.request('GET', `/api/v2/silence/${plain}`)).text) as object), false);
  });
});

describe('GET /api/v2/silences', () => {
  test('GET lists active by soonest end, then pending by soonest start, then expired by latest end', async (t) => {
    const { clock, create, list, api } = await setup(t);
    const a2 = await create({ endsAt: iso(T0 + 3 * HOUR) });
    const a1 = await create({ endsAt: iso(T0 + 2 * HOUR) });
    const p2 = await create({ startsAt: iso(T0 + 5 * HOUR), endsAt: iso(T0 + 6 * HOUR) });
    const p1 = await create({ startsAt: iso(T0 + 4 * HOUR), endsAt: iso(T0 + 6 * HOUR) });
    const e1 = await create();
    const e2 = await create();
    await clock.advance(1000);
    api.repo.expire(e1, clock.nowMs());
    await clock.advance(1000);
    api.repo.expire(e2, clock.nowMs());
    const got = await list();
    assert.deepEqual(
      got.map((s) => s.id),
      [a1, a2, p1, p2, e2, e1],
    );
    assert.deepEqual(
      got.map((s) => s.status.state),
      ['active', 'active', 'pending', 'pending', 'expired', 'expired'],
    );
  });

  test('GET filter= lists silences holding an identical matcher (name, operator and value), all filters needed', async (t) => {
    const { create, list } = await setup(t);
    const disk = await create();
    const both = await create({
      matchers: [
        { name: 'alertname', value: 'Disk', isRegex: false },
        { name: 'team', value: 'a|b', isRegex: true },
      ],
    });
    await create({ matchers: [{ name: 'alertname', value: 'Disk', isRegex: false, isEqual: false }] });
    await create({ matchers: [{ name: 'alertname', value: 'Di.*', isRegex: true }] });
    const q = (f: string[]): string => '?' + f.map((x) => `filter=${encodeURIComponent(x)}`).join('&');
    assert.deepEqual((await list(q(['alertname="Disk"']))).map((s) => s.id).sort(), [disk, both].sort());
    assert.deepEqual((await list(q(['alertname="Disk"', 'team=~"a|b"']))).map((s) => s.id), [both]);
    assert.deepEqual(await list(q(['team="a"'])), [], 'a filter is not matched against values');
    assert.equal((await list(q(['alertname!=Disk']))).length, 1);
    assert.equal((await list()).length, 4);
  });

  test('GET with a filter that is not a matcher answers 400 with the reason', async (t) => {
    const { api } = await setup(t);
    const res = await api.request('GET', '/api/v2/silences?filter=a');
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.text) as string, /bad matcher format: "a"/);
  });
});

describe('/api/v2/silence/{id}', () => {
  test('GET of an unknown id answers 404 with no body; a non-UUID 422', async (t) => {
    const { api } = await setup(t);
    const res = await api.request('GET', '/api/v2/silence/2093d3e6-562b-43d7-957a-2bd9294d8800');
    assert.equal(res.status, 404);
    assert.equal(res.text, '');
    const bad = await api.request('GET', '/api/v2/silence/nope');
    assert.equal(bad.status, 422);
    assert.equal(bad.text, '{"code":601,"message":"silenceID in path must be of type uuid: \\"nope\\""}');
  });

  test('DELETE expires an active silence now; again is still 200; unknown is 404', async (t) => {
    const { api, clock, create } = await setup(t);
    const id = await create();
    await clock.advance(5000);
    const res = await api.request('DELETE', `/api/v2/silence/${id}`);
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal(api.repo.get(id)?.endsAtMs, T0 + 5000);
    const state = (JSON.parse((await api.request('GET', `/api/v2/silence/${id}`)).text) as { status: { state: string } }).status.state;
    assert.equal(state, 'expired');
    await clock.advance(5000);
    assert.equal((await api.request('DELETE', `/api/v2/silence/${id}`)).status, 200);
    assert.equal(api.repo.get(id)?.endsAtMs, T0 + 5000, 'expiring again changes nothing');
    assert.equal((await api.request('DELETE', '/api/v2/silence/2093d3e6-562b-43d7-957a-2bd9294d8800')).status, 404);
    assert.equal((await api.request('DELETE', '/api/v2/silence/nope')).status, 422);
  });

  test('DELETE of a pending silence makes it expired without ever being active', async (t) => {
    const { api, clock, create } = await setup(t);
    const id = await create({ startsAt: iso(T0 + HOUR), endsAt: iso(T0 + 2 * HOUR) });
    await api.request('DELETE', `/api/v2/silence/${id}`);
    assert.deepEqual([api.repo.get(id)?.startsAtMs, api.repo.get(id)?.endsAtMs], [T0, T0]);
    await clock.advance(HOUR);
    assert.deepEqual(api.repo.silencedBy({ alertname: 'Disk' }, clock.nowMs()), []);
  });

  test('other methods answer 405 with Allow, HEAD included', async (t) => {
    const { api } = await setup(t);
    const put = await api.request('PUT', '/api/v2/silences');
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET,POST');
    assert.equal(put.text, '{"code":405,"message":"method PUT is not allowed, but [GET,POST] are"}');
    assert.equal((await api.request('HEAD', '/api/v2/silences')).status, 405);
    const patch = await api.request('PATCH', '/api/v2/silence/2093d3e6-562b-43d7-957a-2bd9294d8800');
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get('allow'), 'GET,DELETE');
  });
});
