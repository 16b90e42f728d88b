// The marker shares one entry among alerts marked active with empty lists (per silences
// version); each alert must still read back exactly what was recorded for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertMarker } from '../../src/store/marker.js';

test('marker: alerts marked active at different silence versions keep their own version', () => {
  const m = new AlertMarker();
  for (let i = 0; i < 100; i++) m.setSilenced(`fp${i}`, { activeIds: [], pendingIds: [], version: i % 3 });
  for (let i = 0; i < 100; i++) {
    assert.deepEqual(m.silenceMark(`fp${i}`), { activeIds: [], pendingIds: [], version: i % 3 });
    assert.deepEqual(m.status(`fp${i}`), { state: 'active', silencedBy: [], inhibitedBy: [] });
  }
  assert.equal(m.count('active'), 100);
});

test('marker: recorded lists are copies; a shared active entry is not changed by a later mark of another alert', () => {
  const m = new AlertMarker();
  const ids = ['s1'];
  m.setSilenced('a', { activeIds: ids, pendingIds: [], version: 1 });
  m.setSilenced('b', { activeIds: [], pendingIds: [], version: 1 });
  m.setSilenced('c', { activeIds: [], pendingIds: [], version: 1 });
  ids.push('s2');
  m.setInhibited('c', ['src']);
  assert.deepEqual(m.status('a'), { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] });
  assert.deepEqual(m.status('b'), { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.deepEqual(m.status('c'), { state: 'suppressed', silencedBy: [], inhibitedBy: ['src'] });
  m.setInhibited('c', []);
  assert.deepEqual(m.status('c'), { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.deepEqual(m.silenceMark('c'), { activeIds: [], pendingIds: [], version: 1 });
});
