import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intern } from '../../src/labels/intern.js';

test('intern: answers a string equal to its input (long, short, empty, too long to pool)', () => {
  const a = 'http://prometheus.example.org/graph?g0.expr=up';
  const b = JSON.parse(JSON.stringify(a)) as string;
  assert.equal(intern(a), a);
  assert.equal(intern(b), a);
  for (const s of ['', 'short', 'x'.repeat(500)]) assert.equal(intern(s), s);
});

test('intern: keeps answering equal strings after its pool filled and started afresh', () => {
  for (let i = 0; i < 70_000; i++) {
    const s = `http://host-${i}.example.org/graph`;
    assert.equal(intern(s), s);
  }
});
