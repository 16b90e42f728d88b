import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'node:test';
import assert from 'node:assert/strict';
import { goQuote } from '../../src/util/goquote.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

const run = promisify(execFile);

// Outputs of Go's fmt.Sprintf("%q", s), taken from Go 1.19 (amtool's `printf "%q"`).
const KNOWN: ReadonlyArray<readonly [string, string]> = [
  ['', '""'],
  ['plain text', '"plain text"'],
  ['a"b', '"a\\"b"'],
  ['back\\slash', '"back\\\\slash"'],
  ['\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
  ['\x00\x1b\x7f', '"\\x00\\x1b\\x7f"'],
  ["it's", '"it\'s"'],
  ['é日本😀', '"é日本😀"'],
  ['\u00a0', '"\\u00a0"'], // no-break space is not printable for Go
  ['\u0085\u200b\u2028', '"\\u0085\\u200b\\u2028"'],
  ['\u0378', '"\\u0378"'], // unassigned
  ['\u{e0001}', '"\\U000e0001"'],
  ['\u{f0000}', '"\\U000f0000"'], // private use
  ['\ufffd', '"\ufffd"'],
];

test('goQuote: prints strings as Go %q does', () => {
  for (const [input, want] of KNOWN) assert.equal(goQuote(input), want, JSON.stringify(input));
});

test('goQuote: a lone surrogate prints as the invalid UTF-8 bytes Go would hold', () => {
  assert.equal(goQuote('a\ud800b'), '"a\\xed\\xa0\\x80b"');
  assert.equal(goQuote('\udfff'), '"\\xed\\xbf\\xbf"');
});

// Ranges whose characters were all assigned by Unicode 13, the version of the Go (1.19) that built
// amtool 0.25; characters assigned later are unprintable to that Go but printable to Node's ICU.
const STABLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x05ff],
  [0x0900, 0x0bff],
  [0x2100, 0x23ff],
  [0x3000, 0x30ff],
  [0x4e00, 0x4eff],
  [0xac00, 0xacff],
  [0xff00, 0xffff],
  [0x1f300, 0x1f5ff],
];

test('goQuote: agrees with Go on every code point of stable Unicode ranges (amtool printf %q)', async (t) => {
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  const chunks: string[] = [];
  for (const [from, to] of STABLE_RANGES) {
    for (let start = from; start <= to; start += 128) {
      let s = '';
      for (let c = start; c < Math.min(start + 128, to + 1); c++) if (c < 0xd800 || c > 0xdfff) s += String.fromCodePoint(c);
      chunks.push(s);
    }
  }
  // Each chunk goes to Go as \U escapes, so the oracle's input does not depend on our quoting.
  const escape = (s: string) => [...s].map((ch) => '\\U' + ch.codePointAt(0)!.toString(16).padStart(8, '0')).join('');
  const body = chunks.map((s) => `{{ printf "%q" "${escape(s)}" }}`).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'goquote-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'q.tmpl');
  writeFileSync(file, `{{ define "q" }}${body}{{ end }}`);
  const { stdout } = await run(amtool, ['template', 'render', `--template.glob=${file}`, '--template.text={{ template "q" . }}'], {
    maxBuffer: 64 << 20,
  });
  const lines = stdout.split('\n');
  assert.equal(lines.length, chunks.length, 'one line of output per chunk');
  for (let i = 0; i < chunks.length; i++) {
    assert.equal(goQuote(chunks[i]!), lines[i], `chunk starting at U+${chunks[i]!.codePointAt(0)!.toString(16)}`);
  }
});
