// Differential test over HTTP: the same silence requests to the real Alertmanager 0.25 and to
// our routes; status codes must agree, and bodies too (IDs and times normalized) except where
// noted: our JSON/type error messages are our own words, and DELETE of an unknown silence
// answers 404 as Alertmanager 0.26+ does (0.25: 500).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../src/util/clock.js';
import { startSilenceApi } from '../silence/http.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const API_TIME = /"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/g;

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

interface Step {
  readonly name: string;
  readonly method: string;
  /** Path; `{ID<n>}` is replaced by the n-th silence ID that side handed out. */
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** Compare only the status (and the `code` of an OpenAPI error) — the message is ours. */
  readonly statusOnly?: boolean;
}

// Each body ends a second after the previous one: Alertmanager orders equal end times
// arbitrarily (Go's unstable sort), so the listings compared must have none.
let bodies = 0;

function silenceBody(fields: Record<string, unknown> = {}): string {
  const now = Date.now();
  return JSON.stringify({
    matchers: [{ name: 'alertname', value: 'Disk', isRegex: false }],
    startsAt: iso(now - HOUR),
    endsAt: iso(now + HOUR + ++bodies * 1000),
    createdBy: 'ops',
    comment: 'c',
    ...fields,
  });
}

const UNKNOWN = '2093d3e6-562b-43d7-957a-2bd9294d8800';

function steps(): Step[] {
  const now = Date.now();
  return [
    { name: 'create', method: 'POST', path: '/api/v2/silences', body: silenceBody() },
    { name: 'create pending', method: 'POST', path: '/api/v2/silences', body: silenceBody({ startsAt: iso(now + 2 * HOUR), endsAt: iso(now + 3 * HOUR), comment: 'later' }) },
    { name: 'create negative', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'job', value: 'x', isRegex: false, isEqual: false }, { name: 'env', value: 'dev|test', isRegex: true, isEqual: false }] }) },
    { name: 'get one', method: 'GET', path: '/api/v2/silence/{ID1}' },
    { name: 'get unknown', method: 'GET', path: `/api/v2/silence/${UNKNOWN}` },
    { name: 'get uppercase unknown', method: 'GET', path: `/api/v2/silence/${UNKNOWN.toUpperCase()}` },
    { name: 'get not a uuid', method: 'GET', path: '/api/v2/silence/nope' },
    { name: 'list', method: 'GET', path: '/api/v2/silences' },
    { name: 'filter', method: 'GET', path: '/api/v2/silences?filter=alertname%3D%22Disk%22' },
    { name: 'filter two', method: 'GET', path: '/api/v2/silences?filter=job!%3Dx&filter=env!~%22dev%7Ctest%22' },
    { name: 'filter nothing', method: 'GET', path: '/api/v2/silences?filter=alertname%3D' },
    { name: 'update in place', method: 'POST', path: '/api/v2/silences', body: '' /* filled below */ },
    { name: 'update unknown id', method: 'POST', path: '/api/v2/silences', body: silenceBody({ id: UNKNOWN }) },
    { name: 'replace by changing matchers', method: 'POST', path: '/api/v2/silences', body: '' /* filled below */ },
    { name: 'expire active', method: 'DELETE', path: '/api/v2/silence/{ID3}' },
    { name: 'expire again', method: 'DELETE', path: '/api/v2/silence/{ID3}' },
    { name: 'list active, pending and expired', method: 'GET', path: '/api/v2/silences' },
    { name: 'expire pending', method: 'DELETE', path: '/api/v2/silence/{ID2}' },
    { name: 'expire not a uuid', method: 'DELETE', path: '/api/v2/silence/nope' },
    { name: 'list after', method: 'GET', path: '/api/v2/silences' },
    { name: 'no matchers', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [] }) },
    { name: 'matchers null', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: null }) },
    { name: 'all match empty', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'a', value: '', isRegex: false }] }) },
    { name: 'regex matches empty', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'a', value: 'x|', isRegex: true }] }) },
    { name: 'negative alone', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'a', value: '', isRegex: false, isEqual: false }] }) },
    { name: 'bad regex', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'a', value: '(', isRegex: true }] }) },
    { name: 'bad name', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'a-b', value: 'x', isRegex: false }] }) },
    { name: 'empty name', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: '', value: 'x', isRegex: false }] }) },
    { name: 'no comment', method: 'POST', path: '/api/v2/silences', body: silenceBody({ comment: undefined }) },
    { name: 'nothing', method: 'POST', path: '/api/v2/silences', body: '{}' },
    { name: 'null body', method: 'POST', path: '/api/v2/silences', body: 'null' },
    { name: 'empty body', method: 'POST', path: '/api/v2/silences', body: '' },
    { name: 'no isRegex', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ name: 'a', value: 'b' }] }) },
    { name: 'no name', method: 'POST', path: '/api/v2/silences', body: silenceBody({ matchers: [{ value: 'b', isRegex: false }] }) },
    { name: 'no startsAt', method: 'POST', path: '/api/v2/silences', body: silenceBody({ startsAt: undefined }) },
    { name: 'empty startsAt is the epoch, moved to now', method: 'POST', path: '/api/v2/silences', body: silenceBody({ startsAt: '' }) },
    { name: 'start equals end', method: 'POST', path: '/api/v2/silences', body: silenceBody({ startsAt: iso(now + HOUR) }) },
    { name: 'end in the past', method: 'POST', path: '/api/v2/silences', body: silenceBody({ startsAt: iso(now - 2 * HOUR), endsAt: iso(now - HOUR) }) },
    { name: 'capitalized keys', method: 'POST', path: '/api/v2/silences', body: JSON.stringify({ Matchers: [{ Name: 'a', Value: 'x', IsRegex: false }], StartsAt: iso(now), EndsAt: iso(now + 2 * HOUR), CreatedBy: 'x', Comment: '' }) },
    { name: 'not JSON', method: 'POST', path: '/api/v2/silences', body: 'nonsense', statusOnly: true },
    { name: 'array', method: 'POST', path: '/api/v2/silences', body: '[]', statusOnly: true },
    { name: 'wrong type', method: 'POST', path: '/api/v2/silences', body: silenceBody({ createdBy: 5 }), statusOnly: true },
    { name: 'bad time', method: 'POST', path: '/api/v2/silences', body: silenceBody({ startsAt: 'bad' }), statusOnly: true },
    { name: 'text/plain', method: 'POST', path: '/api/v2/silences', body: silenceBody(), contentType: 'text/plain' },
    { name: 'PUT', method: 'PUT', path: '/api/v2/silences' },
    { name: 'PUT one', method: 'PUT', path: `/api/v2/silence/${UNKNOWN}` },
    { name: 'final list', method: 'GET', path: '/api/v2/silences' },
  ];
}

