/**
 * Why an alert is (or is not) being notified, in one answer (alertrouter's extension): the
 * routes it takes and the path to each from the root, its aggregation group per route and
 * when that group flushes next, whether it is muted and by what (silences, inhibiting alerts,
 * the route's time intervals right now), and when each integration last notified it.
 *
 * explainAlert only reads: the live state comes in through ExplainSources, so the daemon
 * passes closures over the current generation and tests pass real parts.
 */
import { isResolved, type Alert } from '../alert/alert.js';
import type { Labels } from '../labels/labels.js';
import { formatMatchers } from '../labels/matcher.js';
import type { NflogEntry, NflogKey } from '../nflog/nflog.js';
import type { HistoryEntry, HistoryQuery } from '../history/history.js';
import { inTimeIntervals, type TimeIntervals } from '../pipeline/mute.js';
import type { Route } from '../dispatch/route.js';
import type { AlertGroupView } from '../dispatch/dispatcher.js';
import type { Silence, SilenceState } from '../silence/silence.js';
import type { SilenceMatch } from '../silence/repository.js';
import type { AlertStatus } from '../store/marker.js';
import { formatDuration } from '../util/duration.js';
import { formatApiTime } from '../util/gotime.js';

/** What explainAlert reads; each part is the live one (after a reload, the new one). */
export interface ExplainSources {
  readonly nowMs: number;
  alert(fingerprint: string): Alert | undefined;
  /** The marker's status (ask the muters first if it should be current). */
  status(alert: Alert): AlertStatus;
  readonly route: Route;
  readonly timeIntervals: TimeIntervals;
  groupOf(route: Route, labels: Labels): AlertGroupView | undefined;
  matchSilences(labels: Labels, fingerprint: string): SilenceMatch;
  silence(id: string): Silence | undefined;
  /** Inhibit rules (by position) that inhibit the labels now, with every inhibiting alert. */
  inhibitions(labels: Labels): ReadonlyArray<{ readonly ruleIndex: number; readonly sources: readonly string[] }>;
  /** The receiver's integrations, in the order they are built. */
  integrations(receiver: string): ReadonlyArray<{ readonly integration: string; readonly index: number }>;
  nflog(key: NflogKey): NflogEntry | undefined;
  /** The notification history, when kept. */
  history?(q: HistoryQuery): HistoryEntry[];
}

/** One route on the way from the root to a matched route. */
export interface ExplainedRouteStep {
  readonly id: string;
  readonly receiver: string;
  readonly matchers: string;
  readonly continue: boolean;
}

export interface ExplainedTimeInterval {
  readonly name: string;
  /** Whether the interval contains the present moment. */
  readonly now: boolean;
}

export interface ExplainedIntegration {
  /** e.g. `webhook[0]`. */
  readonly name: string;
  readonly integration: string;
  readonly index: number;
  /** The last notification of the group through this integration (notification log). */
  readonly lastGroupNotification:
    | { readonly at: string; readonly firing: number; readonly resolved: number; readonly alertSentAs: 'firing' | 'resolved' | null }
    | null;
  /** The last attempt that sent this alert, and the last successful one (notification history). */
  readonly lastAttempt: ExplainedAttempt | null;
  readonly lastSuccess: ExplainedAttempt | null;
}

export interface ExplainedAttempt {
  readonly at: string;
  readonly attempt: number;
  readonly outcome: string;
  readonly error?: string;
}

export interface ExplainedRoute {
  readonly id: string;
  readonly key: string;
  readonly receiver: string;
  /** From the root down to this route. */
  readonly path: readonly ExplainedRouteStep[];
  readonly groupBy: readonly string[] | '...';
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
  /** The aggregation group the alert is in on this route; null when there is none (yet, or any more). */
  readonly group: {
    readonly groupKey: string;
    readonly labels: Labels;
    readonly alerts: number;
    readonly nextFlushAt: string | null;
    readonly flushing: boolean;
  } | null;
  readonly timeIntervals: {
    readonly mute: readonly ExplainedTimeInterval[];
    readonly active: readonly ExplainedTimeInterval[];
    /** Whether a flush now would send nothing because of them. */
    readonly mutedNow: boolean;
    readonly reason: string;
  };
  readonly integrations: readonly ExplainedIntegration[];
}

export interface Explanation {
  readonly fingerprint: string;
  readonly labels: Labels;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly resolved: boolean;
  readonly status: AlertStatus;
  readonly routes: readonly ExplainedRoute[];
  readonly muted: {
    /** Whether silences or inhibition hold its notifications back now (time intervals are per route). */
    readonly muted: boolean;
    readonly silences: ReadonlyArray<{
      readonly id: string;
      readonly state: SilenceState;
      readonly startsAt: string;
      readonly endsAt: string;
      readonly createdBy: string;
      readonly comment: string;
    }>;
    readonly inhibitions: ReadonlyArray<{ readonly ruleIndex: number; readonly sources: readonly string[] }>;
  };
}

