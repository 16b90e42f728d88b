/**
 * The dispatcher (Alertmanager's dispatch.Dispatcher): takes every alert the store holds or
 * receives, routes it through the routing tree, and puts it into the aggregation group of
 * each matched route and its group labels, creating the group on first use. Groups flush to
 * the notify pipeline on their own timers; a group a flush left empty is removed at once
 * (Alertmanager sweeps empty groups every 30 s instead; removing them right away makes the
 * next alert with those labels start a fresh group with group_wait, deterministically).
 */
import type { Logger } from 'pino';
import type { Alert } from '../alert/alert.js';
import { LabelValuesMap } from '../labels/label-values-map.js';
import { compareStrings, fingerprint, type Labels } from '../labels/labels.js';
import type { Stage } from '../pipeline/stage.js';
import type { AlertStoreListener } from '../store/alerts.js';
import type { Clock } from '../util/clock.js';
import { AggregationGroup } from './aggregation-group.js';
import { compareLabelSets } from './order.js';
import type { Route } from './route.js';

/**
 * One route's aggregation groups, found by an alert's group labels: by its group_by values
 * (nested Maps, no key string built per alert), or by its fingerprint when the route groups by
 * every label (the group labels are then the alert's labels).
 */
class RouteGroups {
  readonly #byValues: LabelValuesMap<AggregationGroup> | undefined;
  readonly #byFingerprint: Map<string, AggregationGroup> | undefined;

  constructor(route: Route) {
    if (route.groupByAll) this.#byFingerprint = new Map();
    else this.#byValues = new LabelValuesMap(route.groupBy, { absentAs: undefined });
  }

  /** The group of an alert with these labels; `labelsFingerprint` saves hashing them again. */
  get(labels: Labels, labelsFingerprint?: string): AggregationGroup | undefined {
    return this.#byValues ? this.#byValues.get(labels) : this.#byFingerprint!.get(labelsFingerprint ?? fingerprint(labels));
  }