test('silence API: our routes answer like Alertmanager 0.25 (status, body, headers that matter)', async (t) => {
  const binary = requireOracle('alertmanager');
  if (!binary) return t.skip(missingOracleReason('alertmanager'));
  const am = await startAlertmanager(t, binary, 'route:\n  receiver: default\nreceivers:\n  - name: default\n');
  const ours = await startSilenceApi(t, systemClock);
  const sides = [
    { name: 'alertmanager', url: `http://${am.address}`, ids: [] as string[] },
    { name: 'alertrouter', url: ours.url, ids: [] as string[] },
  ];
  const all = steps();
  for (const step of all) {
    const results = [];
    for (const side of sides) {
      let body = step.body;
      // Steps whose body needs this side's IDs.
      if (step.name === 'update in place') {
        const current = (await (await fetch(`${side.url}/api/v2/silence/${side.ids[0]}`)).json()) as { startsAt: string };
        body = silenceBody({ id: side.ids[0], startsAt: current.startsAt, endsAt: iso(Date.now() + 5 * HOUR), comment: 'longer' });
      }
      if (step.name === 'replace by changing matchers') body = silenceBody({ id: side.ids[0], matchers: [{ name: 'alertname', value: 'Cpu', isRegex: false }] });
      const path = step.path.replace(/\{ID(\d+)\}/g, (_m, n: string) => side.ids[Number(n) - 1]!);
      const res = await fetch(side.url + path, {
        method: step.method,
        headers: body === undefined ? {} : { 'content-type': step.contentType ?? 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      const normalized = text
        .replace(UUID, (id) => {
          if (!side.ids.includes(id)) side.ids.push(id);
          return `ID${side.ids.indexOf(id) + 1}`;
        })
        .replace(API_TIME, '"<TIME>"');
      results.push({
        status: res.status,
        allow: res.headers.get('allow')?.split(',').sort().join(','),
        // Alertmanager lists the allowed methods in map order, which varies.
        message405: res.status === 405 ? text.replace(/\[([A-Z,]+)\]/, (_m, list: string) => `[${list.split(',').sort().join(',')}]`) : undefined,
        contentType: text === '' ? null : res.headers.get('content-type')?.split(';')[0],
        body: step.statusOnly ? (JSON.parse(text) as { code: number }).code : res.status === 405 ? undefined : normalized,
      });
    }
    assert.deepEqual(results[1], results[0], `step "${step.name}": ${step.method} ${step.path}`);
  }
  assert.ok(sides[1]!.ids.length >= 5);
});

test('silence API: DELETE of an unknown silence is 404 here, 500 "silence not found" in Alertmanager 0.25', async (t) => {
  const binary = requireOracle('alertmanager');
  if (!binary) return t.skip(missingOracleReason('alertmanager'));
  const am = await startAlertmanager(t, binary, 'route:\n  receiver: default\nreceivers:\n  - name: default\n');
  const ours = await startSilenceApi(t, systemClock);
  const a = await fetch(`http://${am.address}/api/v2/silence/${UNKNOWN}`, { method: 'DELETE' });
  assert.deepEqual([a.status, await a.text()], [500, '"silence not found"\n']);
  const b = await ours.request('DELETE', `/api/v2/silence/${UNKNOWN}`);
  assert.deepEqual([b.status, b.text], [404, '']);
});
