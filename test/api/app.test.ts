import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { resolveWebUrls, WebUrlError } from '../../src/web/address.js';
import { fingerprint } from '../../src/labels/labels.js';
import { startHarness, type Harness } from './harness.js';

const NOW = '2024-01-15T12:00:00.000Z';
const NOW_PLUS_5M = '2024-01-15T12:05:00.000Z';

describe('POST /api/v2/alerts', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('stores a valid alert and answers 200 with an empty body', async () => {
    const res = await h.post('/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'Up', team: 'a' }, annotations: { s: 'x' } }]));
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    const held = h.store.get(fingerprint({ alertname: 'Up', team: 'a' }));
    assert.ok(held);
    assert.deepEqual(held.annotations, { s: 'x' });
  });

  test('zero-time rule: Go zero or absent times become now and now + resolve_timeout with timeout set', async () => {
    const body = [
      { labels: { alertname: 'Zero' }, startsAt: '0001-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z' },
      { labels: { alertname: 'Absent' }, startsAt: null },
    ];
    assert.equal((await h.post('/api/v2/alerts', JSON.stringify(body))).status, 200);
    for (const name of ['Zero', 'Absent']) {
      const a = h.store.get(fingerprint({ alertname: name }))!;
      assert.equal(a.startsAtMs, h.clock.nowMs(), name);
      assert.equal(a.endsAtMs, h.clock.nowMs() + 5 * 60_000, name);
      assert.equal(a.timeout, true, name);
    }
  });

  test('an explicit endsAt without startsAt starts the alert at its end, without timeout', async () => {
    const endsAt = '2024-01-15T11:00:00.250Z';
    assert.equal((await h.post('/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'Ended' }, endsAt }]))).status, 200);
    const a = h.store.get(fingerprint({ alertname: 'Ended' }))!;
    assert.equal(a.startsAtMs, Date.parse(endsAt));
    assert.equal(a.endsAtMs, Date.parse(endsAt));
    assert.equal(a.timeout, false);
  });

  test('labels with empty values are dropped before fingerprinting', async () => {
    assert.equal((await h.post('/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'E', gone: '' } }]))).status, 200);
    assert.ok(h.store.get(fingerprint({ alertname: 'E' })));
  });

  const refusals: { name: string; body: string; contentType?: string; status: number; text: string }[] = [
    { name: 'no body', body: '', status: 422, text: '{"code":602,"message":"alerts in body is required"}' },
    { name: 'missing labels', body: '[{}]', status: 422, text: '{"code":602,"message":"0.labels in body is required"}' },
    { name: 'null labels', body: '[{"labels":{"a":"b"}},{"labels":null}]', status: 422, text: '{"code":602,"message":"1.labels in body is required"}' },
    {
      name: 'generatorURL that is not a URI',
      body: '[{"labels":{"a":"b"},"generatorURL":"foo"}]',
      status: 422,
      text: '{"code":601,"message":"0.generatorURL in body must be of type uri: \\"foo\\""}',
    },
    {
      name: 'wrong media type',
      body: '[]',
      contentType: 'text/plain',
      status: 415,
      text: '{"code":415,"message":"unsupported media type \\"text/plain\\", only [application/json] are allowed"}',
    },
    {
      name: 'no media type',
      body: '[]',
      contentType: '',
      status: 415,
      text: '{"code":415,"message":"unsupported media type \\"application/octet-stream\\", only [application/json] are allowed"}',
    },
  ];
  for (const r of refusals) {
    test(`refuses ${r.name} with ${r.status} and an OpenAPI error object`, async () => {
      const before = h.store.size;
      const res = await h.post('/api/v2/alerts', r.body, r.contentType);
      assert.equal(res.status, r.status);
      assert.equal(res.type, 'application/json; charset=utf-8');
      assert.equal(res.text, r.text);
      assert.equal(h.store.size, before);
    });
  }

  const badJson: { name: string; body: string; says: RegExp }[] = [
    { name: 'text that is not JSON', body: 'not json', says: /^parsing alerts body failed: .*JSON/ },
    { name: 'an object instead of an array', body: '{}', says: /^parsing alerts body failed: body: .*expected array/ },
    { name: 'a number as label value', body: '[{"labels":{"alertname":1}}]', says: /^parsing alerts body failed: 0\.labels\.alertname: .*expected string/ },
    { name: 'an unparsable startsAt', body: '[{"labels":{"a":"b"},"startsAt":"garbage"}]', says: /^parsing alerts body failed: 0\.startsAt: cannot parse "garbage" as a date-time/ },
    { name: 'a date without time', body: '[{"labels":{"a":"b"},"endsAt":"2020-01-01"}]', says: /0\.endsAt: cannot parse "2020-01-01"/ },
    { name: 'a null element', body: '[null]', says: /^parsing alerts body failed: 0: / },
  ];
  for (const r of badJson) {
    test(`refuses ${r.name} with 400 {"code":400} saying what is wrong`, async () => {
      const before = h.store.size;
      const res = await h.post('/api/v2/alerts', r.body);
      assert.equal(res.status, 400);
      const err = JSON.parse(res.text) as { code: number; message: string };
      assert.equal(err.code, 400);
      assert.match(err.message, r.says);
      assert.equal(h.store.size, before);
    });
  }

  test('a store failure is a 500 whose JSON string says what failed', async () => {
    const put = h.store.put.bind(h.store);
    h.store.put = () => {
      throw new Error('disk full');
    };
    try {
      const res = await h.post('/api/v2/alerts', '[{"labels":{"alertname":"Lost"}}]');
      assert.equal(res.status, 500);
      assert.equal(JSON.parse(res.text), 'storing alerts failed: disk full');
    } finally {
      h.store.put = put;
    }
  });

  test('text after the first JSON value is ignored, as Go\'s streaming decoder does', async () => {
    assert.equal((await h.post('/api/v2/alerts', '[{"labels":{"alertname":"Trail"}}] x [1]')).status, 200);
    assert.ok(h.store.get(fingerprint({ alertname: 'Trail' })));
  });

  test('null and [] bodies are empty batches', async () => {
    assert.equal((await h.post('/api/v2/alerts', 'null')).status, 200);
    assert.equal((await h.post('/api/v2/alerts', '[]')).status, 200);
  });

  test('a batch with invalid alerts stores the valid ones and lists every refusal in a 400 string', async () => {
    const held = fingerprint({ alertname: 'Held' });
    await h.post('/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'Held' }, annotations: { v: '1' } }]));
    const heldBefore = h.store.get(held);
    const res = await h.post(
      '/api/v2/alerts',
      JSON.stringify([
        { labels: { alertname: 'Good' } },
        { labels: { alertname: 'Held', '0bad': 'x' }, annotations: { v: '2' } },
        { labels: { alertname: 'Held' }, startsAt: '2020-01-02T00:00:00Z', endsAt: '2020-01-01T00:00:00Z' },
        { labels: { only: '' } },
        { labels: { alertname: 'Held' }, annotations: { 'bad name': 'x' } },
      ]),
    );
    assert.equal(res.status, 400);
    assert.equal(res.type, 'application/json; charset=utf-8');
    assert.ok(res.text.endsWith('\n'));
    const message = JSON.parse(res.text) as string;
    assert.equal(
      message,
      'alert 1: invalid label set: invalid name "0bad" (want [a-zA-Z_][a-zA-Z0-9_]*); ' +
        'alert 2: start time must be before end time (startsAt 2020-01-02T00:00:00.000Z, endsAt 2020-01-01T00:00:00.000Z); ' +
        'alert 3: at least one label pair required; ' +
        'alert 4: invalid annotations: invalid name "bad name" (want [a-zA-Z_][a-zA-Z0-9_]*)',
    );
    assert.ok(h.store.get(fingerprint({ alertname: 'Good' })), 'the valid alert was stored');
    assert.equal(h.store.get(held), heldBefore, 'the held alert was not touched by the refused ones');
  });

  test('accepts field names in any case, as Go decodes them', async () => {
    assert.equal((await h.post('/api/v2/alerts', '[{"Labels":{"alertname":"Cased"},"ANNOTATIONS":{"a":"b"}}]')).status, 200);
    assert.deepEqual(h.store.get(fingerprint({ alertname: 'Cased' }))!.annotations, { a: 'b' });
  });

  test('merges a re-sent alert through the API: earliest start, newest annotations, explicit end', async () => {
    const labels = { alertname: 'Merge' };
    await h.post('/api/v2/alerts', JSON.stringify([{ labels, annotations: { v: 'old' }, startsAt: '2024-01-15T11:00:00Z' }]));
    await h.clock.advance(60_000);
    await h.post(
      '/api/v2/alerts',
      JSON.stringify([{ labels, annotations: { v: 'new' }, startsAt: '2024-01-15T11:30:00Z', endsAt: '2024-01-15T13:00:00Z' }]),
    );
    const a = h.store.get(fingerprint(labels))!;
    assert.equal(a.startsAtMs, Date.parse('2024-01-15T11:00:00Z'));
    assert.equal(a.endsAtMs, Date.parse('2024-01-15T13:00:00Z'));
    assert.deepEqual(a.annotations, { v: 'new' });
    assert.equal(a.timeout, false);
  });
});

describe('GET /api/v2/alerts', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.post(
      '/api/v2/alerts',
      JSON.stringify([
        { labels: { alertname: 'A', team: 'a', severity: 'page' }, annotations: { z: '1', a: '2' }, generatorURL: 'http://prom/graph' },
        { labels: { alertname: 'B', team: 'b' } },
        { labels: { alertname: 'C' } },
        { labels: { alertname: 'Resolved' }, startsAt: '2024-01-15T10:00:00Z', endsAt: '2024-01-15T11:00:00Z' },
      ]),
    );
    h.marker.setSilenced(fingerprint({ alertname: 'B', team: 'b' }), { activeIds: ['sil-1'], pendingIds: [], version: 1 });
    h.marker.setInhibited(fingerprint({ alertname: 'C' }), []);
  });
  after(() => h.close());

  const names = (list: unknown): string[] => (list as { labels: { alertname: string } }[]).map((a) => a.labels.alertname).sort();

  test('lists unresolved alerts as gettableAlert, sorted by fingerprint, times with milliseconds', async () => {
    const res = await h.get('/api/v2/alerts');
    assert.equal(res.status, 200);
    assert.equal(res.type, 'application/json; charset=utf-8');
    assert.ok(res.text.endsWith('\n'));
    const list = res.json() as { fingerprint: string; labels: { alertname: string } }[];
    assert.deepEqual(names(list), ['A', 'B', 'C']);
    assert.deepEqual(
      list.map((a) => a.fingerprint),
      list.map((a) => a.fingerprint).sort(),
    );
    const a = list.find((x) => x.labels.alertname === 'A')!;
    assert.deepEqual(a, {
      annotations: { a: '2', z: '1' },
      endsAt: NOW_PLUS_5M,
      fingerprint: fingerprint({ alertname: 'A', team: 'a', severity: 'page' }),
      receivers: [{ name: 'team-a' }, { name: 'pager' }],
      startsAt: NOW,
      status: { inhibitedBy: [], silencedBy: [], state: 'unprocessed' },
      updatedAt: NOW,
      generatorURL: 'http://prom/graph',
      labels: { alertname: 'A', severity: 'page', team: 'a' },
    });
    // Key order as Alertmanager writes it.
    assert.deepEqual(Object.keys(a), ['annotations', 'endsAt', 'fingerprint', 'receivers', 'startsAt', 'status', 'updatedAt', 'generatorURL', 'labels']);
    const c = list.find((x) => x.labels.alertname === 'C')!;
    assert.equal('generatorURL' in c, false, 'an empty generatorURL is left out');
  });

  test('filter takes repeated matchers with Alertmanager API semantics', async () => {
    assert.deepEqual(names((await h.get('/api/v2/alerts?filter=alertname%3D~%22A%7CB%22')).json()), ['A', 'B']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?filter=alertname%3D~%22A%7CB%22&filter=team!%3Db')).json()), ['A']);
    // An empty-valued matcher is skipped, not failed, where it cannot match: `team=""` for alerts
    // without the label, `team!=""` for alerts with it; elsewhere it applies as usual.
    assert.deepEqual(names((await h.get('/api/v2/alerts?filter=team%3D%22%22')).json()), ['C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?filter=team!%3D%22%22')).json()), ['A', 'B']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?filter=team%3D~%22%22')).json()), ['C']);
  });

  test('receiver filters by an anchored regex over the routed receivers', async () => {
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=team-.*')).json()), ['A', 'B']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=team')).json()), []);
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=default')).json()), ['C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=pager')).json()), ['A']);
  });

  test('state flags hide silenced and active alerts when false; unprocessed is ignored as in Alertmanager', async () => {
    assert.deepEqual(names((await h.get('/api/v2/alerts?silenced=false')).json()), ['A', 'C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?active=false')).json()), ['A', 'B']);
    // amtool sends unprocessed=false by default; Alertmanager never applies it, so neither do we.
    assert.deepEqual(names((await h.get('/api/v2/alerts?unprocessed=false')).json()), ['A', 'B', 'C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?active=no&unprocessed=0')).json()), ['A', 'B']);
    // Anything but go-openapi's true words reads as false; an empty value keeps the default.
    assert.deepEqual(names((await h.get('/api/v2/alerts?silenced=maybe&active=')).json()), ['A', 'C']);
    const b = (await h.get('/api/v2/alerts?filter=alertname%3DB')).json() as { status: unknown }[];
    assert.deepEqual(b[0]!.status, { inhibitedBy: [], silencedBy: ['sil-1'], state: 'suppressed' });
  });

  test('a repeated flag or receiver counts by its last value, and an empty receiver filters nothing, as go-openapi binds them', async () => {
    assert.deepEqual(names((await h.get('/api/v2/alerts?active=true&active=false')).json()), ['A', 'B']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?active=false&active=true')).json()), ['A', 'B', 'C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?silenced=false&silenced=')).json()), ['A', 'B', 'C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=default&receiver=team-.*')).json()), ['A', 'B']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=')).json()), ['A', 'B', 'C']);
    assert.deepEqual(names((await h.get('/api/v2/alerts?receiver=team-.*&receiver=')).json()), ['A', 'B', 'C']);
    assert.deepEqual((await h.get('/api/v2/alerts/groups?receiver=')).json(), (await h.get('/api/v2/alerts/groups')).json());
  });

  test('inhibited=false hides inhibited alerts', async () => {
    h.marker.setInhibited(fingerprint({ alertname: 'C' }), ['0123456789abcdef']);
    try {
      assert.deepEqual(names((await h.get('/api/v2/alerts?inhibited=false')).json()), ['A', 'B']);
    } finally {
      h.marker.setInhibited(fingerprint({ alertname: 'C' }), []);
    }
  });

  test('a bad filter or receiver regex is a 400 JSON string saying why', async () => {
    const bad = await h.get('/api/v2/alerts?filter=foo');
    assert.equal(bad.status, 400);
    assert.match(bad.json() as string, /bad matcher format: "foo"/);
    const badRe = await h.get('/api/v2/alerts/groups?receiver=(');
    assert.equal(badRe.status, 400);
    assert.equal(badRe.json(), 'failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`');
  });

  test('a listing larger than one write chunk arrives whole and in order', async () => {
    const h2 = await startHarness();
    try {
      const batch = Array.from({ length: 3000 }, (_, i) => ({ labels: { alertname: 'Many', i: String(i) }, annotations: { pad: 'p'.repeat(100) } }));
      assert.equal((await h2.post('/api/v2/alerts', JSON.stringify(batch))).status, 200);
      const res = await h2.get('/api/v2/alerts');
      assert.ok(res.text.length > 512 * 1024, `body of ${res.text.length} chars spans several chunks`);
      assert.ok(res.text.endsWith(']\n'));
      const list = res.json() as { fingerprint: string }[];
      assert.equal(list.length, 3000);
      assert.deepEqual(list.map((a) => a.fingerprint), batch.map((a) => fingerprint(a.labels)).sort());
      const groups = (await h2.get('/api/v2/alerts/groups')).json() as { alerts: unknown[] }[];
      assert.deepEqual(groups.map((g) => g.alerts.length), [3000]);
    } finally {
      await h2.close();
    }
  });

  test('alerts resolve out of the listing as time passes', async () => {
    const h2 = await startHarness({ resolveTimeoutMs: 60_000 });
    try {
      await h2.post('/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'Soon' } }]));
      assert.equal(((await h2.get('/api/v2/alerts')).json() as unknown[]).length, 1);
      await h2.clock.advance(60_001);
      assert.equal(((await h2.get('/api/v2/alerts')).json() as unknown[]).length, 0);
    } finally {
      await h2.close();
    }
  });

  test('an alert posted with endsAt at the Unix epoch, or "" (read as the epoch), has ended: it resolves a firing one and is not listed', async () => {
    const h2 = await startHarness();
    try {
      await h2.post('/api/v2/alerts', JSON.stringify([{ labels: { alertname: 'Firing' } }]));
      await h2.post(
        '/api/v2/alerts',
        JSON.stringify([
          { labels: { alertname: 'Epoch' }, endsAt: '1970-01-01T00:00:00Z' },
          { labels: { alertname: 'Empty' }, endsAt: '' },
          { labels: { alertname: 'Firing' }, endsAt: '' },
        ]),
      );
      assert.deepEqual((await h2.get('/api/v2/alerts')).json(), []);
      assert.deepEqual((await h2.get('/api/v2/alerts/groups')).json(), []);
      const held = [...h2.store.list()].map((a) => [a.labels.alertname, a.startsAtMs, a.endsAtMs]).sort();
      assert.deepEqual(held, [['Empty', 0, 0], ['Epoch', 0, 0], ['Firing', 0, 0]]);
    } finally {
      await h2.close();
    }
  });
});

