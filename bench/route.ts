/**
 * node --import tsx bench/route.ts — routing throughput: 100k label sets through a 200-route tree
 * (equality, negation and regex matchers incl. (?i), nesting, `continue`), timing Route.match
 * alone and match + groupKey per matched route, as the dispatcher does per incoming alert.
 *
 * Env: BENCH_ROUTES (default 200), BENCH_LABELSETS (default 100000), BENCH_SEED (default 1).
 */
import type { RouteConfig } from '../src/config/types.js';
import { buildRouteTree } from '../src/dispatch/route.js';
import type { Labels } from '../src/labels/labels.js';
import { newMatcher, type Matcher } from '../src/labels/matcher.js';
import { seededRandom } from '../test/support/random.js';

const ROUTES = Number(process.env.BENCH_ROUTES ?? 200);
const LABEL_SETS = Number(process.env.BENCH_LABELSETS ?? 100_000);
const rng = seededRandom(Number(process.env.BENCH_SEED ?? 1));
const random = rng.next;
const pick = rng.pick;

const TEAMS = Array.from({ length: 40 }, (_, i) => `team-${i}`);
const SERVICES = Array.from({ length: 60 }, (_, i) => `svc-${i}`);

function matcherFor(depth: number): Matcher {
  switch (Math.floor(random() * 6)) {
    case 0:
      return newMatcher('=', 'team', pick(TEAMS));
    case 1:
      return newMatcher('=~', 'service', `${pick(SERVICES)}|${pick(SERVICES)}`);
    case 2:
      return newMatcher('=~', 'instance', `(?i)HOST-${depth}${Math.floor(random() * 10)}.*`);
    case 3:
      return newMatcher('!=', 'env', pick(['dev', 'stage']));
    case 4:
      return newMatcher('!~', 'severity', 'info|none');
    default:
      return newMatcher('=~', 'alertname', `${pick(['Disk', 'Cpu', 'Mem', 'Net'])}.*`);
  }
}

let made = 0;
function routeConfig(depth: number, matchers: Matcher[]): RouteConfig {
  made++;
  const routes: RouteConfig[] = [];
  while (made < ROUTES && depth < 4 && (depth === 0 || (routes.length < 5 && random() < 0.6))) {
    routes.push(routeConfig(depth + 1, [matcherFor(depth), ...(random() < 0.4 ? [matcherFor(depth)] : [])]));
  }
  return {
    receiver: depth === 0 || random() < 0.5 ? `r-${made}` : undefined,
    groupBy: random() < 0.5 ? ['alertname', 'cluster'] : undefined,
    groupByAll: false,
    matchers,
    continue: random() < 0.2,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes,
  };
}

const root = buildRouteTree(routeConfig(0, []));
let routeCount = 0;
root.walk(() => routeCount++);

const labelSets: Labels[] = Array.from({ length: LABEL_SETS }, (_, i) => ({
  alertname: `${pick(['Disk', 'Cpu', 'Mem', 'Net', 'Other'])}Usage`,
  team: pick(TEAMS),
  service: pick(SERVICES),
  instance: `host-${Math.floor(random() * 100)}.example.org:9100`,
  env: pick(['prod', 'dev', 'stage']),
  severity: pick(['critical', 'warning', 'info']),
  cluster: `eu-${i % 3}`,
}));

function time(label: string, fn: (labels: Labels) => number): void {
  for (let i = 0; i < 10_000; i++) fn(labelSets[i % labelSets.length]!); // warm-up
  const t0 = performance.now();
  let matched = 0;
  for (const labels of labelSets) matched += fn(labels);
  const ms = performance.now() - t0;
  const perSec = (labelSets.length / ms) * 1000;
  console.log(
    `${label.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms  ${Math.round(perSec).toLocaleString('en').padStart(11)} label sets/s  ` +
      `${((ms * 1e6) / labelSets.length).toFixed(0).padStart(6)} ns each  (${(matched / labelSets.length).toFixed(2)} routes/set)`,
  );
}

console.log(`routing tree: ${routeCount} routes; ${labelSets.length.toLocaleString('en')} label sets of 7 labels`);
time('match', (labels) => root.match(labels).length);
time('match + groupKey', (labels) => {
  let n = 0;
  for (const route of root.match(labels)) n += route.groupKey(labels).length > 0 ? 1 : 0;
  return n;
});
