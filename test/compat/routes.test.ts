// Differential test: `alertrouter routes test|show` against the real `amtool config routes
// test|show` (Alertmanager 0.25) on routes.example.yaml and on seeded random routing trees.
// Our side runs in-process through the real CLI entry and config loader; amtool runs per case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runAlertrouter, runAmtool as runAmtoolIn } from './run-both.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { seededRandom, type Random } from '../support/random.js';

const amtool = requireOracle('amtool');
const EXAMPLE = join(import.meta.dirname, '..', '..', 'routes.example.yaml');
const TREES = 220;
const LABEL_SETS_PER_TREE = 6;
const POOL = 4;


interface Case {
  readonly what: string;
  readonly args: readonly string[];
}

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertrouter-routes-compat-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const runAmtool = (args: readonly string[]) => runAmtoolIn(amtool!, ['config', ...args], dir);
const runOurs = runAlertrouter;

// Runs every case on both sides (amtool with a few processes at a time) and lists the differences.
async function differences(cases: readonly Case[]): Promise<string[]> {
  const diffs: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < cases.length) {
      const c = cases[next++]!;
      const [theirs, ours] = await Promise.all([runAmtool(c.args), runOurs(c.args)]);
      if (theirs.stdout !== ours.stdout || theirs.exitCode !== ours.exitCode) {
        diffs.push(
          `${c.what}\n  args: ${JSON.stringify(c.args)}\n  amtool (exit ${theirs.exitCode}):\n${indent(theirs.stdout)}\n` +
            `  alertrouter (exit ${ours.exitCode}):\n${indent(ours.stdout)}`,
        );
      }
    }
  }
  await Promise.all(Array.from({ length: POOL }, worker));
  return diffs;
}

const indent = (text: string) => text.replace(/^/gm, '    | ');

// ── Generated trees ───────────────────────────────────────────────────────────────────────────

const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  team: ['a', 'b', 'db', 'Web', 'front end'],
  severity: ['critical', 'warning', 'info', 'none'],
  env: ['prod', 'stage', 'dev', 'production'],
  service: ['web-1', 'WEB-2', 'cdn-x', 'postgres', 'api', 'é-svc'],
  cluster: ['eu-1', 'us-2', 'ap-3'],
  alertname: ['DiskFull', 'KubePodCrash', 'Up'],
};
const NAMES = Object.keys(LABEL_VALUES);
const REGEXES = [
  'a|b',
  '(?i)WEB-.*',
  '(?i)(web|cdn)-[0-9x]+',
  'prod|stage',
  '.*',
  '',
  '.+',
  'eu-.*|us-.*',
  '[a-d].*',
  'crit.*|warn.*',
  '(?i)A',
  'post(gres)?',
  'Kube.*',
  'front end|db',
];
const RECEIVERS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
const OPS = ['=', '!=', '=~', '!~'] as const;

// Go-style double-quoted value for a matcher string or a label argument.
const quote = (v: string) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

function randomValue(rng: Random, name: string): string {
  return rng.chance(0.1) ? '' : rng.pick(LABEL_VALUES[name]!);
}

// One route's YAML object: matchers in any of the three forms the config allows.
function randomRoute(rng: Random, depth: number, budget: { routes: number }): Record<string, unknown> {
  const route: Record<string, unknown> = {};
  if (rng.chance(0.6)) route.receiver = rng.pick(RECEIVERS);
  const matchers: string[] = [];
  const match: Record<string, string> = {};
  const matchRe: Record<string, string> = {};
  for (let i = rng.int(4); i > 0; i--) {
    const name = rng.pick(NAMES);
    const op = rng.pick(OPS);
    const form = rng.next();
    if (op === '=' && form < 0.25) match[name] = randomValue(rng, name);
    else if (op === '=~' && form < 0.25) matchRe[name] = rng.pick(REGEXES);
    else matchers.push(`${name}${op}${quote(op.length === 2 && op[1] === '~' ? rng.pick(REGEXES) : randomValue(rng, name))}`);
  }
  if (Object.keys(match).length) route.match = match;
  if (Object.keys(matchRe).length) route.match_re = matchRe;
  if (matchers.length) route.matchers = matchers;
  if (rng.chance(0.35)) route.continue = true;
  if (rng.chance(0.3)) route.group_by = rng.pick([['alertname'], ['...'], ['team', 'env'], []]);
  const children: Record<string, unknown>[] = [];
  while (depth < 4 && budget.routes > 0 && rng.chance(depth === 0 ? 0.85 : 0.45)) {
    budget.routes--;
    children.push(randomRoute(rng, depth + 1, budget));
  }
  if (children.length) route.routes = children;
  return route;
}

function randomConfig(rng: Random): string {
  const root = randomRoute(rng, 0, { routes: 4 + rng.int(22) });
  // The root takes no matchers and must name a receiver.
  delete root.match;
  delete root.match_re;
  delete root.matchers;
  delete root.continue;
  root.receiver = 'root';
  return stringify({ route: root, receivers: ['root', ...RECEIVERS].map((name) => ({ name })) });
}

function randomLabelArgs(rng: Random): string[] {
  const args: string[] = [];
  for (const name of NAMES) if (rng.chance(0.7)) args.push(`${name}=${quote(randomValue(rng, name))}`);
  return args;
}

function testFlags(rng: Random): string[] {
  const flags: string[] = [];
  if (rng.chance(0.35)) flags.push('--tree');
  if (rng.chance(0.2)) flags.push(`--verify.receivers=${rng.pick(['root', 'r1', 'r0,r1', 'r2,root'])}`);
  return flags;
}

