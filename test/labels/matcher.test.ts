import test from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import {
  Matcher,
  MatcherError,
  compareMatchers,
  formatMatchers,
  isValidLabelName,
  matchesAll,
  newMatcher,
  type MatchType,
} from '../../src/labels/matcher.js';

test('matcher: equality and inequality compare the whole value', () => {
  const eq = newMatcher('=', 'env', 'prod');
  assert.equal(eq.matches('prod'), true);
  assert.equal(eq.matches('production'), false);
  assert.equal(eq.matches('Prod'), false);
  const ne = newMatcher('!=', 'env', 'prod');
  assert.equal(ne.matches('prod'), false);
  assert.equal(ne.matches('staging'), true);
});

test('matcher: regexes are anchored at both ends', () => {
  const m = newMatcher('=~', 'code', '5..');
  assert.equal(m.matches('500'), true);
  assert.equal(m.matches('5000'), false);
  assert.equal(m.matches('x500'), false);
  // Alternation is grouped before anchoring: `a|b` must not become `^a|b$`.
  const alt = newMatcher('=~', 'env', 'prod|staging');
  assert.equal(alt.matches('prod'), true);
  assert.equal(alt.matches('staging'), true);
  assert.equal(alt.matches('prodx'), false);
  assert.equal(alt.matches('xstaging'), false);
  const nre = newMatcher('!~', 'env', 'prod|staging');
  assert.equal(nre.matches('prod'), false);
  assert.equal(nre.matches('dev'), true);
});

test('matcher: inline flags such as (?i) apply to the whole anchored expression', () => {
  const m = newMatcher('=~', 'env', '(?i)PROD');
  assert.equal(m.matches('prod'), true);
  assert.equal(m.matches('Prod'), true);
  assert.equal(m.matches('production'), false);
  // `.` does not cross a newline unless (?s) is given.
  assert.equal(newMatcher('=~', 'x', 'a.b').matches('a\nb'), false);
  assert.equal(newMatcher('=~', 'x', '(?s)a.b').matches('a\nb'), true);
});

test('matcher: regexes work on code points, not UTF-16 units', () => {
  assert.equal(newMatcher('=~', 'x', '.').matches('😀'), true);
  assert.equal(newMatcher('=~', 'x', '..').matches('😀'), false);
  assert.equal(newMatcher('=~', 'x', '\\p{Greek}+').matches('αβγ'), true);
  assert.equal(newMatcher('=~', 'x', 'caf.').matches('café'), true);
});

test('matchesAll: an absent label is the empty string', () => {
  const labels = { alertname: 'Down' };
  assert.equal(matchesAll([newMatcher('=', 'team', '')], labels), true);
  assert.equal(matchesAll([newMatcher('!=', 'team', '')], labels), false);
  assert.equal(matchesAll([newMatcher('!=', 'team', 'a')], labels), true);
  assert.equal(matchesAll([newMatcher('=~', 'team', '.*')], labels), true);
  assert.equal(matchesAll([newMatcher('=~', 'team', '.+')], labels), false);
  assert.equal(matchesAll([newMatcher('!~', 'team', '.+')], labels), true);
  assert.equal(matchesAll([newMatcher('!~', 'team', 'a|')], labels), false);
});

test('matchesAll: inherited object properties are not label values', () => {
  assert.equal(matchesAll([newMatcher('=', 'constructor', '')], {}), true);
  assert.equal(matchesAll([newMatcher('=~', 'toString', '.+')], {}), false);
  assert.equal(matchesAll([newMatcher('=', '__proto__', '')], {}), true);
});

test('matchesAll: every matcher must hold, and none means match', () => {
  const ms = [newMatcher('=', 'a', '1'), newMatcher('=~', 'b', '2|3')];
  assert.equal(matchesAll(ms, { a: '1', b: '3' }), true);
  assert.equal(matchesAll(ms, { a: '1', b: '4' }), false);
  assert.equal(matchesAll(ms, { a: '2', b: '3' }), false);
  assert.equal(matchesAll([], {}), true);
});

test('newMatcher: refuses expressions RE2 does not support, naming the matcher and the reason', () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['(a)\\1', /invalid escape sequence.*backreferences are not supported/],
    ['foo(?=bar)', /lookahead and lookbehind are not supported/],
    ['foo(?!bar)', /lookahead and lookbehind are not supported/],
    ['(?<=a)b', /lookahead and lookbehind are not supported/],
    ['a(', /missing closing \)/],
    ['*a', /missing argument to repetition operator/],
    ['[z-a]', /invalid character class range/],
  ];
  for (const [value, reason] of cases) {
    assert.throws(
      () => newMatcher('=~', 'job', value),
      (err: unknown) => {
        assert.ok(err instanceof MatcherError, `${value}: a MatcherError`);
        assert.equal(err.code, 'bad_matcher');
        assert.ok(err.message.startsWith('matcher job=~'), err.message);
        assert.match(err.message, reason);
        return true;
      },
    );
  }
  // Equality matchers hold any text, even what would be a broken regex.
  assert.equal(newMatcher('=', 'job', 'a(').matches('a('), true);
});

