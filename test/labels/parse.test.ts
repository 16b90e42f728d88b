import test from 'node:test';
import assert from 'node:assert/strict';
import { MatcherError, formatMatchers, newMatcher, type Matcher, type MatchType } from '../../src/labels/matcher.js';
import {
  goUnquote,
  parseClassicMatchers,
  parseMatcher,
  parseMatchers,
  parseUtf8Matchers,
} from '../../src/labels/parse.js';

type Triple = readonly [MatchType, string, string];
const triples = (ms: readonly Matcher[]): Triple[] => ms.map((m) => [m.type, m.name, m.value]);

// Inputs Alertmanager 0.25's classic parser accepts, with the matchers it yields.
const CLASSIC_ACCEPTS: ReadonlyArray<readonly [string, Triple[]]> = [
  ['{foo="bar"}', [['=', 'foo', 'bar']]],
  ['{foo="bar", baz!~"quux.*"}', [['=', 'foo', 'bar'], ['!~', 'baz', 'quux.*']]],
  ['{foo="bar,quux", job="job1"}', [['=', 'foo', 'bar,quux'], ['=', 'job', 'job1']]],
  ['{foo = "bar", dings != "bums", }', [['=', 'foo', 'bar'], ['!=', 'dings', 'bums']]],
  ['foo=bar,dings!=bums', [['=', 'foo', 'bar'], ['!=', 'dings', 'bums']]],
  ['statuscode=~"5.."', [['=~', 'statuscode', '5..']]],
  ['tricky=~~~', [['=~', 'tricky', '~~']]],
  ['trickier==\\\\=\\=\\"', [['=', 'trickier', '=\\=\\="']]],
  ['contains_quote != "\\"" , contains_comma !~ "foo,bar" , ', [['!=', 'contains_quote', '"'], ['!~', 'contains_comma', 'foo,bar']]],
  ['job=', [['=', 'job', '']]],
  ['job=""', [['=', 'job', '']]],
  ['a:b=c', [['=', 'a:b', 'c']]],
  ['  a  !=  spaced value  ', [['!=', 'a', 'spaced value']]],
  ['a="  kept  "', [['=', 'a', '  kept  ']]],
  ['a="x\\ty"', [['=', 'a', 'x\\ty']]], // an unknown escape keeps its backslash
  ['a="line\\nbreak"', [['=', 'a', 'line\nbreak']]],
  ['a="literal\nnewline"', [['=', 'a', 'literal\nnewline']]],
  ['a=x\\', [['=', 'a', 'x\\']]],
  ['x="a\\"b,c"', [['=', 'x', 'a"b,c']]],
  ['a=b c', [['=', 'a', 'b c']]],
  ['a=\\,b=c', [['=', 'a', '\\'], ['=', 'b', 'c']]], // a comma after a backslash still splits
  ['{a=b', [['=', 'a', 'b']]], // braces are trimmed independently
  ['a=b}', [['=', 'a', 'b']]],
  ['a=b}}', [['=', 'a', 'b}']]],
  ['{a="}"}', [['=', 'a', '}']]],
  ['a=é😀', [['=', 'a', 'é😀']]],
  ['a=b,\u00a0c=d\u3000', [['=', 'a', 'b'], ['=', 'c', 'd']]], // the last part is trimmed of Unicode spaces
  ['', []],
  ['{}', []],
  ['}', []],
  ['   ', []],
];

test('parseMatchers: accepts the classic syntax as Alertmanager 0.25 does', () => {
  for (const [input, want] of CLASSIC_ACCEPTS) {
    assert.deepEqual(triples(parseClassicMatchers(input)), want, `classic ${JSON.stringify(input)}`);
    assert.deepEqual(triples(parseMatchers(input)), want, JSON.stringify(input));
  }
});

