// prepareAlerts counts every alert of a body as firing or resolved, valid or not, the way
// Alertmanager's alertmanager_alerts_received_total does (invalid ones are counted apart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePostableAlerts, prepareAlerts } from '../../../src/api/v2/postable.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

test('prepareAlerts: firing and resolved counts cover valid and invalid alerts alike', () => {
  const body = JSON.stringify([
    { labels: { alertname: 'NoEnd' } },
    { labels: { alertname: 'Future' }, endsAt: '2024-01-15T13:00:00Z' },
    { labels: { alertname: 'Past' }, startsAt: '2024-01-15T10:00:00Z', endsAt: '2024-01-15T11:00:00Z' },
    { labels: { '0bad': 'x' }, endsAt: '2024-01-15T13:00:00Z' },
    { labels: {}, startsAt: '2024-01-15T10:00:00Z', endsAt: '2024-01-15T11:00:00Z' },
  ]);
  const prepared = prepareAlerts(decodePostableAlerts(body), { nowMs: NOW, resolveTimeoutMs: 5 * 60_000 });
  assert.equal(prepared.valid.length, 3);
  assert.equal(prepared.errors.length, 2);
  assert.equal(prepared.firing, 3, 'NoEnd (now + resolve_timeout), Future and the invalid future one');
  assert.equal(prepared.resolved, 2, 'Past and the invalid past one');
});

test('prepareAlerts: an alert ending exactly now counts as resolved', () => {
  const body = JSON.stringify([{ labels: { alertname: 'A' }, startsAt: '2024-01-15T11:00:00Z', endsAt: '2024-01-15T12:00:00Z' }]);
  const prepared = prepareAlerts(decodePostableAlerts(body), { nowMs: NOW, resolveTimeoutMs: 5 * 60_000 });
  assert.deepEqual([prepared.firing, prepared.resolved], [0, 1]);
});
