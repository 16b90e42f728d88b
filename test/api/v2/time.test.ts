import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiTimeError, parseApiTime } from '../../../src/api/v2/time.js';
import { isRequestUri } from '../../../src/api/v2/uri.js';
import { formatApiTime, formatGoTime, GO_ZERO_TIME, GO_ZERO_TIME_MS } from '../../../src/util/gotime.js';

// Inputs and the instants Alertmanager 0.25 stored for them (checked by posting each to it).
const accepted: [string, string][] = [
  ['2020-01-01T00:00:00Z', '2020-01-01T00:00:00.000Z'],
  ['2020-01-01T00:00:00.123456789+02:00', '2019-12-31T22:00:00.123Z'],
  ['2020-01-01T00:00:00.1234567891Z', '2020-01-01T00:00:00.123Z'],
  ['2020-01-01T00:00:00.999Z', '2020-01-01T00:00:00.999Z'],
  ['2020-01-01T00:00:00.5-01:30', '2020-01-01T01:30:00.500Z'],
  ['2020-01-01T00:00:00.123+0200', '2019-12-31T22:00:00.123Z'],
  ['2020-01-01T00:00:00.123456Z', '2020-01-01T00:00:00.123Z'],
  ['2020-01-01T00:00:00', '2020-01-01T00:00:00.000Z'],
  ['2020-01-01T00:00Z', '2020-01-01T00:00:00.000Z'],
  ['2020-01-01T00:00', '2020-01-01T00:00:00.000Z'],
  ['2020-01-01 00:00:00', '2020-01-01T00:00:00.000Z'],
  ['2020-01-01T7:05:09Z', '2020-01-01T07:05:09.000Z'],
  ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  // A comma before the fraction (Go 1.17+), in every layout that takes a fraction.
  ['2024-01-01T00:00:00,5Z', '2024-01-01T00:00:00.500Z'],
  ['2024-01-01T00:00:00,123+0200', '2023-12-31T22:00:00.123Z'],
  ['2024-01-01T00:00:00,1234', '2024-01-01T00:00:00.123Z'],
  ['2024-01-01 00:00:00,5', '2024-01-01T00:00:00.500Z'],
  // Go 1.19 does not range-check a zone offset.
  ['2024-01-01T00:00:00+24:00', '2023-12-31T00:00:00.000Z'],
  ['2024-01-01T00:00:00-24:30', '2024-01-02T00:30:00.000Z'],
  ['2024-01-01T00:00:00+23:60', '2023-12-31T00:00:00.000Z'],
  ['2024-01-01T00:00:00.500-2500', '2024-01-02T01:00:00.500Z'],
];

for (const [input, iso] of accepted) {
  test(`parseApiTime accepts ${JSON.stringify(input)}`, () => {
    assert.equal(formatApiTime(parseApiTime(input)), iso);
  });
}

const refused = [
  'garbage',
  '2020-01-01',
  '2020-01-01T00:00:00z',
  '2020-13-01T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2020-01-01T24:00:00Z',
  '2020-01-01T00:60:00Z',
  '2020-01-01T00:00:00+0200',
  '2020-01-01T00:00:00.12+0200',
  '20-01-01T00:00:00Z',
  '2020-01-01T00:00:00,Z',
  // 100 hours or more: Alertmanager's validation refuses it (422 there; a 400 here).
  '2020-01-01T00:00:00+99:99',
];
for (const input of refused) {
  test(`parseApiTime refuses ${JSON.stringify(input)} saying what it wants`, () => {
    assert.throws(() => parseApiTime(input), (err: unknown) => {
      assert.ok(err instanceof ApiTimeError);
      assert.equal(err.code, 'bad_time');
      assert.match(err.message, /cannot parse .* as a date-time \(want RFC 3339/);
      return true;
    });
  });
}

test('parseApiTime: the empty string is the Unix epoch (strfmt quirk), Go zero time its own instant', () => {
  assert.equal(parseApiTime(''), 0);
  assert.equal(parseApiTime(GO_ZERO_TIME), GO_ZERO_TIME_MS);
  assert.equal(formatApiTime(GO_ZERO_TIME_MS), '0001-01-01T00:00:00.000Z');
});

test('formatGoTime trims fraction zeros as Go RFC3339Nano does', () => {
  assert.equal(formatGoTime(Date.parse('2020-01-01T00:00:00Z')), '2020-01-01T00:00:00Z');
  assert.equal(formatGoTime(Date.parse('2020-01-01T00:00:00.100Z')), '2020-01-01T00:00:00.1Z');
  assert.equal(formatGoTime(Date.parse('2020-01-01T00:00:00.123Z')), '2020-01-01T00:00:00.123Z');
  assert.equal(formatGoTime(GO_ZERO_TIME_MS), GO_ZERO_TIME);
});

// generatorURL values and whether Alertmanager 0.25 took them (422 otherwise).
const uris: [string, boolean][] = [
  ['', true],
  ['http://x', true],
  ['https://prom.example:9090/graph?g0.expr=up%20%3D%3D%200&g0.tab=1', true],
  ['/path', true],
  ['mailto:x', true],
  ['http://[::1]:9090/x', true],
  ['http://user:pass@host/x', true],
  ['foo', false],
  ['http://a b', false],
  ['%zz', false],
  ['http://[::1', false],
  ['http://host:port/', false],
  ['http://x/\u0001', false],
  [':nope', false],
];
for (const [uri, ok] of uris) {
  test(`isRequestUri(${JSON.stringify(uri)}) is ${ok}`, () => {
    assert.equal(isRequestUri(uri), ok);
  });
}
