/**
 * The routing tree as written, checked as Alertmanager 0.25 checks it: group_by rules, non-zero
 * group_interval and repeat_interval, known receivers and time intervals everywhere, and a root
 * route that catches every alert. Only the root's unset timings are filled; children keep
 * undefined so dispatch/route.ts can inherit.
 */
import type { Cursor } from './cursor.js';
import { DEFAULT_GROUP_INTERVAL_MS, DEFAULT_GROUP_WAIT_MS, DEFAULT_REPEAT_INTERVAL_MS } from './defaults.js';
import { readMatchMap, readMatchReMap, readMatcherList } from './matchers.js';
import type { RouteConfig } from './types.js';
import { LABEL_NAME_WANTED, isLabelName } from './values.js';

const ROUTE_KEYS = [
  'receiver', 'group_by', 'match', 'match_re', 'matchers', 'mute_time_intervals', 'active_time_intervals',
  'continue', 'routes', 'group_wait', 'group_interval', 'repeat_interval',
] as const;

/** Names a route may refer to. */
export interface RouteRefs {
  readonly receivers: ReadonlySet<string>;
  readonly timeIntervals: ReadonlySet<string>;
}

function readGroupBy(c: Cursor): { groupBy?: readonly string[]; groupByAll: boolean } {
  const items = c.list();
  if (!items) return { groupByAll: false };
  const labels: string[] = [];
  let all = false;
  for (const item of items) {
    const name = item.str() ?? '';
    if (name === '...') {
      all = true;
      continue;
    }
    if (!isLabelName(name)) item.fail('invalid label name in group_by list', `${LABEL_NAME_WANTED}, or "..." alone`);
    if (labels.includes(name)) item.fail(`duplicated label "${name}" in group_by`, 'each label once');
    labels.push(name);
  }
  if (all && labels.length > 0) {
    c.fail('cannot have wildcard group_by ("...") and other labels at the same time', '["..."] alone, or a list of label names', JSON.stringify(['...', ...labels]));
  }
  // As Alertmanager: only a non-empty label list is set; [] and ['...'] leave it to inherit.
  return labels.length > 0 ? { groupBy: Object.freeze(labels), groupByAll: all } : { groupByAll: all };
}

function readNonZero(c: Cursor, key: string): number | undefined {
  const ms = c.durationMs();
  if (ms === 0) c.fail(`${key} cannot be zero`, 'a duration above 0 like "5m"');
  return ms;
}

// "one of "a", "b"" for messages, shortened when a config defines many names.
function oneOf(names: ReadonlySet<string>, none: string): string {
  if (names.size === 0) return none;
  const shown = [...names].slice(0, 10).map((n) => JSON.stringify(n));
  return `one of ${shown.join(', ')}${names.size > 10 ? `, … (${names.size} in all)` : ''}`;
}

function readIntervalNames(c: Cursor, refs: RouteRefs): string[] {
  return (c.list() ?? []).map((item) => {
    const name = item.str() ?? '';
    if (!refs.timeIntervals.has(name)) item.fail('undefined time interval used in route', oneOf(refs.timeIntervals, 'a name defined under time_intervals (none are)'));
    return name;
  });
}

type RouteFields = Record<(typeof ROUTE_KEYS)[number], Cursor>;

function readRoute(c: Cursor, refs: RouteRefs): { route: RouteConfig; f: RouteFields; matcherSources: Cursor[] } {
  const f = c.fields(ROUTE_KEYS, 'route');
  if (!f) return c.fail('empty route', 'a mapping of route options');
  const receiver = f.receiver.text();
  if (receiver !== undefined && !refs.receivers.has(receiver)) {
    f.receiver.fail('undefined receiver used in route', oneOf(refs.receivers, 'a receiver defined under receivers (none are)'));
  }
  const match = readMatchMap(f.match);
  const matchRe = readMatchReMap(f.match_re);
  const listed = readMatcherList(f.matchers);
  const route: RouteConfig = Object.freeze({
    receiver,
    ...readGroupBy(f.group_by),
    matchers: Object.freeze([...match, ...matchRe, ...listed]),
    continue: f.continue.bool() ?? false,
    groupWaitMs: f.group_wait.durationMs(),
    groupIntervalMs: readNonZero(f.group_interval, 'group_interval'),
    repeatIntervalMs: readNonZero(f.repeat_interval, 'repeat_interval'),
    muteTimeIntervals: Object.freeze(readIntervalNames(f.mute_time_intervals, refs)),
    activeTimeIntervals: Object.freeze(readIntervalNames(f.active_time_intervals, refs)),
    routes: Object.freeze((f.routes.list() ?? []).map((child) => readRoute(child, refs).route)),
  });
  // Alertmanager refuses a root with `match: {a: b}` but not with `match: {}`: what counts is
  // whether any matcher came out of an option.
  const matcherSources = [
    ...(match.length > 0 ? [f.match] : []),
    ...(matchRe.length > 0 ? [f.match_re] : []),
    ...(listed.length > 0 ? [f.matchers] : []),
  ];
  return { route, f, matcherSources };
}

/**
 * The root `route`. It must name a receiver and may not match, continue, or be muted or
 * activated by time intervals; its unset group_wait / group_interval / repeat_interval get
 * Alertmanager's defaults (30s, 5m, 4h).
 */
export function readRootRoute(c: Cursor, refs: RouteRefs): RouteConfig {
  if (!c.present) return c.fail('no route provided in config', 'a route with at least a receiver', 'no route');
  const { route, f, matcherSources } = readRoute(c, refs);
  if (route.receiver === undefined) f.receiver.fail('root route must specify a default receiver', 'a receiver name', 'nothing');
  const firstMatcher = matcherSources[0];
  if (firstMatcher) firstMatcher.fail('root route must not have any matchers', 'no match, match_re or matchers on the root route: it catches every alert');
  if (route.muteTimeIntervals.length > 0) f.mute_time_intervals.fail('root route must not have any mute time intervals', 'mute_time_intervals on child routes only');
  if (route.activeTimeIntervals.length > 0) f.active_time_intervals.fail('root route must not have any active time intervals', 'active_time_intervals on child routes only');
  if (route.continue) f.continue.fail('cannot have continue in root route', 'continue on child routes only');
  return Object.freeze({
    ...route,
    groupWaitMs: route.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS,
    groupIntervalMs: route.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS,
    repeatIntervalMs: route.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS,
  });
}
