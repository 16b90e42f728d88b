/**
 * The routing tree: which route(s) an alert's labels reach, and the options (receiver,
 * grouping, timers, time intervals) that apply there. Pure and immutable once built.
 *
 * Semantics follow Alertmanager 0.25's dispatch.Route: options inherit from the parent when
 * unset, except mute/active time intervals, which apply to the route that names them only;
 * matching is depth-first, left to right, stopping after the first matching child unless that
 * child has `continue`, and a node none of whose children match is itself the match.
 */
import type { RouteConfig } from '../config/types.js';
import { compareStrings, formatLabels, type Labels } from '../labels/labels.js';
import { LabelValuesMap } from '../labels/label-values-map.js';
import { compareMatchers, formatMatchers, matchesAll, type Matcher } from '../labels/matcher.js';

/** Alertmanager's DefaultRouteOpts: what the root route inherits from. */
export const DEFAULT_ROUTE_OPTS = Object.freeze({
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
});

/** The options a route applies to the alerts it matches, after inheritance. */
type RouteOpts = Pick<Route, 'receiver' | 'groupBy' | 'groupByAll' | 'groupWaitMs' | 'groupIntervalMs' | 'repeatIntervalMs'>;

const ROOT_OPTS: RouteOpts = {
  receiver: '',
  groupBy: Object.freeze([]),
  groupByAll: false,
  ...DEFAULT_ROUTE_OPTS,
};

/** One node of the routing tree. Built by buildRouteTree; never mutated afterwards. */
export class Route {
  readonly parent: Route | undefined;
  /** Position among the parent's routes; -1 for the root. */
  readonly index: number;
  readonly receiver: string;
  /** Label names to group by, sorted; ignored when groupByAll. */
  readonly groupBy: readonly string[];
  /** `group_by: ['...']`: every label of the alert is a group label. */
  readonly groupByAll: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly continue: boolean;
  /** Sorted as Alertmanager sorts them (name, value, type), which fixes key() and tree output. */
  readonly matchers: readonly Matcher[];
  /** Names of time intervals during which this route is muted (not inherited). */
  readonly muteTimeIntervals: readonly string[];
  /** Names of time intervals outside which this route is muted (not inherited). */
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly Route[];

  readonly #groupBySet: ReadonlySet<string>;
  readonly #key: string;
  /** Root only: match() results by the values of the label names any matcher of the tree reads. */
  readonly #matchCache: MatchCache | undefined;

  private constructor(config: RouteConfig, parent: Route | undefined, index: number) {
    const inherited: RouteOpts = parent ?? ROOT_OPTS;
    this.parent = parent;
    this.index = index;
    this.receiver = config.receiver || inherited.receiver;
    // Alertmanager drops `...` from the list, so `group_by: ['...']` and `group_by: []` both leave
    // the list unset; only a non-empty list replaces the parent's (and clears group-by-all).
    if (config.groupBy !== undefined && config.groupBy.length > 0) {
      this.groupBy = Object.freeze([...new Set(config.groupBy)].sort(compareStrings));
      this.groupByAll = false;
    } else {
      this.groupBy = inherited.groupBy;
      this.groupByAll = config.groupByAll || inherited.groupByAll;
    }
    this.groupWaitMs = config.groupWaitMs ?? inherited.groupWaitMs;
    this.groupIntervalMs = config.groupIntervalMs ?? inherited.groupIntervalMs;
    this.repeatIntervalMs = config.repeatIntervalMs ?? inherited.repeatIntervalMs;
    this.continue = config.continue;
    this.matchers = Object.freeze([...config.matchers].sort(compareMatchers));
    this.muteTimeIntervals = Object.freeze([...config.muteTimeIntervals]);
    this.activeTimeIntervals = Object.freeze([...config.activeTimeIntervals]);
    this.#groupBySet = new Set(this.groupBy);
    // Keys are read per alert on the hot path (group keys), so compute them once.
    this.#key = (parent ? parent.#key + '/' : '') + formatMatchers(this.matchers);
    this.routes = Object.freeze(config.routes.map((child, i) => new Route(child, this, i)));
    if (parent === undefined) {
      const names = new Set<string>();
      this.walk((r) => r.matchers.forEach((m) => names.add(m.name)));
      this.#matchCache = { map: new LabelValuesMap([...names].sort(compareStrings), { absentAs: '' }), hits: 0, misses: 0, pausedFor: 0 };
    }
    Object.freeze(this);
  }

  /** @internal Used by buildRouteTree only. */
  static build(config: RouteConfig): Route {
    return new Route(config, undefined, -1);
  }