test('matcher: matching is linear time — nested quantifiers do not backtrack', () => {
  const m = newMatcher('=~', 'x', '(a+)+$');
  const long = 'a'.repeat(50_000) + 'b';
  assert.equal(m.matches(long), false);
  assert.equal(m.matches('a'.repeat(50_000)), true);
  const m2 = newMatcher('=~', 'x', '(x+x+)+y');
  assert.equal(m2.matches('x'.repeat(20_000)), false);
});

// Values the literal fast path serves must give the regex engine's answer.
test('matcher: literal and alternation fast paths agree with RE2', () => {
  const values = ['prod', 'prod|staging', 'a||b', '|', '', 'with space', 'ünï|cödé', 'a-b_c:d/e@f', 'x#y', "it's", 'a"b'];
  const inputs = ['', 'prod', 'staging', 'prod|staging', 'a', 'b', 'a||b', 'with space', 'ünï', 'cödé', 'a-b_c:d/e@f', 'x#y', "it's", 'a"b', 'PROD'];
  for (const value of values) {
    const re = RE2JS.compile('^(?:' + value + ')$');
    for (const type of ['=~', '!~'] as const) {
      const m = newMatcher(type, 'n', value);
      for (const input of inputs) {
        assert.equal(m.matches(input), re.matches(input) !== (type === '!~'), `${m} on ${JSON.stringify(input)}`);
      }
    }
  }
});

test('matcher: toString prints as Alertmanager, escaping only backslash, newline and quote', () => {
  assert.equal(newMatcher('=', 'a', 'b').toString(), 'a="b"');
  assert.equal(newMatcher('!=', 'a', '').toString(), 'a!=""');
  assert.equal(newMatcher('=~', 'env', 'prod|staging').toString(), 'env=~"prod|staging"');
  assert.equal(newMatcher('!~', 'x', '\\d+').toString(), 'x!~"\\\\d+"');
  assert.equal(newMatcher('=', 'q', 'say "hi"\n').toString(), 'q="say \\"hi\\"\\n"');
  // OpenMetrics escaping keeps tabs and unicode as they are (Go's %q would not).
  assert.equal(newMatcher('=', 'q', 'a\tb é').toString(), 'q="a\tb é"');
});

test('matcher: a name with reserved characters prints quoted, as Alertmanager 0.27+ does', () => {
  assert.equal(newMatcher('=', 'service.name', 'api').toString(), 'service.name="api"');
  assert.equal(newMatcher('=', 'foo bar', 'x\ty').toString(), '"foo bar"="x\\ty"');
  assert.equal(newMatcher('=~', 'a=b', '.*').toString(), '"a=b"=~".*"');
});

test('formatMatchers: braces, comma without space, order kept', () => {
  assert.equal(formatMatchers([]), '{}');
  assert.equal(
    formatMatchers([newMatcher('=', 'b', '1'), newMatcher('=~', 'a', 'x|y')]),
    '{b="1",a=~"x|y"}',
  );
});

test('compareMatchers: sorts by name, then value, then type in = != =~ !~ order', () => {
  const m = (t: MatchType, n: string, v: string) => newMatcher(t, n, v);
  const input = [m('!~', 'b', 'x'), m('=', 'b', 'x'), m('=~', 'b', 'x'), m('!=', 'b', 'x'), m('=', 'a', 'z'), m('=', 'b', 'a'), m('=', 'B', 'z')];
  const sorted = [...input].sort(compareMatchers).map(String);
  assert.deepEqual(sorted, ['B="z"', 'a="z"', 'b="a"', 'b="x"', 'b!="x"', 'b=~"x"', 'b!~"x"']);
  assert.equal(compareMatchers(m('=', 'a', 'b'), m('=', 'a', 'b')), 0);
});

test('Matcher: is immutable and refuses an unknown match type', () => {
  const m = newMatcher('=', 'a', 'b');
  assert.throws(() => {
    (m as { value: string }).value = 'c';
  }, TypeError);
  assert.throws(() => new Matcher('==' as MatchType, 'a', 'b'), (err: unknown) => err instanceof MatcherError && /unknown match type/.test(err.message));
});

test('isValidLabelName: the classic Prometheus rule', () => {
  for (const ok of ['a', '_', 'A_b9', '__name__']) assert.equal(isValidLabelName(ok), true, ok);
  for (const bad of ['', '9a', 'a-b', 'a:b', 'a.b', 'é', 'a b']) assert.equal(isValidLabelName(bad), false, bad);
});

test('matcher: answers stay right when recent results are remembered, past the memo size', () => {
  const m = newMatcher('=~', 'x', 'v-[0-9]*[02468]');
  const negated = newMatcher('!~', 'x', 'v-[0-9]*[02468]');
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 3000; i++) {
      const value = `v-${i}`;
      assert.equal(m.matches(value), i % 2 === 0, value);
      assert.equal(negated.matches(value), i % 2 !== 0, value);
    }
  }
  const long = 'v-' + '1'.repeat(1000) + '2';
  assert.equal(m.matches(long), true);
  assert.equal(m.matches(long + '1'), false);
});
