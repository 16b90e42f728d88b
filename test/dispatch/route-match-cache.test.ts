import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RouteConfig } from '../../src/config/types.js';
import { buildRouteTree, type Route } from '../../src/dispatch/route.js';
import type { Labels } from '../../src/labels/labels.js';
import { matchesAll } from '../../src/labels/matcher.js';
import { seededRandom } from '../support/random.js';
import { routeConfig as route } from '../support/route-config.js';

// Alertmanager's Route.Match, walked afresh every time (no cache): the reference.
function walk(r: Route, labels: Labels): Route[] {
  if (!matchesAll(r.matchers, labels)) return [];
  const out: Route[] = [];
  for (const child of r.routes) {
    const found = walk(child, labels);
    out.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  return out.length > 0 ? out : [r];
}

const VALUES = ['', 'a', 'b', 'critical', 'warning', 'svc-1-x', 'svc-12-y', 'Svc-1', 'x\ny'];
const NAMES = ['team', 'severity', 'service', 'env'];

describe('route: match results remembered by the root', () => {
  test('equal the uncached walk for random trees and label sets (repeated values hit the cache)', () => {
    const rng = seededRandom(11);
    const matcherText = (): string => {
      const name = rng.pick(NAMES);
      switch (rng.int(4)) {
        case 0:
          return `${name}="${rng.pick(VALUES).replace('\n', '\\n')}"`;
        case 1:
          return `${name}!="${rng.pick(['a', 'b', ''])}"`;
        case 2:
          return `${name}=~"${rng.pick(['svc-1-.*', 'critical|warning', '(?i)svc.*', 'a|b|', '.+'])}"`;
        default:
          return `${name}!~"${rng.pick(['a.*', 'warning', ''])}"`;
      }
    };
    const tree = (depth: number): RouteConfig =>
      route({
        receiver: `r${rng.int(1000)}`,
        continue: rng.chance(0.3),
        matchers: `{${Array.from({ length: rng.int(3) }, matcherText).join(',')}}`,
        routes: depth > 0 ? Array.from({ length: rng.int(4) }, () => tree(depth - 1)) : [],
      });
    for (let t = 0; t < 40; t++) {
      const root = buildRouteTree(tree(3));
      for (let i = 0; i < 300; i++) {
        const labels: Record<string, string> = { alertname: `A${i}` };
        for (const name of NAMES) if (rng.chance(0.7)) labels[name] = rng.pick(VALUES);
        assert.deepEqual(root.match(labels), walk(root, labels), JSON.stringify(labels));
      }
    }
  });

  test('stay right when values never repeat (the cache pauses itself) and when they repeat again', () => {
    const root = buildRouteTree(
      route({
        receiver: 'default',
        routes: [
          route({ receiver: 'odd', matchers: '{instance=~".*[13579]"}' }),
          route({ receiver: 'team-a', matchers: '{team="a"}', continue: true }),
          route({ receiver: 'even', matchers: '{instance=~".*[02468]"}' }),
        ],
      }),
    );
    for (let i = 0; i < 5000; i++) {
      const labels = { instance: `host-${i}`, team: i % 3 === 0 ? 'a' : 'b' };
      assert.deepEqual(root.match(labels), walk(root, labels), JSON.stringify(labels));
    }
    for (let i = 0; i < 200_000; i++) {
      const labels = { instance: `host-${i % 4}`, team: i % 3 === 0 ? 'a' : 'b' };
      if (i % 997 === 0) assert.deepEqual(root.match(labels), walk(root, labels), JSON.stringify(labels));
      else root.match(labels);
    }
  });

  test('an absent label and an empty one route alike; labels no matcher reads do not matter', () => {
    const root = buildRouteTree(
      route({ receiver: 'default', routes: [route({ receiver: 'no-team', matchers: '{team=""}' }), route({ receiver: 'team', matchers: '{team=~".+"}' })] }),
    );
    assert.deepEqual(root.match({ alertname: 'X' }).map((r) => r.receiver), ['no-team']);
    assert.deepEqual(root.match({ alertname: 'Y', team: '' }).map((r) => r.receiver), ['no-team']);
    assert.deepEqual(root.match({ alertname: 'Z', team: 'a' }).map((r) => r.receiver), ['team']);
  });

  test('values that concatenate alike still route apart', () => {
    const root = buildRouteTree(
      route({ receiver: 'default', routes: [route({ receiver: 'ab', matchers: '{x="ab",y=""}' }), route({ receiver: 'b', matchers: '{x="a",y="b"}' })] }),
    );
    assert.deepEqual(root.match({ x: 'ab' }).map((r) => r.receiver), ['ab']);
    assert.deepEqual(root.match({ x: 'a', y: 'b' }).map((r) => r.receiver), ['b']);
  });

  test('each call returns its own array: changing one does not change the next answer', () => {
    const root = buildRouteTree(route({ receiver: 'default', routes: [route({ receiver: 'a', matchers: '{team="a"}' })] }));
    const first = root.match({ team: 'a' });
    first.push(root);
    assert.deepEqual(root.match({ team: 'a' }).map((r) => r.receiver), ['a']);
  });
});
