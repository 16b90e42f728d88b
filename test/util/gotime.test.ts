import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatApiTime, formatGoTime, GO_ZERO_TIME, GO_ZERO_TIME_MS } from '../../src/util/gotime.js';

test('formatApiTime: strfmt layout with three fraction digits, repeated calls alike', () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(formatApiTime(Date.UTC(2024, 0, 15, 12, 0, 0, 5)), '2024-01-15T12:00:00.005Z');
    assert.equal(formatApiTime(0), '1970-01-01T00:00:00.000Z');
    assert.equal(formatApiTime(GO_ZERO_TIME_MS), '0001-01-01T00:00:00.000Z');
    assert.equal(formatApiTime(-62_167_219_200_000), '0000-01-01T00:00:00.000Z');
    assert.equal(formatApiTime(253_402_300_799_999), '9999-12-31T23:59:59.999Z');
  }
});

test('formatApiTime: many distinct times (more than it remembers) print correctly', () => {
  const base = Date.UTC(2030, 5, 1);
  for (let i = 0; i < 10_000; i += 7) assert.equal(formatApiTime(base + i * 1013), new Date(base + i * 1013).toISOString());
});

test('formatGoTime: trailing fraction zeros trimmed', () => {
  assert.equal(formatGoTime(Date.UTC(2024, 0, 15, 12, 0, 0, 500)), '2024-01-15T12:00:00.5Z');
  assert.equal(formatGoTime(GO_ZERO_TIME_MS), GO_ZERO_TIME);
});