// Inputs both Alertmanager parsers refuse, with what the error must say.
const REFUSED: ReadonlyArray<readonly [string, RegExp]> = [
  ['job="value', /unescaped double quote: "value/],
  ['job=value"', /unescaped double quote: value"/],
  ['trickier==\\\\=\\=\\""', /unescaped double quote/],
  ['contains_unescaped_quote = foo"bar', /unescaped double quote: foo"bar/],
  ['{foo=~"invalid[regexp"}', /missing closing \]/],
  ['a=~"(a)\\1"', /backreferences are not supported/],
  ['"foo=\\"bar"', /bad matcher format/],
  ['"foo="bar""', /bad matcher format/],
  ['a=b,,c=d', /bad matcher format: ""/],
  ['foo!bar', /bad matcher format: "foo!bar"/],
  ['{foo="bar"}}', /unescaped double quote/],
  ['=b', /bad matcher format/],
  ['a', /bad matcher format/],
];

test('parseMatchers: refuses what both Alertmanager parsers refuse, naming the input and the problem', () => {
  for (const [input, reason] of REFUSED) {
    assert.throws(
      () => parseMatchers(input),
      (err: unknown) => {
        assert.ok(err instanceof MatcherError, JSON.stringify(input));
        assert.equal(err.code, 'bad_matcher');
        assert.equal(err.input, input);
        assert.ok(err.message.includes(JSON.stringify(input).slice(1, -1)), `${err.message} names the input`);
        assert.match(err.message, reason);
        return true;
      },
    );
  }
});

test('parseMatchers: reports the column the UTF-8 parser stopped at', () => {
  assert.throws(() => parseMatchers('foo!bar'), /as UTF-8 matchers: 3:4: !: expected one of '=~'/);
  assert.throws(() => parseMatchers('a=b,,c=d'), /4:5: unexpected ,/);
});

// Inputs only the UTF-8 parser of Alertmanager 0.27+ accepts; fallback mode uses its result.
const UTF8_ACCEPTS: ReadonlyArray<readonly [string, Triple[]]> = [
  ['{"service.name"="api"}', [['=', 'service.name', 'api']]],
  ['service.name=api', [['=', 'service.name', 'api']]],
  ['{"foo bar"=~"x|y", "a,b"!="c"}', [['=~', 'foo bar', 'x|y'], ['!=', 'a,b', 'c']]],
  ['foo🙂=bar', [['=', 'foo🙂', 'bar']]],
  ['0abc=x', [['=', '0abc', 'x']]],
  ['{invalid-name = "valid label"}', [['=', 'invalid-name', 'valid label']]],
  ['{"a\\u00e9"="\\x41\\101\\t"}', [['=', 'aé', 'AA\t']]],
  ['\u00a0a=b,c=d', [['=', 'a', 'b'], ['=', 'c', 'd']]], // Go's \s has no NBSP, its IsSpace does
  ['{"x"="1",}', [['=', 'x', '1']]],
];

test('parseMatchers: falls back to the UTF-8 syntax for quoted and non-classic names', () => {
  for (const [input, want] of UTF8_ACCEPTS) {
    assert.throws(() => parseClassicMatchers(input), MatcherError, `classic refuses ${JSON.stringify(input)}`);
    assert.deepEqual(triples(parseUtf8Matchers(input)), want, `utf8 ${JSON.stringify(input)}`);
    assert.deepEqual(triples(parseMatchers(input)), want, JSON.stringify(input));
  }
});

test('parseMatchers: when both syntaxes accept but disagree, the classic reading wins', () => {
  // UTF-8 reads \t as a tab and \x41 as "A"; the classic parser keeps the backslashes.
  assert.deepEqual(triples(parseUtf8Matchers('a="x\\ty"')), [['=', 'a', 'x\ty']]);
  assert.deepEqual(triples(parseMatchers('a="x\\ty"')), [['=', 'a', 'x\\ty']]);
  assert.deepEqual(triples(parseMatchers('foo="\\xf0\\x9f\\x99\\x82"')), [['=', 'foo', '\\xf0\\x9f\\x99\\x82']]);
});

test('parseUtf8Matchers: grammar of Alertmanager 0.27+', () => {
  const accepts: ReadonlyArray<readonly [string, Triple[]]> = [
    ['', []],
    ['{}', []],
    ['{foo=bar,}', [['=', 'foo', 'bar']]],
    ['{foo=~[a-z]+}', [['=~', 'foo', '[a-z]+']]],
    ['{ foo = "bar" , baz !~ qux }', [['=', 'foo', 'bar'], ['!~', 'baz', 'qux']]],
    ['foo=🙂', [['=', 'foo', '🙂']]],
  ];
  for (const [input, want] of accepts) assert.deepEqual(triples(parseUtf8Matchers(input)), want, JSON.stringify(input));
  const refuses: ReadonlyArray<readonly [string, string]> = [
    ['{', '0:1: end of input: expected close brace'],
    ['{foo=bar', '0:8: end of input: expected close brace'],
    ['foo=bar}', '0:8: }: expected opening brace'],
    ['{foo=bar}}', '9:10: }: expected end of input'],
    ['a=b c', '4:5: unexpected c: expected a comma or close brace'],
    ['a=b,,', '4:5: unexpected ,: expected a matcher or close brace after comma'],
    ['{foo=bar\\n}', '8:9: \\: invalid input: expected a comma or close brace'],
    ['a="b', '2:4: "b: missing end ": expected label value'],
    ['a!b', "1:2: !: expected one of '=~': expected an operator such as '=', '!=', '=~' or '!~'"],
    ['a="\\q"', '2:6: "\\q": invalid input'],
    ['a="\\xff"', '2:8: "\\xff": invalid input'],
    ["a='b'", "2:3: ': invalid input: expected label value"],
  ];
  for (const [input, message] of refuses) {
    assert.throws(() => parseUtf8Matchers(input), (err: unknown) => err instanceof MatcherError && err.message === message, JSON.stringify(input));
  }
});

test('parseMatcher: exactly one matcher, read as Alertmanager reads API filters', () => {
  assert.deepEqual(triples([parseMatcher('a=b')]), [['=', 'a', 'b']]);
  assert.deepEqual(triples([parseMatcher('  a =~ "x|y" ')]), [['=~', 'a', 'x|y']]);
  // The classic parser takes all the text as one value.
  assert.deepEqual(triples([parseMatcher('a=b,c=d')]), [['=', 'a', 'b,c=d']]);
  assert.deepEqual(triples([parseMatcher('a=b}')]), [['=', 'a', 'b}']]);
  assert.deepEqual(triples([parseMatcher('"x y"=z')]), [['=', 'x y', 'z']]);
  for (const bad of ['', '{a=b}', '{"x y"=z}', '"x"=1,"y"=2', 'a!b']) {
    assert.throws(() => parseMatcher(bad), MatcherError, JSON.stringify(bad));
  }
  assert.throws(() => parseMatcher('"x"=1,"y"=2'), /found 2 matchers \(want exactly 1\)/);
});

test('goUnquote: Go double-quoted string literals', () => {
  assert.equal(goUnquote('""'), '');
  assert.equal(goUnquote('"plain é"'), 'plain é');
  assert.equal(goUnquote('"\\a\\b\\f\\n\\r\\t\\v\\\\\\""'), '\x07\b\f\n\r\t\v\\"');
  assert.equal(goUnquote('"\\x41\\101\\u00e9\\U0001F600"'), 'AAé😀');
  assert.equal(goUnquote('"\\xc3\\xa9"'), 'é'); // bytes that form UTF-8 together
  for (const bad of ['"\\\'"', '"\\xff"', '"\\400"', '"\\ud800"', '"\\U00110000"', '"a\nb"', '"\\x4"', '"a"b"', 'abc', '"\\"']) {
    assert.throws(() => goUnquote(bad), MatcherError, JSON.stringify(bad));
  }
});

// A small deterministic PRNG so a failing case can be reproduced.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('parseMatchers: reads back what formatMatchers prints, for classic and UTF-8 names', () => {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const names = ['job', 'a:b', '_x9', 'service.name', '0abc', 'é', 'foo bar', 'a=b', 'q"uote', 'back\\slash', 'tab\there', '{x}'];
  const pieces = ['a', 'Z', ' ', '"', '\\', '\n', '\t', ',', '{', '}', '=', '~', '!', 'é', '😀', '\\n', '\\"', 'x|y', '.*'];
  const types: MatchType[] = ['=', '!=', '=~', '!~'];
  for (let i = 0; i < 500; i++) {
    const ms: Matcher[] = [];
    const count = 1 + Math.floor(rand() * 3);
    for (let j = 0; j < count; j++) {
      const type = pick(types);
      let value = '';
      const len = Math.floor(rand() * 6);
      for (let k = 0; k < len; k++) value += pick(pieces);
      // Keep regex values valid RE2: escape what we generated as literal text.
      if (type === '=~' || type === '!~') value = value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
      ms.push(newMatcher(type, pick(names), value));
    }
    const text = formatMatchers(ms);
    assert.deepEqual(triples(parseMatchers(text)), triples(ms), text);
  }
});