describe('GET /api/v2/alerts/groups', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.post(
      '/api/v2/alerts',
      JSON.stringify([
        { labels: { alertname: 'X', team: 'a', instance: 'i2' } },
        { labels: { alertname: 'X', team: 'a', instance: 'i1', severity: 'page' } },
        { labels: { alertname: 'X', instance: 'i3' } },
        { labels: { alertname: 'W', team: 'b' } },
        { labels: { other: 'y' } },
      ]),
    );
  });
  after(() => h.close());

  test('lists groups sorted by labels then receiver, alerts by instance, receivers per alert', async () => {
    const groups = (await h.get('/api/v2/alerts/groups')).json() as {
      labels: Record<string, string>;
      receiver: { name: string };
      alerts: { labels: Record<string, string>; receivers: { name: string }[] }[];
    }[];
    assert.deepEqual(
      groups.map((g) => [g.labels, g.receiver.name, g.alerts.map((a) => a.labels.instance ?? a.labels.alertname ?? a.labels.other)]),
      [
        [{}, 'default', ['y']],
        [{ alertname: 'W' }, 'team-b', ['W']],
        [{ alertname: 'X' }, 'default', ['i3']],
        [{ alertname: 'X' }, 'pager', ['i1']],
        [{ alertname: 'X' }, 'team-a', ['i1', 'i2']],
      ],
    );
    assert.deepEqual(Object.keys(groups[0]!), ['alerts', 'labels', 'receiver']);
    // i1 sits in the pager and team-a groups: its receivers are both, sorted.
    assert.deepEqual(groups[4]!.alerts[0]!.receivers, [{ name: 'pager' }, { name: 'team-a' }]);
    assert.deepEqual(groups[4]!.alerts[1]!.receivers, [{ name: 'team-a' }]);
  });

  test('the receiver filter keeps matching groups only, and their receivers only', async () => {
    const groups = (await h.get('/api/v2/alerts/groups?receiver=team-a')).json() as {
      receiver: { name: string };
      alerts: { receivers: { name: string }[] }[];
    }[];
    assert.deepEqual(groups.map((g) => g.receiver.name), ['team-a']);
    // i1 is also in the pager group, but that group is filtered out, so only team-a is listed.
    assert.deepEqual(groups[0]!.alerts[0]!.receivers, [{ name: 'team-a' }]);
  });

  test('filters drop alerts and then empty groups', async () => {
    const groups = (await h.get('/api/v2/alerts/groups?filter=instance%3D~%22i1%7Ci2%22')).json() as {
      receiver: { name: string };
      alerts: unknown[];
    }[];
    assert.deepEqual(groups.map((g) => [g.receiver.name, g.alerts.length]), [['pager', 1], ['team-a', 2]]);
  });
});