  set(group: AggregationGroup, labelsFingerprint?: string): void {
    if (this.#byValues) this.#byValues.set(group.labels, group);
    else this.#byFingerprint!.set(labelsFingerprint ?? fingerprint(group.labels), group);
  }

  delete(group: AggregationGroup): void {
    if (this.#byValues) this.#byValues.delete(group.labels);
    else this.#byFingerprint!.delete(fingerprint(group.labels));
  }

  get size(): number {
    return this.#byValues ? this.#byValues.size : this.#byFingerprint!.size;
  }

  values(): IterableIterator<AggregationGroup> {
    return this.#byValues ? this.#byValues.values() : this.#byFingerprint!.values();
  }
}

/** The part of AlertStore the dispatcher reads. */
export interface AlertSource {
  list(): Alert[];
  subscribe(listener: AlertStoreListener): () => void;
}

export interface DispatcherOptions {
  readonly alerts: AlertSource;
  /** Root of the routing tree. */
  readonly route: Route;
  /** The notify pipeline every flush goes through. */
  readonly stage: Stage;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One aggregation group as GET /api/v2/alerts/groups shows it. */
export interface AlertGroupView {
  readonly labels: Labels;
  readonly receiver: string;
  readonly groupKey: string;
  readonly routeKey: string;
  readonly routeId: string;
  /** The held alerts (resolved ones not yet notified included), in notification order. */
  readonly alerts: readonly Alert[];
  /** When the next flush is due; undefined once the group stopped. */
  readonly nextFlushAtMs: number | undefined;
  /** Whether a flush is running now. */
  readonly flushing: boolean;
}

export interface DispatcherStopOptions {
  /**
   * How long running flushes may go on before they are aborted (graceful shutdown: a
   * notification being sent is finished rather than cut off). 0, the default, aborts at once.
   */
  readonly graceMs?: number;
}

export class Dispatcher {
  private readonly source: AlertSource;
  private readonly root: Route;
  private readonly stage: Stage;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Route → its groups. Routes are told apart by identity, as their keys may repeat. */
  private readonly groupsByRoute = new Map<Route, RouteGroups>();
  private groupCount = 0;
  private unsubscribe: (() => void) | undefined;
  /** Aborted by a graceful stop: flushes finish the attempt they are in, and retry no more. */
  private readonly retries = new AbortController();

  constructor(options: DispatcherOptions) {
    this.source = options.alerts;
    this.root = options.route;
    this.stage = options.stage;
    this.clock = options.clock;
    this.logger = options.logger.child({ component: 'dispatcher' });
  }

  /** Routes every alert already held, then every alert put from now on. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.source.subscribe({ onPut: (alert) => this.process(alert) });
    for (const alert of this.source.list()) this.process(alert);
  }

  /**
   * Stops listening and cancels every group's timer; running flushes are aborted at once, or
   * may finish the attempts they are in (no retry starts) for up to `graceMs` (on the clock),
   * then are aborted. Resolves once every flush has returned.
   */
  async stop(options: DispatcherStopOptions = {}): Promise<void> {
    const graceMs = options.graceMs ?? 0;
    this.retries.abort(new Error('shutting down'));
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const groups = this.allGroups();
    for (const g of groups) g.stop({ abortFlush: graceMs <= 0 });
    this.groupsByRoute.clear();
    this.groupCount = 0;
    const settled = Promise.all(groups.map((g) => g.settled()));
    if (graceMs > 0 && groups.some((g) => g.flushInProgress)) {
      let cancel = (): void => {};
      const graceOver = new Promise<'timeout'>((resolve) => (cancel = this.clock.setTimer(graceMs, () => resolve('timeout'))));
      const first = await Promise.race([settled, graceOver]);
      cancel();
      if (first === 'timeout') {
        const cut = groups.filter((g) => g.flushInProgress);
        this.logger.warn({ groups: cut.map((g) => g.groupKey), graceMs }, 'notifications still in flight after the grace period; aborting them');
        for (const g of cut) g.abortFlush();
      }
    }
    await settled;
  }

  /** alertmanager_dispatcher_aggregation_groups. */
  aggregationGroupCount(): number {
    return this.groupCount;
  }

  /** Groups in Alertmanager's order (group labels, then receiver), alerts in notification order. */
  groups(): AlertGroupView[] {
    const views = this.allGroups().map(view);
    return views.sort((a, b) => compareLabelSets(a.labels, b.labels) || compareStrings(a.receiver, b.receiver));
  }

  /** The group of `route` an alert with these labels belongs to, if it exists now. */
  groupOf(route: Route, labels: Labels): AlertGroupView | undefined {
    const group = this.groupsByRoute.get(route)?.get(labels);
    return group && view(group);
  }

  /**
   * Fingerprints of every alert some group still holds, e.g. a resolved alert whose resolved
   * notification is not sent yet: pass to AlertStore.gc's `retain` so it survives a restart.
   */
  heldFingerprints(): Set<string> {
    const held = new Set<string>();
    for (const g of this.allGroups()) for (const fp of g.fingerprints()) held.add(fp);
    return held;
  }

  private allGroups(): AggregationGroup[] {
    const out: AggregationGroup[] = [];
    for (const groups of this.groupsByRoute.values()) out.push(...groups.values());
    return out;
  }

  private process(alert: Alert): void {
    for (const route of this.root.match(alert.labels)) this.insert(alert, route);
  }

  private insert(alert: Alert, route: Route): void {
    let groups = this.groupsByRoute.get(route);
    if (!groups) {
      groups = new RouteGroups(route);
      this.groupsByRoute.set(route, groups);
    }
    let group = groups.get(alert.labels, alert.fingerprint);
    if (!group) {
      group = new AggregationGroup({
        route,
        labels: route.groupLabels(alert.labels),
        clock: this.clock,
        stage: this.stage,
        logger: this.logger,
        onEmpty: (g) => this.remove(g),
        stopRetrying: this.retries.signal,
      });
      groups.set(group, alert.fingerprint);
      this.groupCount++;
    }
    group.insert(alert);
  }

  private remove(group: AggregationGroup): void {
    const groups = this.groupsByRoute.get(group.route);
    if (groups?.get(group.labels) !== group) return;
    group.stop();
    groups.delete(group);
    if (groups.size === 0) this.groupsByRoute.delete(group.route);
    this.groupCount--;
  }
}

function view(g: AggregationGroup): AlertGroupView {
  return {
    labels: g.labels,
    receiver: g.route.receiver,
    groupKey: g.groupKey,
    routeKey: g.route.key(),
    routeId: g.route.id(),
    alerts: g.alerts(),
    nextFlushAtMs: g.nextFlushAtMs,
    flushing: g.flushInProgress,
  };
}
