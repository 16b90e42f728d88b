// decodePostableAlerts answers common bodies on a fast path that keeps the parsed label sets and
// everything else on the general (schema) path. The two must never disagree: each random body is
// decoded as is and with a harmless lone surrogate in an ignored field, which forces the general
// path; results and refusals (status and message) must be identical.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePostableAlerts, prepareAlerts } from '../../../src/api/v2/postable.js';
import { ApiError } from '../../../src/api/errors.js';
import { seededRandom, type Random } from '../../support/random.js';

type Outcome = { ok: unknown } | { status: number; message: string };

function outcome(text: string): Outcome {
  try {
    const decoded = decodePostableAlerts(text);
    const prepared = prepareAlerts(decoded, { nowMs: Date.UTC(2024, 0, 15, 12), resolveTimeoutMs: 300_000 });
    return { ok: { decoded, prepared } };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.status, message: err.message };
  }
}

/** The same body with `"_ignored": "\ud800"` on its first object item (forces the general path). */
function viaGeneralPath(raw: unknown): string | undefined {
  if (!Array.isArray(raw)) return undefined;
  const i = raw.findIndex((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
  if (i < 0) return undefined;
  const copy = [...raw];
  copy[i] = { ...(raw[i] as object), _ignored: '\ud800' };
  return JSON.stringify(copy);
}

function randomValue(rng: Random): unknown {
  return rng.pick([1, true, null, [], ['a'], {}, { a: 1 }, 'x', '']);
}

function randomLabels(rng: Random, okChance: number): unknown {
  if (!rng.chance(okChance)) return rng.pick([undefined, null, randomValue(rng), { a: 1 }, { a: 'b', c: null }, ['x']]);
  const out: Record<string, string> = {};
  for (let n = rng.int(5); n > 0; n--) {
    const name = rng.pick(['alertname', 'team', 'job', 'instance', '0bad', 'a-b', '_x', 'ü', 'env']);
    out[name] = rng.pick(['', 'a', 'prod', 'host:9100', 'x y', '"q"', 'é', '😀']);
  }
  return out;
}

function randomTime(rng: Random): unknown {
  return rng.pick([
    undefined,
    null,
    '2024-01-15T11:00:00Z',
    '2024-01-15T13:00:00.123+02:00',
    '0001-01-01T00:00:00Z',
    '',
    'garbage',
    '2024-02-30T00:00:00Z',
    '2024-01-15 11:00:00',
    5,
  ]);
}

function randomItem(rng: Random): unknown {
  if (rng.chance(0.03)) return randomValue(rng);
  const item: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) item[key] = value;
  };
  set(rng.chance(0.05) ? 'Labels' : 'labels', randomLabels(rng, 0.9));
  if (rng.chance(0.6)) set(rng.chance(0.05) ? 'ANNOTATIONS' : 'annotations', randomLabels(rng, 0.9));
  if (rng.chance(0.6)) set('startsAt', randomTime(rng));
  if (rng.chance(0.6)) set(rng.chance(0.03) ? 'endsat' : 'endsAt', randomTime(rng));
  if (rng.chance(0.6)) set('generatorURL', rng.pick(['http://prom/graph?g0.expr=up', '/graph', 'no scheme', 'http://[::1', null, 3, '']));
  if (rng.chance(0.1)) set('unknown', randomValue(rng));
  return item;
}

describe('decodePostableAlerts: fast and general path agree', () => {
  test('on random bodies (valid, invalid alerts, bad types, odd key spellings, bad times and URIs)', () => {
    const rng = seededRandom(23);
    let fastAnswered = 0;
    for (let n = 0; n < 4000; n++) {
      const raw = rng.chance(0.02) ? randomValue(rng) : Array.from({ length: 1 + rng.int(4) }, () => randomItem(rng));
      const text = JSON.stringify(raw);
      const general = viaGeneralPath(raw);
      if (general === undefined) continue;
      const got = outcome(text);
      assert.deepEqual(got, outcome(general), text);
      if ('ok' in got) fastAnswered++;
    }
    assert.ok(fastAnswered > 500, `only ${fastAnswered} bodies were accepted; the generator tests too little of the fast path`);
  });

  test('a label set with an empty value, times, annotations and URL decode as Alertmanager reads them', () => {
    const [a] = decodePostableAlerts(
      '[{"labels":{"alertname":"A","gone":""},"annotations":{"s":"x"},"startsAt":"2024-01-15T11:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://p/g"}]',
    );
    assert.deepEqual(a, {
      labels: { alertname: 'A', gone: '' },
      annotations: { s: 'x' },
      startsAtMs: Date.UTC(2024, 0, 15, 11),
      endsAtMs: undefined,
      generatorURL: 'http://p/g',
    });
    assert.deepEqual(decodePostableAlerts('null'), []);
  });

  test('a null label or annotation value reads as "" (Go leaves the string at its zero value): the label is dropped, the annotation kept', () => {
    const decoded = decodePostableAlerts('[{"labels":{"alertname":"A","gone":null},"annotations":{"s":null}}]');
    assert.deepEqual(decoded[0]!.labels, { alertname: 'A', gone: '' });
    assert.deepEqual(decoded[0]!.annotations, { s: '' });
    const { valid, errors } = prepareAlerts(decoded, { nowMs: Date.UTC(2024, 0, 15, 12), resolveTimeoutMs: 300_000 });
    assert.deepEqual(errors, []);
    assert.deepEqual([valid[0]!.labels, valid[0]!.annotations], [{ alertname: 'A' }, { s: '' }]);
  });

  test('a lone surrogate is repaired to U+FFFD as Go decodes it', () => {
    const [a] = decodePostableAlerts('[{"labels":{"alertname":"x\\udcff"}}]');
    assert.equal(a!.labels.alertname, 'x\ufffd');
  });
});