describe('status, receivers, health and reload', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('GET /api/v2/status lists this instance as the one peer, with config, uptime and version', async () => {
    await h.clock.advance(1234);
    const res = await h.get('/api/v2/status');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {
      cluster: { name: 'node-1', peers: [{ address: '127.0.0.1:9094', name: 'node-1' }], status: 'disabled' },
      config: { original: 'route:\n  receiver: default\n' },
      uptime: NOW,
      versionInfo: {
        branch: 'main',
        buildDate: '20240115-12:00:00',
        buildUser: 'test@host',
        goVersion: 'node20',
        revision: 'abc123',
        version: '0.1.0',
      },
    });
  });

  test('GET /api/v2/receivers follows the live config', async () => {
    assert.deepEqual((await h.get('/api/v2/receivers')).json(), [
      { name: 'default' },
      { name: 'team-a' },
      { name: 'team-b' },
      { name: 'pager' },
    ]);
    h.setConfig({ original: '', global: { resolveTimeoutMs: 1000 }, receivers: [{ name: 'only' }] });
    assert.deepEqual((await h.get('/api/v2/receivers')).json(), [{ name: 'only' }]);
  });

  test('/-/healthy and /-/ready answer OK to GET and HEAD', async () => {
    for (const path of ['/-/healthy', '/-/ready']) {
      const res = await h.get(path);
      assert.equal(res.status, 200);
      assert.equal(res.text, 'OK');
      assert.equal(res.type, 'text/plain; charset=utf-8');
      const head = await fetch(h.url + path, { method: 'HEAD' });
      assert.equal(head.status, 200);
    }
  });

  test('/-/ paths answer OPTIONS with 200 and Allow, other methods with 405 and the same Allow, as Alertmanager\'s router', async () => {
    for (const [path, allow] of [['/-/healthy', 'GET, HEAD, OPTIONS'], ['/-/ready', 'GET, HEAD, OPTIONS'], ['/-/reload', 'OPTIONS, POST']] as const) {
      const options = await fetch(h.url + path, { method: 'OPTIONS' });
      assert.deepEqual([options.status, options.headers.get('allow'), await options.text()], [200, allow, ''], path);
      const put = await fetch(h.url + path, { method: 'PUT' });
      assert.deepEqual([put.status, put.headers.get('allow'), await put.text()], [405, allow, 'Method Not Allowed\n'], path);
    }
    const head = await fetch(h.url + '/-/reload', { method: 'HEAD' });
    assert.deepEqual([head.status, head.headers.get('allow')], [405, 'OPTIONS, POST']);
  });

  test('POST /-/reload answers 200 on success and 500 with the reason on failure', async () => {
    let calls = 0;
    h.reloadWith(async () => {
      calls++;
    });
    const ok = await h.post('/-/reload', '', '');
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '');
    assert.equal(calls, 1);
    h.reloadWith(async () => {
      throw new Error('route "x": receiver "nope" does not exist');
    });
    const failed = await h.post('/-/reload', '', '');
    assert.equal(failed.status, 500);
    assert.equal(failed.type, 'text/plain; charset=utf-8');
    assert.equal(failed.text, 'failed to reload config: route "x": receiver "nope" does not exist\n');
    const get = await h.get('/-/reload');
    assert.equal(get.status, 405);
  });

  test('unknown API paths are 404 and wrong methods 405, in OpenAPI error shape', async () => {
    const missing = await h.get('/api/v2/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '{"code":404,"message":"path /api/v2/nope was not found"}');
    const res = await fetch(h.url + '/api/v2/status', { method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET');
    assert.equal(await res.text(), '{"code":405,"message":"method PUT is not allowed, but [GET] are"}');
    const del = await fetch(h.url + '/api/v2/alerts', { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'POST,GET');
    // Methods joined with commas, as Alertmanager 0.25 says it (not Go's `[POST GET]` slice print).
    assert.equal(await del.text(), '{"code":405,"message":"method DELETE is not allowed, but [POST,GET] are"}');
    assert.equal((await h.get('/elsewhere')).text, '404 page not found\n');
  });

  test('HEAD on API v2 paths is refused with 405, as Alertmanager (its API has no HEAD operations)', async () => {
    for (const [path, allow] of [['/api/v2/alerts', 'POST,GET'], ['/api/v2/alerts/groups', 'GET'], ['/api/v2/status', 'GET'], ['/api/v2/receivers', 'GET']] as const) {
      const head = await fetch(h.url + path, { method: 'HEAD' });
      assert.deepEqual([head.status, head.headers.get('allow')], [405, allow], path);
    }
  });

  test('answers CORS requests from any origin', async () => {
    const res = await fetch(h.url + '/api/v2/receivers', { headers: { origin: 'http://ui.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    const plain = await fetch(h.url + '/api/v2/receivers');
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
  });
});

describe('limits, extensions and API v1', () => {
  test('a body over the limit is refused with 413 before it is parsed', async () => {
    const h = await startHarness({ maxBodyBytes: 1024 });
    try {
      const big = JSON.stringify([{ labels: { alertname: 'Big', pad: 'x'.repeat(2000) } }]);
      const res = await h.post('/api/v2/alerts', big);
      assert.equal(res.status, 413);
      assert.deepEqual(JSON.parse(res.text), { code: 413, message: 'request body larger than the limit of 1024 bytes' });
      assert.equal(h.store.size, 0);
    } finally {
      await h.close();
    }
  });

  test('a body that does not inflate as its Content-Encoding says is a 400, not a 500; one that does is read', async () => {
    const h = await startHarness();
    try {
      const body = JSON.stringify([{ labels: { alertname: 'Zipped' } }]);
      const post = (data: string | Buffer) =>
        fetch(h.url + '/api/v2/alerts', { method: 'POST', body: data, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      const plain = await post(body);
      assert.equal(plain.status, 400);
      assert.deepEqual(await plain.json(), { code: 400, message: 'reading request body failed: incorrect header check' });
      assert.equal((await post(gzipSync(body))).status, 200);
      assert.deepEqual([...h.store.list()].map((a) => a.labels.alertname), ['Zipped']);
    } finally {
      await h.close();
    }
  });

  test('extendV2 adds operations ahead of the 404 fallback, with the same error shapes', async () => {
    const h = await startHarness({
      extendV2: (router) => {
        router.get('/silences', (_req, res) => {
          res.json([]);
        });
      },
    });
    try {
      const res = await h.get('/api/v2/silences');
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), []);
      assert.equal((await h.get('/api/v2/silence/x')).status, 404);
    } finally {
      await h.close();
    }
  });

  test('API v1 paths answer 410 Gone with Alertmanager 0.27\'s deprecation notice', async () => {
    const h = await startHarness();
    try {
      for (const path of ['/api/v1/alerts', '/api/v1/status', '/api/v1/silence/abc']) {
        const res = await h.get(path);
        assert.equal(res.status, 410, path);
        assert.deepEqual(Object.keys(res.json() as object), ['status', 'error']);
        assert.match((res.json() as { error: string }).error, /v1 API was deprecated .* please use the equivalent route in the v2 API/);
      }
      assert.equal((await h.post('/api/v1/alerts', '[{"labels":{"a":"b"}}]')).status, 410);
      assert.equal(h.store.size, 0);
    } finally {
      await h.close();
    }
  });
});

describe('route prefix', () => {
  test('serves everything under the prefix and redirects / to it', async () => {
    const h = await startHarness({ routePrefix: '/am' });
    try {
      assert.equal((await h.get('/am/api/v2/receivers')).status, 200);
      assert.equal((await h.get('/am/-/healthy')).text, 'OK');
      assert.equal((await h.post('/am/api/v2/alerts', '[{"labels":{"a":"b"}}]')).status, 200);
      assert.equal((await h.get('/api/v2/receivers')).status, 404);
      const root = await fetch(h.url + '/', { redirect: 'manual' });
      assert.equal(root.status, 302);
      assert.equal(root.headers.get('location'), '/am');
    } finally {
      await h.close();
    }
  });
});

describe('resolveWebUrls', () => {
  const cases: { externalUrl: string; routePrefix: string; listenAddress: string; want: { externalUrl: string; routePrefix: string } }[] = [
    { externalUrl: '', routePrefix: '', listenAddress: ':9093', want: { externalUrl: 'http://box:9093', routePrefix: '/' } },
    { externalUrl: '', routePrefix: '', listenAddress: '0.0.0.0:19093', want: { externalUrl: 'http://box:19093', routePrefix: '/' } },
    { externalUrl: 'https://alerts.example.com/am/', routePrefix: '', listenAddress: ':9093', want: { externalUrl: 'https://alerts.example.com/am', routePrefix: '/am' } },
    { externalUrl: 'http://x:1/a/b', routePrefix: 'inner/', listenAddress: ':9093', want: { externalUrl: 'http://x:1/a/b', routePrefix: '/inner' } },
    { externalUrl: 'http://x', routePrefix: '/', listenAddress: ':9093', want: { externalUrl: 'http://x', routePrefix: '/' } },
    // Go's URL.String(), as Alertmanager prints it: host case, user info, default port, fragment kept.
    { externalUrl: 'HTTP://u:p@AM.Example:80/a b/?q=1#f', routePrefix: '/', listenAddress: ':9093', want: { externalUrl: 'http://u:p@AM.Example:80/a%20b?q=1#f', routePrefix: '/' } },
    { externalUrl: 'https://x/a%2Fb', routePrefix: '/', listenAddress: ':9093', want: { externalUrl: 'https://x/a%2Fb', routePrefix: '/' } },
    // The default prefix is Go's decoded URL.Path: Alertmanager 0.25 serves this one under /a/b/c d.
    { externalUrl: 'https://x/a%2Fb/c%20d', routePrefix: '', listenAddress: ':9093', want: { externalUrl: 'https://x/a%2Fb/c%20d', routePrefix: '/a/b/c%20d' } },
  ];
  for (const c of cases) {
    test(`external ${JSON.stringify(c.externalUrl)}, prefix ${JSON.stringify(c.routePrefix)}, listen ${c.listenAddress}`, () => {
      assert.deepEqual(resolveWebUrls({ ...c, hostname: 'box' }), c.want);
    });
  }

  test('refuses a non-HTTP scheme and a listen address without port, saying what it wants', () => {
    assert.throws(() => resolveWebUrls({ externalUrl: 'ftp://x/', routePrefix: '', listenAddress: ':9093', hostname: 'h' }), (err: Error) => {
      assert.ok(err instanceof WebUrlError);
      assert.match(err.message, /invalid "ftp" scheme, only 'http' and 'https' are supported/);
      return true;
    });
    assert.throws(() => resolveWebUrls({ externalUrl: '', routePrefix: '', listenAddress: 'localhost', hostname: 'h' }), /no port \(want host:port or :port\)/);
  });
});
