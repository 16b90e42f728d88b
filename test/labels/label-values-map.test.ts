import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LabelValuesMap } from '../../src/labels/label-values-map.js';
import type { Labels } from '../../src/labels/labels.js';
import { seededRandom } from '../support/random.js';

describe('LabelValuesMap', () => {
  test('behaves like a Map keyed by the tuple of values, under random set/get/delete', () => {
    const rng = seededRandom(5);
    for (const names of [[], ['a'], ['a', 'b'], ['a', 'b', 'c']]) {
      for (const absentAs of ['', undefined] as const) {
        const map = new LabelValuesMap<number>(names, { absentAs });
        const reference = new Map<string, number>();
        const keyOf = (labels: Labels) => JSON.stringify(names.map((n) => (Object.hasOwn(labels, n) ? labels[n] : absentAs ?? null)));
        for (let i = 0; i < 3000; i++) {
          const labels: Record<string, string> = { other: String(rng.int(3)) };
          for (const n of ['a', 'b', 'c']) if (rng.chance(0.8)) labels[n] = rng.pick(['', 'x', 'y', 'constructor']);
          const op = rng.int(3);
          if (op === 0) {
            map.set(labels, i);
            reference.set(keyOf(labels), i);
          } else if (op === 1) {
            assert.equal(map.delete(labels), reference.delete(keyOf(labels)));
          }
          assert.equal(map.get(labels), reference.get(keyOf(labels)));
          assert.equal(map.size, reference.size);
        }
        assert.deepEqual([...map.values()].sort((x, y) => x - y), [...reference.values()].sort((x, y) => x - y));
        map.clear();
        assert.equal(map.size, 0);
        assert.deepEqual([...map.values()], []);
      }
    }
  });

  test("absentAs '' reads a missing label as empty; absentAs undefined tells them apart", () => {
    const matching = new LabelValuesMap<string>(['team'], { absentAs: '' });
    matching.set({}, 'none');
    assert.equal(matching.get({ team: '' }), 'none');
    const grouping = new LabelValuesMap<string>(['team'], { absentAs: undefined });
    grouping.set({}, 'absent');
    assert.equal(grouping.get({ team: '' }), undefined);
    assert.equal(grouping.get({ other: 'x' }), 'absent');
  });
});