test('compat: routes test/show on routes.example.yaml equal amtool', { skip: !amtool && missingOracleReason('amtool') }, async () => {
  const rng = seededRandom(20250425);
  const handPicked = [
    ['team=database', 'severity=critical', 'service=postgres', 'env=prod'],
    ['team=database', 'severity=warning'],
    ['service=WEB-7', 'severity=warning', 'env=prod'],
    ['service=cdn-1', 'severity=info'],
    ['team=platform', 'cluster=eu-west', 'alertname=KubeNodeDown'],
    ['team=platform', 'cluster=ap-south'],
    ['severity=none'],
    [],
  ];
  const cases: Case[] = [{ what: 'routes show', args: ['routes', 'show', `--config.file=${EXAMPLE}`] }];
  for (const labels of handPicked) {
    cases.push({ what: 'routes test', args: ['routes', 'test', '--config.file', EXAMPLE, ...labels] });
    cases.push({ what: 'routes test --tree', args: ['routes', 'test', '--config.file', EXAMPLE, '--tree', ...labels] });
  }
  cases.push({
    what: 'verify ok',
    args: ['routes', 'test', '--config.file', EXAMPLE, '--verify.receivers=archive-webhook,team-db-email', 'team=database'],
  });
  cases.push({ what: 'verify wrong', args: ['routes', 'test', '--config.file', EXAMPLE, '--verify.receivers=ops-email', 'team=database'] });
  const vocabulary: Record<string, readonly string[]> = {
    team: ['database', 'platform', 'frontend', 'DATABASE'],
    severity: ['critical', 'warning', 'info', 'none'],
    env: ['prod', 'production', 'dev', 'stage'],
    service: ['postgres', 'mysql', 'web-1', 'Frontend-x', 'CDN-', 'cdn-eu'],
    cluster: ['eu-1', 'us-east', 'ap-1'],
    alertname: ['KubePodCrash', 'DiskFull', 'ClusterDown'],
  };
  for (let i = 0; i < 60; i++) {
    const labels = Object.entries(vocabulary)
      .filter(() => rng.chance(0.6))
      .map(([name, values]) => `${name}=${quote(rng.pick(values))}`);
    cases.push({ what: `random labels #${i}`, args: ['routes', 'test', '--config.file', EXAMPLE, ...testFlags(rng), ...labels] });
  }
  const diffs = await differences(cases);
  assert.equal(diffs.length, 0, `${diffs.length} of ${cases.length} cases differ:\n${diffs.slice(0, 5).join('\n')}`);
});

test(
  `compat: routes test/show on ${TREES} generated routing trees equal amtool`,
  { skip: !amtool && missingOracleReason('amtool') },
  async () => {
    const rng = seededRandom(7);
    const cases: Case[] = [];
    for (let t = 0; t < TREES; t++) {
      const file = join(dir, `tree-${t}.yml`);
      writeFileSync(file, randomConfig(rng));
      cases.push({ what: `tree ${t}: routes show`, args: ['routes', '--config.file', file] });
      for (let s = 0; s < LABEL_SETS_PER_TREE; s++) {
        cases.push({ what: `tree ${t}, label set ${s}`, args: ['routes', 'test', `--config.file=${file}`, ...testFlags(rng), ...randomLabelArgs(rng)] });
      }
    }
    const diffs = await differences(cases);
    assert.equal(diffs.length, 0, `${diffs.length} of ${cases.length} cases differ (configs in ${dir}):\n${diffs.slice(0, 5).join('\n')}`);
  },
);

test('compat: routes show/test on the good config fixtures equal amtool', { skip: !amtool && missingOracleReason('amtool') }, async () => {
  const good = join(import.meta.dirname, '..', 'fixtures', 'config', 'good');
  const files = existsSync(good) ? readdirSync(good).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(good, f)) : [];
  const cases: Case[] = files.flatMap((file) => [
    { what: `${file}: routes show`, args: ['routes', 'show', '--config.file', file] },
    { what: `${file}: routes test`, args: ['routes', 'test', '--config.file', file, '--tree', 'alertname=Test', 'severity=critical', 'team=a'] },
  ]);
  const diffs = await differences(cases);
  assert.equal(diffs.length, 0, `${diffs.length} of ${cases.length} cases differ:\n${diffs.slice(0, 5).join('\n')}`);
});

test('compat: refusals exit 1 on both sides', { skip: !amtool && missingOracleReason('amtool') }, async () => {
  const cases: Case[] = [
    { what: 'non-equality label', args: ['routes', 'test', '--config.file', EXAMPLE, 'team!=a'] },
    { what: 'bad label', args: ['routes', 'test', '--config.file', EXAMPLE, 'bad-name=1'] },
    { what: 'missing config file', args: ['routes', 'test', '--config.file', join(dir, 'absent.yml'), 'a=b'] },
    { what: 'unknown flag', args: ['routes', 'test', '--config.file', EXAMPLE, '--nope'] },
    { what: 'flag without value', args: ['routes', 'test', '--config.file'] },
    { what: 'repeated flag', args: ['routes', 'test', '--config.file', EXAMPLE, '--verify.receivers=a', '--verify.receivers=b'] },
  ];
  for (const c of cases) {
    const [theirs, ours] = await Promise.all([runAmtool(c.args), runOurs(c.args)]);
    assert.equal(theirs.exitCode, 1, `${c.what}: amtool exit`);
    assert.equal(ours.exitCode, 1, `${c.what}: alertrouter exit`);
    assert.equal(ours.stdout, theirs.stdout, `${c.what}: stdout`);
  }
});
