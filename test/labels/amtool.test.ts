// Differential test: the real amtool (Alertmanager 0.25) decides which route matcher strings load,
// how they print, and which label sets they select; our parser and matcher must agree.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { Labels } from '../../src/labels/labels.js';
import { compareMatchers, formatMatchers, matchesAll, newMatcher, type Matcher } from '../../src/labels/matcher.js';
import { parseClassicMatchers, parseMatchers } from '../../src/labels/parse.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

const run = promisify(execFile);

const MATCHER_STRINGS: readonly string[] = [
  // Loaded by Alertmanager 0.25.
  'foo=bar',
  'foo!=bar',
  'foo=~"b.*"',
  'foo=~"(?i)bar"',
  'foo!~"bar|baz"',
  'foo=~"bar|"',
  'foo=~"^bar$"',
  'foo=~"b(a)r"',
  'foo=~"[^a]+"',
  'foo = bar baz',
  '{foo="bar", env="staging"}',
  'env=~"prod|staging"',
  'env=~prod|staging',
  'code=~"5.."',
  'code=~"5\\\\d{2}"',
  'code!~"5\\\\d+"',
  'x=~".+"',
  'x!~".+"',
  'x=""',
  'x!=""',
  'x=',
  'x=~"(?s)a.b"',
  'x=~"a.b"',
  'x=~"a\\nb"',
  'x=~"\\\\pL"',
  'x=~"\\\\p{Greek}+"',
  'x=~"[[:alpha:]]+\\\\d"',
  'x=~"."',
  'x=~"\\\\x{1F600}"',
  'x=~"(?i)é"',
  'x=~"(?i)ΑΒΓ"',
  'x=~"\\\\Qa.b\\\\E"',
  'x=~"(?U)a+"',
  'x=~"(?P<n>a)b"',
  'x="a\\"b,c"',
  'x=~"a\\"b,c"',
  'x=~"a\\\\"',
  'x=a\\b',
  'a:b=c',
  'tricky=~~~',
  '{foo="bar}"}',
  'foo=bar,',
  '',
  // Refused by Alertmanager 0.25.
  'foo=~"(a)\\\\1"',
  'foo=~"a(?=b)"',
  'foo=~"["',
  'x=~"a{1001}"',
  'x=~"\\\\C"',
  'foo=bar"',
  'foo="bar',
  'foo=b"ar',
  'a=b,,c=d',
  'foo!bar',
  '9foo=bar',
  'foo-bar=baz',
  '{"service.name"="api"}',
  'service.name=api',
];

// Syntax newer Alertmanager builds (Go 1.22+) accept and we accept too: load, never refuse it.
const NEWER_THAN_0_25: ReadonlySet<string> = new Set(['x=~"(?<n>a)b"']);

const LABEL_SETS: readonly Labels[] = [
  {},
  { foo: 'bar' },
  { foo: 'BAR' },
  { foo: 'barx' },
  { foo: 'bar baz' },
  { foo: 'b' },
  { env: 'prod' },
  { env: 'staging', foo: 'bar' },
  { env: 'production' },
  { code: '500' },
  { code: '5000' },
  { code: '404' },
  { x: 'a\nb' },
  { x: 'axb' },
  { x: 'a' },
  { x: 'ab' },
  { x: 'aaa' },
  { x: 'é' },
  { x: 'É' },
  { x: '😀' },
  { x: 'αβγ' },
  { x: 'a"b,c' },
  { x: 'a.b' },
  { x: 'a\\' },
  { x: 'a\\b' },
  { x: 'Ab1' },
  { 'a:b': 'c' },
  { tricky: '~' },
  { tricky: '~~' },
  { foo: 'bar}' },
];

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function configYaml(routes: ReadonlyArray<{ receiver: string; matchers: string[] }>): string {
  return stringify({
    route: { receiver: 'default', routes: routes.map((r) => ({ ...r, continue: true })) },
    receivers: [{ name: 'default' }, ...routes.map((r) => ({ name: r.receiver }))],
  });
}

