import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteConfig } from '../../src/config/types.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { newMatcher, type Matcher } from '../../src/labels/matcher.js';
import { LabelArgError, formatRoutesShow, parseLabelArgs, routesTest } from '../../src/cli/routes.js';
import { formatTree } from '../../src/cli/treeprint.js';

function route(receiver: string | undefined, matchers: Matcher[], extra: Partial<RouteConfig> = {}): RouteConfig {
  return { receiver, matchers, groupByAll: false, continue: false, muteTimeIntervals: [], activeTimeIntervals: [], routes: [], ...extra };
}

// The tree of this YAML (what amtool was run on to get the expected texts below):
//   route: {receiver: default, routes: [
//     {matchers: [team="a", severity=~"crit|warn"], receiver: a, continue: true, routes: [
//        {match: {env: prod}, receiver: a-prod}, {match_re: {env: "st.*"}, receiver: a-stage}]},
//     {matchers: ['team!="b"'], receiver: notb},
//     {receiver: catch}]}
const root = buildRouteTree(
  route('default', [], {
    routes: [
      route('a', [newMatcher('=', 'team', 'a'), newMatcher('=~', 'severity', 'crit|warn')], {
        continue: true,
        routes: [route('a-prod', [newMatcher('=', 'env', 'prod')]), route('a-stage', [newMatcher('=~', 'env', '^(?:st.*)$')])],
      }),
      route('notb', [newMatcher('!=', 'team', 'b')]),
      route('catch', []),
    ],
  }),
);

test('routes show: prints the tree as amtool config routes show does', () => {
  assert.equal(
    formatRoutesShow(root),
    `Routing tree:
.
└── default-route  receiver: default
    ├── {severity=~"crit|warn",team="a"}  continue: true  receiver: a
    │\u00a0\u00a0 ├── {env="prod"}  receiver: a-prod
    │\u00a0\u00a0 └── {env=~"^(?:st.*)$"}  receiver: a-stage
    ├── {team!="b"}  receiver: notb
    └── default-route  receiver: catch

`,
  );
});

test('routes test: receivers comma-joined in tree order, with the matching tree on --tree', () => {
  const result = routesTest(root, { team: 'a', severity: 'crit', env: 'prod' }, { tree: true, verifyReceivers: '' });
  assert.equal(
    result.stdout,
    `Matching routes:
.
└── default-route
    ├── {severity=~"crit|warn",team="a"}
    │\u00a0\u00a0 └── {env="prod"}  receiver: a-prod
    └── {team!="b"}  receiver: notb


a-prod,notb
`,
  );
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.receivers, ['a-prod', 'notb']);
});

test('routes test: a route whose children all miss ends the branch with its own receiver', () => {
  const result = routesTest(root, { team: 'a', severity: 'warn' }, { tree: true, verifyReceivers: '' });
  assert.match(result.stdout, /├── \{severity=~"crit\|warn",team="a"\}  receiver: a\n/);
  assert.match(result.stdout, /\na,notb\n$/);
});

test('routes test: falls back to the catch-all; no labels at all reach it too', () => {
  assert.equal(routesTest(root, { team: 'b' }, { tree: false, verifyReceivers: '' }).stdout, 'catch\n');
  assert.equal(routesTest(root, {}, { tree: false, verifyReceivers: '' }).stdout, 'notb\n');
});

test('routes test: --verify.receivers passes on an exact match and fails with a warning otherwise', () => {
  const ok = routesTest(root, { team: 'b' }, { tree: false, verifyReceivers: 'catch' });
  assert.deepEqual([ok.stdout, ok.exitCode], ['catch\n', 0]);
  const bad = routesTest(root, { team: 'b' }, { tree: false, verifyReceivers: 'x' });
  assert.deepEqual([bad.stdout, bad.exitCode], ['catch\nWARNING: Expected receivers did not match resolved receivers.\n', 1]);
  // Order matters: amtool compares the joined string.
  assert.equal(routesTest(root, { team: 'a', severity: 'crit' }, { tree: false, verifyReceivers: 'notb,a' }).exitCode, 1);
});

test('routes test: the same receiver reached twice is printed twice, as amtool does', () => {
  const twice = buildRouteTree(
    route('default', [], { routes: [route('x', [], { continue: true }), route('x', [newMatcher('=', 'a', '1')])] }),
  );
  assert.equal(routesTest(twice, { a: '1' }, { tree: false, verifyReceivers: '' }).stdout, 'x,x\n');
});

test('label args: plain, quoted, spaced and escaped forms; a later duplicate wins', () => {
  assert.deepEqual(parseLabelArgs(['team=a', 'msg="say \\"hi\\""', ' env = prod ', 'a=1', 'a=2', 'empty=']), {
    team: 'a',
    msg: 'say "hi"',
    env: 'prod',
    a: '2',
    empty: '',
  });
});

test('label args: anything but = is refused, as is a bad name', () => {
  assert.throws(() => parseLabelArgs(['team!=b']), (e: unknown) => e instanceof LabelArgError && /key=value pairs/.test(e.message));
  assert.throws(() => parseLabelArgs(['team=~a']), LabelArgError);
  assert.throws(() => parseLabelArgs(['bad-name=1']), (e: unknown) => e instanceof LabelArgError && /bad matcher format/.test(e.message));
  assert.throws(() => parseLabelArgs(['false']), LabelArgError);
});

test('tree: a level stays linked while siblings follow and goes blank after the last one', () => {
  const leaf = (value: string) => ({ value, children: [] });
  const text = formatTree([
    { value: 'root', children: [{ value: 'a', children: [{ value: 'a1', children: [leaf('a1x')] }, leaf('a2')] }, { value: 'b', children: [leaf('b1')] }] },
  ]);
  const L = '│\u00a0\u00a0 ';
  assert.equal(
    text,
    ['.', '└── root', '    ├── a', `    ${L}├── a1`, `    ${L}${L}└── a1x`, `    ${L}└── a2`, '    └── b', '        └── b1', ''].join('\n'),
  );
});