/** The explanation for the alert held under `fingerprint`; undefined when no such alert is held. */
export function explainAlert(fingerprint: string, sources: ExplainSources): Explanation | undefined {
  const alert = sources.alert(fingerprint);
  if (!alert) return undefined;
  const { nowMs } = sources;
  const match = sources.matchSilences(alert.labels, fingerprint);
  const silences = [...match.activeIds, ...match.pendingIds].flatMap((id) => {
    const s = sources.silence(id);
    if (!s) return [];
    const state: SilenceState = match.activeIds.includes(id) ? 'active' : 'pending';
    return [{ id, state, startsAt: formatApiTime(s.startsAtMs), endsAt: formatApiTime(s.endsAtMs), createdBy: s.createdBy, comment: s.comment }];
  });
  const inhibitions = sources.inhibitions(alert.labels);
  return {
    fingerprint,
    labels: alert.labels,
    startsAt: formatApiTime(alert.startsAtMs),
    endsAt: formatApiTime(alert.endsAtMs),
    resolved: isResolved(alert, nowMs),
    status: sources.status(alert),
    routes: sources.route.match(alert.labels).map((route) => explainRoute(route, alert, sources)),
    muted: { muted: match.activeIds.length > 0 || inhibitions.length > 0, silences, inhibitions },
  };
}

function explainRoute(route: Route, alert: Alert, sources: ExplainSources): ExplainedRoute {
  const path: ExplainedRouteStep[] = [];
  for (let r: Route | undefined = route; r; r = r.parent) {
    path.unshift({ id: r.id(), receiver: r.receiver, matchers: formatMatchers(r.matchers), continue: r.continue });
  }
  const group = sources.groupOf(route, alert.labels);
  const groupKey = group?.groupKey ?? route.groupKey(alert.labels);
  return {
    id: route.id(),
    key: route.key(),
    receiver: route.receiver,
    path,
    groupBy: route.groupByAll ? '...' : route.groupBy,
    groupWait: formatDuration(route.groupWaitMs),
    groupInterval: formatDuration(route.groupIntervalMs),
    repeatInterval: formatDuration(route.repeatIntervalMs),
    group: group
      ? {
          groupKey: group.groupKey,
          labels: group.labels,
          alerts: group.alerts.length,
          nextFlushAt: group.nextFlushAtMs === undefined ? null : formatApiTime(group.nextFlushAtMs),
          flushing: group.flushing,
        }
      : null,
    timeIntervals: explainTimeIntervals(route, sources),
    integrations: sources
      .integrations(route.receiver)
      .map((i) => explainIntegration({ receiver: route.receiver, groupKey, integration: i.integration, index: i.index }, alert, sources)),
  };
}

/** The route's mute and active time intervals at `sources.nowMs`, and what they mean for a flush now. */
function explainTimeIntervals(route: Route, sources: ExplainSources): ExplainedRoute['timeIntervals'] {
  const at = (name: string): ExplainedTimeInterval => ({ name, now: inTimeIntervals(sources.timeIntervals, [name], sources.nowMs) });
  const mute = route.muteTimeIntervals.map(at);
  const active = route.activeTimeIntervals.map(at);
  const muting = mute.filter((i) => i.now).map((i) => i.name);
  if (muting.length > 0) return { mute, active, mutedNow: true, reason: `within mute_time_intervals ${muting.join(', ')}` };
  if (active.length > 0 && !active.some((i) => i.now)) {
    return { mute, active, mutedNow: true, reason: `outside all active_time_intervals (${active.map((i) => i.name).join(', ')})` };
  }
  const reason = mute.length + active.length === 0 ? 'the route has no time intervals' : 'no time interval mutes the route now';
  return { mute, active, mutedNow: false, reason };
}

function explainIntegration(key: NflogKey, alert: Alert, sources: ExplainSources): ExplainedIntegration {
  const entry = sources.nflog(key);
  const fp = alert.fingerprint;
  const attempt = (outcome?: HistoryEntry['outcome']): ExplainedAttempt | null => {
    const q = { receiver: key.receiver, groupKey: key.groupKey, integration: key.integration, index: key.index, fingerprint: fp, limit: 1 };
    const found = sources.history?.(outcome ? { ...q, outcome } : q)[0];
    if (!found) return null;
    return { at: formatApiTime(found.atMs), attempt: found.attempt, outcome: found.outcome, ...(found.error !== undefined ? { error: found.error } : {}) };
  };
  return {
    name: `${key.integration}[${key.index}]`,
    integration: key.integration,
    index: key.index,
    lastGroupNotification: entry
      ? {
          at: formatApiTime(entry.timestampMs),
          firing: entry.firing.length,
          resolved: entry.resolved.length,
          alertSentAs: entry.firing.includes(fp) ? 'firing' : entry.resolved.includes(fp) ? 'resolved' : null,
        }
      : null,
    lastAttempt: attempt(),
    lastSuccess: attempt('success'),
  };
}
