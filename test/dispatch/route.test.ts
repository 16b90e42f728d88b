import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeConfig as route } from '../support/route-config.js';
import { buildRouteTree, DEFAULT_ROUTE_OPTS, type Route } from '../../src/dispatch/route.js';
import { formatLabels } from '../../src/labels/labels.js';

const receivers = (routes: Route[]) => routes.map((r) => r.receiver);

test('route: root takes Alertmanager default timers and no grouping', () => {
  const root = buildRouteTree(route({ receiver: 'default' }));
  assert.equal(root.receiver, 'default');
  assert.equal(root.groupWaitMs, 30_000);
  assert.equal(root.groupIntervalMs, 300_000);
  assert.equal(root.repeatIntervalMs, 14_400_000);
  assert.deepEqual(DEFAULT_ROUTE_OPTS, { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
  assert.deepEqual(root.groupBy, []);
  assert.equal(root.groupByAll, false);
  assert.equal(root.parent, undefined);
});

test('route: unset receiver, group_by and timers inherit from the parent; set ones override', () => {
  const root = buildRouteTree(
    route({
      receiver: 'default',
      groupBy: ['cluster', 'alertname'],
      groupWaitMs: 10_000,
      repeatIntervalMs: 3600_000,
      routes: [
        route({ matchers: '{team="a"}', routes: [route({ matchers: '{env="prod"}', receiver: 'a-prod', groupIntervalMs: 60_000 })] }),
        route({ matchers: '{team="b"}', receiver: 'b', groupBy: ['service'], groupWaitMs: 1000 }),
      ],
    }),
  );
  const [a, b] = root.routes as [Route, Route];
  const aProd = a.routes[0]!;
  assert.equal(a.receiver, 'default');
  assert.deepEqual(a.groupBy, ['alertname', 'cluster']);
  assert.equal(a.groupWaitMs, 10_000);
  assert.equal(aProd.receiver, 'a-prod');
  assert.equal(aProd.groupWaitMs, 10_000);
  assert.equal(aProd.groupIntervalMs, 60_000);
  assert.equal(aProd.repeatIntervalMs, 3600_000);
  assert.deepEqual(aProd.groupBy, ['alertname', 'cluster']);
  assert.equal(aProd.parent, a);
  assert.deepEqual(b.groupBy, ['service']);
  assert.equal(b.groupWaitMs, 1000);
  assert.equal(b.groupIntervalMs, 300_000);
});

test('route: mute and active time intervals apply to the naming route only, not its children', () => {
  const root = buildRouteTree(
    route({
      receiver: 'r',
      routes: [
        route({
          matchers: '{team="a"}',
          muteTimeIntervals: ['weekends'],
          activeTimeIntervals: ['office'],
          routes: [route({ matchers: '{env="prod"}' })],
        }),
      ],
    }),
  );
  const a = root.routes[0]!;
  assert.deepEqual(a.muteTimeIntervals, ['weekends']);
  assert.deepEqual(a.activeTimeIntervals, ['office']);
  assert.deepEqual(a.routes[0]!.muteTimeIntervals, []);
  assert.deepEqual(a.routes[0]!.activeTimeIntervals, []);
});

test("route: group_by ['...'] groups by all labels and is inherited; a later list turns it off", () => {
  const root = buildRouteTree(
    route({
      receiver: 'r',
      groupByAll: true,
      routes: [route({ matchers: '{team="a"}' }), route({ matchers: '{team="b"}', groupBy: ['alertname'] })],
    }),
  );
  const labels = { alertname: 'Disk', team: 'a', instance: 'h1' };
  assert.equal(root.routes[0]!.groupByAll, true);
  assert.deepEqual(root.routes[0]!.groupLabels(labels), labels);
  assert.equal(root.routes[1]!.groupByAll, false);
  assert.deepEqual(root.routes[1]!.groupLabels({ ...labels, team: 'b' }), { alertname: 'Disk' });
});

test('route: an empty group_by list is the same as none (Alertmanager keeps the parent list)', () => {
  const root = buildRouteTree(route({ receiver: 'r', groupBy: ['alertname'], routes: [route({ matchers: '{x="1"}', groupBy: [] })] }));
  assert.deepEqual(root.routes[0]!.groupBy, ['alertname']);
});

test('route: match stops at the first matching child unless it has continue', () => {
  const root = buildRouteTree(
    route({
      receiver: 'default',
      routes: [
        route({ matchers: '{team="a"}', receiver: 'a', continue: true }),
        route({ matchers: '{severity="critical"}', receiver: 'pager' }),
        route({ matchers: '{team="a"}', receiver: 'a-again' }),
      ],
    }),
  );
  assert.deepEqual(receivers(root.match({ team: 'a', severity: 'critical' })), ['a', 'pager']);
  assert.deepEqual(receivers(root.match({ team: 'a' })), ['a', 'a-again']);
  assert.deepEqual(receivers(root.match({ severity: 'critical' })), ['pager']);
});

test('route: a node whose children all miss is itself the match (fallback to the parent)', () => {
  const root = buildRouteTree(
    route({
      receiver: 'default',
      routes: [route({ matchers: '{team="a"}', receiver: 'a', routes: [route({ matchers: '{env="prod"}', receiver: 'a-prod' })] })],
    }),
  );
  assert.deepEqual(receivers(root.match({ team: 'a', env: 'dev' })), ['a']);
  assert.deepEqual(receivers(root.match({ team: 'a', env: 'prod' })), ['a-prod']);
  assert.deepEqual(receivers(root.match({ team: 'z' })), ['default']);
});

test('route: a continue child that matches only at depth still counts as a match of its branch', () => {
  const root = buildRouteTree(
    route({
      receiver: 'default',
      routes: [
        route({
          matchers: '{team="a"}',
          receiver: 'a',
          continue: true,
          routes: [route({ matchers: '{env="prod"}', receiver: 'a-prod' }), route({ matchers: '{env="prod"}', receiver: 'never' })],
        }),
        route({ matchers: '{env=~"prod|stage"}', receiver: 'env' }),
      ],
    }),
  );
  assert.deepEqual(receivers(root.match({ team: 'a', env: 'prod' })), ['a-prod', 'env']);
  assert.deepEqual(receivers(root.match({ team: 'a', env: 'dev' })), ['a']);
  assert.deepEqual(receivers(root.match({ env: 'dev' })), ['default']);
});

test('route: match returns nothing when the route itself does not match', () => {
  const root = buildRouteTree(route({ receiver: 'r', matchers: '{team="a"}' }));
  assert.deepEqual(root.match({ team: 'b' }), []);
});

test('route: absent labels match as the empty string (!= and !~ accept them, =~ "" too)', () => {
  const root = buildRouteTree(
    route({
      receiver: 'default',
      routes: [route({ matchers: '{env!="prod"}', receiver: 'not-prod', continue: true }), route({ matchers: '{team=~""}', receiver: 'no-team' })],
    }),
  );
  assert.deepEqual(receivers(root.match({})), ['not-prod', 'no-team']);
  assert.deepEqual(receivers(root.match({ env: 'prod', team: 'x' })), ['default']);
});

test('route: matchers are sorted by name, value, then type, and the key joins them from the root', () => {
  const root = buildRouteTree(
    route({
      receiver: 'r',
      routes: [route({ matchers: '{team="a",severity=~"crit|warn",env!="dev",env="dev"}', routes: [route({ matchers: '{x="1"}' })] })],
    }),
  );
  const child = root.routes[0]!;
  assert.equal(root.key(), '{}');
  assert.equal(child.key(), '{}/{env="dev",env!="dev",severity=~"crit|warn",team="a"}');
  assert.equal(child.routes[0]!.key(), '{}/{env="dev",env!="dev",severity=~"crit|warn",team="a"}/{x="1"}');
});

test('route: id adds the index among siblings so equal keys stay distinct', () => {
  const root = buildRouteTree(
    route({ receiver: 'r', routes: [route({ matchers: '{team="a"}' }), route({ matchers: '{team="a"}', routes: [route({})] })] }),
  );
  const [first, second] = root.routes as [Route, Route];
  assert.equal(root.id(), '{}');
  assert.equal(first.key(), second.key());
  assert.equal(first.id(), '{}/{team="a"}/0');
  assert.equal(second.id(), '{}/{team="a"}/1');
  assert.equal(second.routes[0]!.id(), '{}/{team="a"}/{}/0');
});

test('route: group key is route key, colon, group labels as Prometheus prints a label set', () => {
  const root = buildRouteTree(
    route({ receiver: 'r', groupBy: ['alertname', 'job'], routes: [route({ matchers: '{team="a"}', groupBy: ['a', 'a1'] })] }),
  );
  assert.equal(root.groupKey({ alertname: 'Disk', job: 'node', instance: 'h' }), '{}:{alertname="Disk", job="node"}');
  // A label in group_by that the alert lacks is left out, not printed empty.
  assert.equal(root.groupKey({ alertname: 'Disk' }), '{}:{alertname="Disk"}');
  assert.equal(root.groupKey({ other: 'x' }), '{}:{}');
  // Pairs are sorted as whole strings: "a1=" before "a=" because '1' < '='.
  assert.equal(root.routes[0]!.groupKey({ team: 'a', a: 'x', a1: 'y' }), '{}/{team="a"}:{a1="y", a="x"}');
});

test('route: group key quotes values as Go %q does', () => {
  assert.equal(formatLabels({ msg: 'say "hi"\n\ttab', u: 'é\u0001' }), '{msg="say \\"hi\\"\\n\\ttab", u="é\\x01"}');
});

test('route: walk visits depth first in tree order', () => {
  const root = buildRouteTree(
    route({
      receiver: 'root',
      routes: [route({ receiver: 'a', routes: [route({ receiver: 'a1' }), route({ receiver: 'a2' })] }), route({ receiver: 'b' })],
    }),
  );
  const seen: string[] = [];
  root.walk((r) => seen.push(r.receiver));
  assert.deepEqual(seen, ['root', 'a', 'a1', 'a2', 'b']);
});

test('route: the tree is frozen', () => {
  const root = buildRouteTree(route({ receiver: 'r', routes: [route({ receiver: 'a' })] }));
  assert.throws(() => {
    (root as { receiver: string }).receiver = 'x';
  }, TypeError);
  assert.throws(() => {
    (root.routes as Route[]).push(root);
  }, TypeError);
});
