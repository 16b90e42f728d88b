import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intervalContains, parseTimeInterval } from '../../src/timeinterval/timeinterval.js';

// `location: Local` means the daemon's own zone. node:test runs each file in its own process,
// so pinning TZ here (Node applies it immediately) affects only this file.
process.env.TZ = 'Asia/Kolkata';

test('intervalContains: location Local uses the process time zone (TZ)', () => {
  assert.equal(new Date(Date.parse('2024-06-01T03:30:00Z')).getHours(), 9, 'TZ did not take effect');
  const local = parseTimeInterval({ times: [{ start_time: '09:00', end_time: '10:00' }], location: 'Local' });
  const utc = parseTimeInterval({ times: [{ start_time: '09:00', end_time: '10:00' }] });
  assert.equal(intervalContains(local, Date.parse('2024-06-01T03:30:00Z')), true);
  assert.equal(intervalContains(local, Date.parse('2024-06-01T04:29:59.999Z')), true);
  assert.equal(intervalContains(local, Date.parse('2024-06-01T04:30:00Z')), false);
  assert.equal(intervalContains(local, Date.parse('2024-06-01T09:00:00Z')), false);
  // Without a location Alertmanager evaluates in UTC, whatever the process zone.
  assert.equal(intervalContains(utc, Date.parse('2024-06-01T09:00:00Z')), true);
  assert.equal(intervalContains(utc, Date.parse('2024-06-01T03:30:00Z')), false);
});
