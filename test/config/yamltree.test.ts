import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/errors.js';
import { mapValues, parseYamlTree, resolvePlainScalar, toPlain, type YNode } from '../../src/config/yamltree.js';

describe('resolvePlainScalar: yaml.v2 (YAML 1.1) typing of unquoted scalars', () => {
  const cases: ReadonlyArray<[string, string, unknown]> = [
    ['', 'null', null],
    ['~', 'null', null],
    ['Null', 'null', null],
    ['y', 'bool', true],
    ['Yes', 'bool', true],
    ['ON', 'bool', true],
    ['n', 'bool', false],
    ['off', 'bool', false],
    ['tRue', 'str', null],
    ['42', 'int', 42n],
    ['-7', 'int', -7n],
    ['0x1F', 'int', 31n],
    ['0o17', 'int', 15n],
    ['017', 'int', 15n], // Go reads a leading zero as octal
    ['0b101', 'int', 5n],
    ['1_000', 'int', 1000n],
    ['18446744073709551615', 'int', 18446744073709551615n],
    ['1.5', 'float', 1.5],
    ['1e3', 'float', 1000],
    ['.inf', 'float', Infinity],
    ['089', 'float', 89], // not octal, but a float to Go
    ['30s', 'str', null],
    ['1.2.3', 'str', null],
  ];
  for (const [text, tag, value] of cases) {
    it(`${JSON.stringify(text)} is ${tag}`, () => {
      assert.deepEqual(resolvePlainScalar(text), { tag, value });
    });
  }
});

function tree(text: string): YNode {
  const t = parseYamlTree(text, 'x.yml');
  assert.ok(t);
  return t;
}

describe('parseYamlTree', () => {
  it('keeps 1-based line and column of every node', () => {
    const t = tree('a:\n  b: [1, 2]\n');
    assert.equal(t.kind, 'map');
    const b = mapValues(t as Extract<YNode, { kind: 'map' }>).get('a')!.value;
    assert.deepEqual(b.pos, { line: 2, column: 3 });
  });

  it('quoted scalars stay text', () => {
    assert.deepEqual(toPlain(tree('a: "true"\nb: \'1\'\nc: true\nd: 1\n')), { a: 'true', b: '1', c: 'true', d: '1' });
  });

  it('expands aliases and applies merge keys with the last write winning', () => {
    const t = tree('base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlate:\n  y: 0\n  <<: *b\n');
    assert.deepEqual(toPlain(t), { base: { x: '1', y: '2' }, use: { x: '1', y: '3' }, late: { y: '2', x: '1' } });
  });

  it('merges a list of mappings, earlier ones taking precedence', () => {
    const t = tree('a: &a {k: a}\nb: &b {k: b, j: b}\nc:\n  <<: [*a, *b]\n');
    assert.deepEqual(toPlain(t), { a: { k: 'a' }, b: { k: 'b', j: 'b' }, c: { k: 'a', j: 'b' } });
  });

  it('refuses a key written twice, but not a key that overrides a merged one', () => {
    assert.throws(() => tree('a: 1\nb: 2\na: 3\n'), (err: unknown) => err instanceof ConfigError && err.line === 3 && err.keyPath === 'a');
    assert.throws(() => tree('m:\n  1: x\n  "1": y\n'), (err: unknown) => err instanceof ConfigError && err.keyPath === 'm["1"]');
    assert.doesNotThrow(() => tree('a: &a {k: 1}\nb:\n  <<: *a\n  k: 2\n'));
  });

  it('reads only the first document', () => {
    assert.deepEqual(toPlain(tree('a: 1\n---\nb: [\n')), { a: '1' });
  });

  it('an empty document is undefined', () => {
    assert.equal(parseYamlTree('', 'x.yml'), undefined);
    assert.equal(parseYamlTree('# nothing\n', 'x.yml'), undefined);
  });
});
