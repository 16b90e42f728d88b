import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RE2JS } from 're2js';
import type { Labels } from '../../src/labels/labels.js';
import { matchesAll, newMatcher, type Matcher, type MatchType } from '../../src/labels/matcher.js';
import { MatcherIndex, matcherKeys, type MatcherKeys } from '../../src/labels/matcher-index.js';
import { seededRandom, type Random } from '../support/random.js';

const exact = (...values: string[]): MatcherKeys => ({ exact: values, prefixes: [] });
const prefixes = (...values: string[]): MatcherKeys => ({ exact: [], prefixes: values });

describe('matcherKeys', () => {
  const cases: [MatchType, string, MatcherKeys | undefined, string][] = [
    ['=', 'prod', exact('prod'), 'equality: the value'],
    ['=', '', undefined, 'equality with "" also accepts an absent label'],
    ['!=', 'prod', undefined, 'negative matchers accept values no key covers'],
    ['!~', 'db-.*', undefined, 'negative regexes too'],
    ['=~', 'a|b|a', exact('a', 'b'), 'a literal alternation: its alternatives, once each'],
    ['=~', 'a|', undefined, 'an empty alternative accepts ""'],
    ['=~', '', undefined, 'the empty regex accepts ""'],
    ['=~', 'db-1-.*', prefixes('db-1-'), 'a literal then anything: the literal as prefix'],
    ['=~', 'svc-1-.*|svc-2-.+', prefixes('svc-1-', 'svc-2-'), 'one prefix per alternative'],
    ['=~', 'us-.*|ap-5', { exact: ['ap-5'], prefixes: ['us-'] }, 'prefixes and exact alternatives mixed'],
    ['=~', 'a.*|ab', prefixes('a'), 'an exact value a prefix covers is dropped'],
    ['=~', 'ab.*|a.*', prefixes('a'), 'a prefix a shorter one covers is dropped'],
    ['=~', 'a\\.b', exact('a.b'), 'escaped metacharacters are literals; nothing after: exact'],
    ['=~', 'a\\|b.*', prefixes('a|b'), 'an escaped pipe does not separate alternatives'],
    ['=~', '\\\\|x.*', { exact: ['\\'], prefixes: ['x'] }, 'a pipe after an escaped backslash does'],
    ['=~', '\\Qa|b\\E.*', prefixes('a|b'), 'a pipe inside \\Q…\\E is a literal'],
    ['=~', 'x+y', prefixes('x'), 'a repeated literal: the first repetition'],
    ['=~', 'xy*', prefixes('x'), 'an optional literal ends the prefix'],
    ['=~', 'ab?c', prefixes('a'), 'an optional letter ends the prefix'],
    ['=~', 'a{2}b.*', prefixes('aab'), 'counted repetition is spelled out by RE2'],
    ['=~', '[a]bc.*', prefixes('abc'), 'a one-character class is a literal'],
    ['=~', '[ab]c.*', undefined, 'a wider class starts no prefix'],
    ['=~', '[|]x.*', prefixes('|x'), 'a pipe inside a class does not separate alternatives'],
    ['=~', '(?:db|dc)-.*', prefixes('d'), 'RE2 factors common leading literals out of alternations'],
    ['=~', '(foo|bar)-.*', undefined, 'alternatives in a group without a common literal: none'],
    ['=~', 'foo$', prefixes('foo'), 'an anchor after the literal ends it'],
    ['=~', '^foo.*', undefined, 'a leading anchor stops the prefix (left unindexed)'],
    ['=~', '(?i)foo.*', undefined, 'case-insensitive letters are no literal'],
    ['=~', '(?i)-x.*', prefixes('-'), 'a character without case is the same under (?i)'],
    ['=~', 'foo(?i)bar.*', prefixes('foo'), 'flags apply from where they are set'],
    ['=~', 'x(?i)y|abc', undefined, 'flags set before a pipe apply to the next alternative: not split'],
    ['=~', '.*foo', undefined, 'no literal at the start'],
    ['=~', 'été-.*', prefixes('été-'), 'non-ASCII literals'],
    ['=~', '\u{1F600}x.*', prefixes('\u{1F600}x'), 'astral characters'],
  ];
  for (const [type, value, want, why] of cases) {
    test(`matcherKeys: ${type}"${value}" — ${why}`, () => {
      assert.deepEqual(matcherKeys({ type, name: 'l', value }), want);
    });
  }
});