function parsedOrError(parse: (s: string) => Matcher[], input: string): Matcher[] | Error {
  try {
    return parse(input);
  } catch (err) {
    return err as Error;
  }
}

test('amtool differential: route matchers load, print and route as in Alertmanager 0.25', async (t) => {
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  const dir = mkdtempSync(join(tmpdir(), 'matchers-amtool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  // 1. Which strings load: amtool check-config on a one-route config per string.
  const amtoolAccepts = await mapLimit(MATCHER_STRINGS, 8, async (s, i) => {
    const file = join(dir, `check-${i}.yml`);
    writeFileSync(file, configYaml([{ receiver: 'r', matchers: [s] }]));
    try {
      await run(amtool, ['check-config', file]);
      return true;
    } catch (err) {
      const out = String((err as { stdout?: string }).stdout ?? '');
      assert.match(out, /FAILED/, `amtool check-config failed for ${JSON.stringify(s)} without saying why: ${String(err)}`);
      return false;
    }
  });
  const accepted: string[] = [];
  for (const [i, s] of MATCHER_STRINGS.entries()) {
    const classic = parsedOrError(parseClassicMatchers, s);
    const ours = parsedOrError(parseMatchers, s);
    if (amtoolAccepts[i]) {
      assert.ok(!(classic instanceof Error), `amtool loads ${JSON.stringify(s)}; classic parser refused: ${String(classic)}`);
      assert.ok(!(ours instanceof Error), `amtool loads ${JSON.stringify(s)}; parseMatchers refused: ${String(ours)}`);
      assert.deepEqual(ours, classic, `parseMatchers reads ${JSON.stringify(s)} as the classic parser does`);
      accepted.push(s);
    } else if (NEWER_THAN_0_25.has(s)) {
      assert.ok(!(ours instanceof Error), `${JSON.stringify(s)} is newer syntax we accept`);
    } else {
      assert.ok(classic instanceof Error, `amtool refuses ${JSON.stringify(s)}; classic parser accepted it`);
    }
  }
  assert.ok(accepted.length >= 40, `most strings load (${accepted.length})`);

  // 2. How they print: amtool's routing tree shows each route's sorted Matchers.String().
  const routes = accepted.map((s, i) => ({ receiver: `r${i}`, matchers: [s] }));
  const file = join(dir, 'all.yml');
  writeFileSync(file, configYaml(routes));
  const { stdout: tree } = await run(amtool, ['config', 'routes', `--config.file=${file}`]);
  const printed = new Map<string, string>();
  for (const line of tree.split('\n')) {
    const at = line.lastIndexOf('  continue: true  receiver: ');
    if (at < 0) continue;
    const receiver = line.slice(at + '  continue: true  receiver: '.length);
    printed.set(receiver, line.slice(line.indexOf('── ') + 3, at));
  }
  for (const [i, s] of accepted.entries()) {
    const sorted = [...parseMatchers(s)].sort(compareMatchers);
    // amtool's tree names a route without matchers "default-route" instead of printing "{}".
    if (sorted.length === 0) continue;
    assert.equal(formatMatchers(sorted), printed.get(`r${i}`), `printed form of ${JSON.stringify(s)}`);
  }

  // 3. What they select: amtool config routes test lists every matching route (all continue).
  const receiversFor = await mapLimit(LABEL_SETS, 8, async (labels) => {
    const args = Object.entries(labels).map(([name, value]) => newMatcher('=', name, value).toString());
    const { stdout } = await run(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...args]);
    return stdout.trim();
  });
  for (const [j, labels] of LABEL_SETS.entries()) {
    const ours = routes.filter((r) => matchesAll(parseMatchers(r.matchers[0]!), labels)).map((r) => r.receiver);
    const want = receiversFor[j]!.split(',').filter((r) => r !== 'default');
    const describe = (names: string[]) => names.map((r) => `${r} ${JSON.stringify(accepted[Number(r.slice(1))])}`);
    assert.deepEqual(describe(ours), describe(want), `routes selected for ${JSON.stringify(labels)}`);
  }
});
