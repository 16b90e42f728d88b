import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertMarker } from '../../src/store/marker.js';

test('marker: an alert never marked is unprocessed with empty lists', () => {
  const m = new AlertMarker();
  assert.deepEqual(m.status('a'), { state: 'unprocessed', silencedBy: [], inhibitedBy: [] });
  assert.equal(m.silenceMark('a'), undefined);
});

test('marker: silenced then unsilenced alert goes suppressed then active', () => {
  const m = new AlertMarker();
  m.setSilenced('a', { activeIds: ['s1'], pendingIds: ['s2'], version: 3 });
  assert.deepEqual(m.status('a'), { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] });
  assert.deepEqual(m.silenceMark('a'), { activeIds: ['s1'], pendingIds: ['s2'], version: 3 });
  m.setSilenced('a', { activeIds: [], pendingIds: [], version: 4 });
  assert.equal(m.status('a').state, 'active');
});

test('marker: stays suppressed while inhibited even when silences go away', () => {
  const m = new AlertMarker();
  m.setInhibited('a', ['src']);
  m.setSilenced('a', { activeIds: [], pendingIds: [], version: 1 });
  assert.deepEqual(m.status('a'), { state: 'suppressed', silencedBy: [], inhibitedBy: ['src'] });
  m.setInhibited('a', []);
  assert.equal(m.status('a').state, 'active');
});

test('marker: count by state and delete', () => {
  const m = new AlertMarker();
  m.setInhibited('a', []);
  m.setInhibited('b', ['x']);
  m.setSilenced('c', { activeIds: ['s'], pendingIds: [], version: 1 });
  assert.equal(m.count(), 3);
  assert.equal(m.count('active'), 1);
  assert.equal(m.count('suppressed'), 2);
  assert.equal(m.count('active', 'suppressed'), 3);
  m.delete('b');
  assert.equal(m.count('suppressed'), 1);
  assert.equal(m.status('b').state, 'unprocessed');
});

test('marker: status lists are copies the caller cannot use to change the marker', () => {
  const m = new AlertMarker();
  const ids = ['s1'];
  m.setSilenced('a', { activeIds: ids, pendingIds: [], version: 1 });
  ids.push('s2');
  assert.deepEqual(m.status('a').silencedBy, ['s1']);
});