function candidatesOf<T>(index: MatcherIndex<T>, labels: Labels): T[] {
  const out: T[] = [];
  index.candidates(labels, (item) => out.push(item));
  return out;
}

const m = newMatcher;

describe('MatcherIndex', () => {
  test('index: an item filed by an equality matcher is a candidate only for that value', () => {
    const index = new MatcherIndex([{ item: 'disk', matchers: [m('=', 'alertname', 'Disk')] }]);
    assert.deepEqual(candidatesOf(index, { alertname: 'Disk' }), ['disk']);
    assert.deepEqual(candidatesOf(index, { alertname: 'Disk2' }), []);
    assert.deepEqual(candidatesOf(index, { job: 'Disk' }), [], 'the same value under another label');
    assert.deepEqual(candidatesOf(index, {}), []);
  });

  test('index: an item filed by a prefix is a candidate for values starting with it, the prefix itself included', () => {
    const index = new MatcherIndex([
      { item: 'db-1', matchers: [m('=~', 'instance', 'db-1-.*')] },
      { item: 'db-12', matchers: [m('=~', 'instance', 'db-12-.*')] },
    ]);
    assert.deepEqual(candidatesOf(index, { instance: 'db-1-a' }), ['db-1']);
    assert.deepEqual(candidatesOf(index, { instance: 'db-1-' }), ['db-1']);
    assert.deepEqual(candidatesOf(index, { instance: 'db-12-x' }), ['db-12']);
    assert.deepEqual(candidatesOf(index, { instance: 'db-1' }), [], 'shorter than the prefix');
    assert.deepEqual(candidatesOf(index, { instance: 'xdb-1-a' }), []);
  });

  test('index: an item is a candidate only when the label set meets every filed matcher', () => {
    const index = new MatcherIndex([
      { item: 'us', matchers: [m('=', 'job', 'api'), m('=~', 'cluster', 'us-.*')] },
      { item: 'eu', matchers: [m('=', 'job', 'api'), m('=~', 'cluster', 'eu-.*')] },
    ]);
    assert.deepEqual(candidatesOf(index, { job: 'api', cluster: 'eu-1' }), ['eu']);
    assert.deepEqual(candidatesOf(index, { job: 'api' }), []);
    assert.deepEqual(candidatesOf(index, { job: 'web', cluster: 'us-1' }), []);
  });

  test('index: items without a matcher with keys are candidates for every label set', () => {
    const index = new MatcherIndex([
      { item: 'negative', matchers: [m('!=', 'env', 'prod')] },
      { item: 'fold', matchers: [m('=~', 'instance', '(?i)DB-.*')] },
      { item: 'filed', matchers: [m('=', 'env', 'dev'), m('!=', 'job', 'x')] },
    ]);
    assert.equal(index.alwaysScanned, 2);
    assert.deepEqual(candidatesOf(index, {}).sort(), ['fold', 'negative']);
    assert.deepEqual(candidatesOf(index, { env: 'dev' }).sort(), ['filed', 'fold', 'negative']);
  });

  test('index: a key shared by many items still finds an item that has no other key', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ item: `host-${i}`, matchers: [m('=', 'env', 'prod'), m('=', 'instance', `host-${i}`)] }));
    const index = new MatcherIndex([...entries, { item: 'all-prod', matchers: [m('=', 'env', 'prod')] }]);
    assert.deepEqual(candidatesOf(index, { env: 'prod', instance: 'host-7' }).sort(), ['all-prod', 'host-7']);
    assert.deepEqual(candidatesOf(index, { env: 'prod' }), ['all-prod']);
  });

  test('index: an item is visited once although several of its keys meet the label set', () => {
    const index = new MatcherIndex([
      { item: 'overlapping', matchers: [m('=~', 'a', 'x.*|xy|xyz.*')] },
      { item: 'twice', matchers: [m('=', 'a', 'xyz'), m('=', 'a', 'xyz')] },
      { item: 'same label', matchers: [m('=~', 'a', 'x.*'), m('=~', 'a', 'xy.*')] },
    ]);
    assert.deepEqual(candidatesOf(index, { a: 'xyz' }).sort(), ['overlapping', 'same label', 'twice']);
  });

  test('index: labels inherited by the label set object are not labels', () => {
    const index = new MatcherIndex([{ item: 'x', matchers: [m('=', 'env', 'prod')] }]);
    assert.deepEqual(candidatesOf(index, Object.create({ env: 'prod' }) as Labels), []);
  });

  test('index: a visit may query the index again', () => {
    const index = new MatcherIndex([
      { item: 'a', matchers: [m('=', 'x', '1'), m('=', 'y', '1')] },
      { item: 'b', matchers: [m('=', 'x', '1'), m('=', 'y', '1')] },
    ]);
    const seen: string[] = [];
    index.candidates({ x: '1', y: '1' }, (item) => {
      seen.push(item);
      seen.push(...candidatesOf(index, { x: '1' }));
    });
    assert.deepEqual(seen, ['a', 'b']);
  });

  test('index: with confirmation it gives the same answers as checking every item (generated cases)', () => {
    const rnd = seededRandom(20240115);
    const names = ['alertname', 'instance', 'job'];
    const entries: { item: number; matchers: Matcher[] }[] = [];
    while (entries.length < 400) {
      const matchers = Array.from({ length: 1 + rnd.int(3) }, () => randomMatcher(rnd, names));
      if (matchers.every((x) => x !== undefined)) entries.push({ item: entries.length, matchers: matchers as Matcher[] });
    }
    const index = new MatcherIndex(entries);
    assert.ok(index.alwaysScanned < entries.length / 2, `most items are filed (${index.alwaysScanned} scanned always)`);
    let matched = 0;
    for (let i = 0; i < 3000; i++) {
      const labels: Record<string, string> = {};
      for (const n of names) if (rnd.chance(0.8)) labels[n] = randomValue(rnd);
      const want = entries.filter((e) => matchesAll(e.matchers, labels)).map((e) => e.item);
      const got = candidatesOf(index, labels);
      assert.equal(new Set(got).size, got.length, `no item twice for ${JSON.stringify(labels)}`);
      const confirmed = got.filter((n) => matchesAll(entries[n]!.matchers, labels)).sort((a, b) => a - b);
      assert.deepEqual(confirmed, want, JSON.stringify({ labels, missing: want.filter((n) => !got.includes(n)).map((n) => entries[n]!.matchers.join(',')) }));
      matched += want.length;
    }
    assert.ok(matched > 1000, `the cases match now and then (${matched})`);
  });
});