  /**
   * Alertmanager's route key: the matchers of every route from the root down to this one,
   * joined by `/`, e.g. `{}/{team="a"}`. Not unique: siblings with equal matchers share it.
   */
  key(): string {
    return this.#key;
  }

  /**
   * A unique identifier: key() plus `/<index among siblings>` for every route but the root,
   * as Alertmanager's Route.ID() (added in 0.27) computes it.
   */
  id(): string {
    return this.parent ? `${this.#key}/${this.index}` : this.#key;
  }

  /**
   * The routes an alert with these labels is handled by, in tree order (Alertmanager's
   * Route.Match): empty when this route's matchers reject the labels; otherwise the matches of
   * the children, tried left to right and stopping after the first match without `continue`;
   * this route itself when no child matched.
   */
  match(labels: Labels): Route[] {
    const cache = this.#matchCache;
    if (cache === undefined) return this.#walkMatch(labels);
    if (cache.pausedFor > 0) {
      cache.pausedFor--;
      return this.#walkMatch(labels);
    }
    // The answer depends only on the values of the labels the tree's matchers read (absent
    // reads as ''), so the root remembers it by those values: alerts repeat them (service,
    // severity, team…) while routing a 50-route tree runs dozens of matchers.
    let routes = cache.map.get(labels);
    if (routes !== undefined) {
      cache.hits++;
    } else {
      routes = Object.freeze(this.#walkMatch(labels));
      if (++cache.misses >= ROUTING_CACHE_CHECK_EVERY) {
        // When most recent lookups missed, the values read do not repeat (say, a matcher on
        // `instance`): remembering costs more than walking, so walk for a while, then try again.
        if (cache.hits < cache.misses) {
          cache.pausedFor = ROUTING_CACHE_PAUSE;
          cache.map.clear();
        }
        cache.hits = 0;
        cache.misses = 0;
      }
      if (cache.map.size >= ROUTING_CACHE_MAX) cache.map.clear();
      cache.map.set(labels, routes);
    }
    // A copy, so a caller may change its array without touching the cache.
    return routes.slice();
  }

  #walkMatch(labels: Labels): Route[] {
    const out: Route[] = [];
    this.#collect(labels, out);
    return out;
  }

  // Appends this subtree's matches to `out`, so one array serves the whole walk.
  #collect(labels: Labels, out: Route[]): void {
    if (!matchesAll(this.matchers, labels)) return;
    const before = out.length;
    for (const child of this.routes) {
      const mark = out.length;
      child.#collect(labels, out);
      if (out.length > mark && !child.continue) break;
    }
    if (out.length === before) out.push(this);
  }

  /** The labels that name an alert's aggregation group on this route: group_by's, or all with `...`. */
  groupLabels(labels: Labels): Labels {
    if (this.groupByAll) return { ...labels };
    const out: Record<string, string> = {};
    for (const name of this.groupBy) {
      if (Object.hasOwn(labels, name)) out[name] = labels[name]!;
    }
    return out;
  }

  /**
   * The aggregation group key Alertmanager uses (ag.GroupKey): `<route key>:<group labels>`,
   * e.g. `{}/{team="a"}:{alertname="Disk", env="prod"}`. Notification-log entries are keyed on it.
   */
  groupKey(labels: Labels): string {
    return `${this.#key}:${formatLabels(this.groupLabels(labels))}`;
  }

  /** Whether a label name is one this route groups by. */
  groupsBy(name: string): boolean {
    return this.groupByAll || this.#groupBySet.has(name);
  }

  /** Visits this route, then its descendants, depth first in tree order. */
  walk(visit: (route: Route) => void): void {
    visit(this);
    for (const child of this.routes) child.walk(visit);
  }
}

/** The root's match() results by label values, and how well they are reused. */
interface MatchCache {
  readonly map: LabelValuesMap<readonly Route[]>;
  hits: number;
  misses: number;
  /** Lookups left that skip the cache (after it filled up with answers never reused). */
  pausedFor: number;
}

// Bounds the root's match cache; it is cleared when full.
const ROUTING_CACHE_MAX = 10_000;
// Every this many misses the hit rate is checked; a poor one pauses the cache this many lookups.
const ROUTING_CACHE_CHECK_EVERY = 1024;
const ROUTING_CACHE_PAUSE = 100_000;

/** Builds the routing tree from the root route's config; inherits options as Alertmanager does. */
export function buildRouteTree(root: RouteConfig): Route {
  return Route.build(root);
}
