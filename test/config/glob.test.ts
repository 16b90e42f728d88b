import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlobPatternError, goGlob, matchGoPattern } from '../../src/config/glob.js';
import { verdicts } from './amtool.js';

describe('matchGoPattern: Go filepath.Match semantics', () => {
  const cases: ReadonlyArray<[pattern: string, name: string, matches: boolean]> = [
    ['*.tmpl', 'a.tmpl', true],
    ['*.tmpl', '.hidden.tmpl', true], // Go's * matches a leading dot
    ['*.tmpl', 'a.tmpl.bak', false],
    ['*', '', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['?.tmpl', 'ab.tmpl', false],
    ['??.tmpl', 'ab.tmpl', true],
    ['?', 'é', true], // one rune, not one byte
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[^a-c]x', 'dx', true],
    ['[^a-c]x', 'ax', false],
    ['[c-a]x', 'bx', false], // an inverted range matches nothing, and is no error
    ['[\\]]', ']', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['{a,b}.tmpl', 'a.tmpl', false], // no brace expansion
    ['{a,b}.tmpl', '{a,b}.tmpl', true],
    ['**.tmpl', 'x.tmpl', true],
    ['*', 'a/b', false], // * never crosses a separator
  ];
  for (const [pattern, name, want] of cases) {
    it(`${JSON.stringify(pattern)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(name)}`, () => {
      assert.equal(matchGoPattern(pattern, name), want);
    });
  }

  for (const bad of ['[', '[a', '[]a]', '[a-]', '[-a]', 'a\\', '[a\\', '[^]']) {
    it(`refuses the malformed pattern ${JSON.stringify(bad)} even when nothing would match`, () => {
      assert.throws(() => matchGoPattern(bad, 'zzz'), GlobPatternError);
    });
  }
});

describe('goGlob', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertrouter-glob-'));
    for (const f of ['b.tmpl', 'a.tmpl', '.dot.tmpl', 'c.txt', 'a[b].tmpl']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'sub'));
    mkdirSync(join(dir, 'sub2'));
    writeFileSync(join(dir, 'sub', 'x.tmpl'), '');
    writeFileSync(join(dir, 'sub2', 'y.tmpl'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists matches sorted by name, dot files included', async () => {
    assert.deepEqual(await goGlob(join(dir, '*.tmpl')), ['.dot.tmpl', 'a.tmpl', 'a[b].tmpl', 'b.tmpl'].map((f) => join(dir, f)));
  });

  it('matches a folder part with magic characters, one level only', async () => {
    assert.deepEqual(await goGlob(join(dir, 'sub*', '*.tmpl')), [join(dir, 'sub', 'x.tmpl'), join(dir, 'sub2', 'y.tmpl')]);
    assert.deepEqual(await goGlob(join(dir, '**', 'x.tmpl')), [join(dir, 'sub', 'x.tmpl')]);
  });

  it('returns a pattern without magic characters when the file exists, else nothing', async () => {
    assert.deepEqual(await goGlob(join(dir, 'c.txt')), [join(dir, 'c.txt')]);
    assert.deepEqual(await goGlob(join(dir, 'missing.tmpl')), []);
    assert.deepEqual(await goGlob(join(dir, 'nope', '*.tmpl')), []);
  });

  it('needs escapes for brackets in names', async () => {
    assert.deepEqual(await goGlob(join(dir, 'a\\[b\\].tmpl')), [join(dir, 'a[b].tmpl')]);
    assert.deepEqual(await goGlob(join(dir, 'a[b].tmpl')), []);
  });

  it('refuses a malformed pattern', async () => {
    await assert.rejects(goGlob(join(dir, '[')), GlobPatternError);
  });
});

// amtool parses every file a templates: glob matches. Poisoned files hold a broken template, so
// amtool fails exactly when a glob reaches one: that reveals which files Go's Glob matched.
describe('goGlob matches the files Alertmanager matches (amtool differential)', () => {
  let dir = '';
  const poisoned = ['.dot.tmpl', 'sub/x.tmpl', 'a[b].tmpl', 'o.tmpl.bak'];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertrouter-glob-am-'));
    mkdirSync(join(dir, 'tmpl', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'tmpl', 'ok.tmpl'), '{{ define "ok" }}fine{{ end }}\n');
    for (const f of poisoned) writeFileSync(join(dir, 'tmpl', f), '{{ define "broken" }}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const patterns = ['*.tmpl', 'o*.tmpl', 'ok.tmpl', '[.]dot.tmpl', '?dot.tmpl', '*/x.tmpl', '**/x.tmpl', 'sub/*', '[^o]*.tmpl', 'a\\[b\\].tmpl', 'a[b].tmpl', '{ok,sub}.tmpl', 'o*', 'nothing*'];
  patterns.forEach((pattern, i) => {
    it(`templates: ['tmpl/${pattern}']`, async (t) => {
      const file = join(dir, `config-${i}.yml`);
      writeFileSync(file, `templates: ['tmpl/${pattern}']\nroute:\n  receiver: r\nreceivers:\n  - name: r\n`);
      const v = await verdicts(t, file);
      if (!v) return;
      assert.equal(v.ours, undefined);
      const ours = await goGlob(join(dir, 'tmpl', pattern));
      const reachesPoison = ours.some((m) => poisoned.some((p) => m === join(dir, 'tmpl', p)));
      assert.equal(reachesPoison, !v.amtoolAccepts, `we match ${JSON.stringify(ours)}; amtool: ${v.amtoolOutput}`);
    });
  });
});
