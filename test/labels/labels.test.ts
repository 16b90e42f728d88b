import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fingerprint, sortedLabelNames, type Labels } from '../../src/labels/labels.js';
import { seededRandom } from '../support/random.js';

// The definition, written the slow and obvious way: FNV-1a 64 in BigInt over the UTF-8 bytes
// of name, 0xff, value, 0xff for the names in sorted order.
function referenceFingerprint(labels: Labels): string {
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const feed = (bytes: Iterable<number>): void => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * prime) & mask;
  };
  for (const name of Object.keys(labels).sort()) {
    feed(new TextEncoder().encode(name));
    feed([0xff]);
    feed(new TextEncoder().encode(labels[name]!));
    feed([0xff]);
  }
  return h.toString(16).padStart(16, '0');
}

const ALPHABET = ['a', 'b', 'Z', '_', '0', '9', ' ', '"', '\\', '\n', 'é', 'ß', '€', '日', '😀', '\u00ff', '\u0100', '\ud800', '\udfff', '\uffff'];

describe('fingerprint', () => {
  test('the empty label set has the FNV-1a 64 offset basis', () => {
    assert.equal(fingerprint({}), 'cbf29ce484222325');
  });

  test('agrees with a BigInt FNV-1a 64 over UTF-8 on random label sets (ASCII, multi-byte, astral, lone surrogates)', () => {
    const rng = seededRandom(7);
    const word = (maxLength: number): string =>
      Array.from({ length: rng.int(maxLength + 1) }, () => (rng.chance(0.6) ? String.fromCharCode(97 + rng.int(26)) : rng.pick(ALPHABET))).join('');
    for (let i = 0; i < 3000; i++) {
      const labels: Record<string, string> = {};
      for (let n = rng.int(10); n > 0; n--) labels[word(12) || 'x'] = word(40);
      assert.equal(fingerprint(labels), referenceFingerprint(labels), JSON.stringify(labels));
    }
  });

  test('does not depend on the order labels were added in', () => {
    assert.equal(fingerprint({ b: '2', a: '1', c: '3' }), fingerprint({ c: '3', a: '1', b: '2' }));
    assert.notEqual(fingerprint({ a: '1', b: '2' }), fingerprint({ a: '2', b: '1' }));
  });

  test('is a flat 16-digit lower-case hex string', () => {
    assert.match(fingerprint({ alertname: 'Up', instance: 'host:9100' }), /^[0-9a-f]{16}$/);
  });
});

describe('sortedLabelNames', () => {
  test('sorts names by code unit, as Go sorts label names', () => {
    assert.deepEqual(sortedLabelNames({ b: '', a1: '', a: '', B: '', _: '', z9: '' }), ['B', '_', 'a', 'a1', 'b', 'z9']);
    assert.deepEqual(sortedLabelNames({}), []);
  });
});