// Label values and regexes from a small alphabet, so prefixes, case, escapes and alternatives meet.
const VALUE_PARTS = ['a', 'b', 'A', 'x', '-', '1', '.', '|', '\\', 'é', '\u{1F600}'];

function randomValue(rnd: Random): string {
  let v = '';
  for (let n = rnd.int(5); n > 0; n--) v += rnd.pick(VALUE_PARTS);
  return v;
}

const REGEX_PARTS = ['a', 'b', 'x', '-', '1', 'é', '\u{1F600}', '.', '.*', '.+', '?', '+', '*', '|', '\\.', '\\|', '\\\\', '(?i)', '[ab]', '[a]', '[', ']', '(', ')', '(?:', '^', '$', '\\Q', '\\E', '{2}'];

/** A random matcher; undefined when its regex is not valid RE2 (as the API would refuse it). */
function randomMatcher(rnd: Random, names: readonly string[]): Matcher | undefined {
  const name = rnd.pick(names);
  const type = rnd.pick<MatchType>(['=', '=~', '=~', '=~', '!=', '!~']);
  if (type === '=' || type === '!=') return newMatcher(type, name, randomValue(rnd));
  let value = '';
  for (let n = 1 + rnd.int(6); n > 0; n--) value += rnd.pick(REGEX_PARTS);
  try {
    RE2JS.compile(value); // what silence validation checks
    return newMatcher(type, name, value);
  } catch {
    return undefined;
  }
}
