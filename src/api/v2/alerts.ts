/**
 * GET /api/v2/alerts and /api/v2/alerts/groups, pure: query parameters → filter, held alerts
 * and groups → the gettableAlert / alertGroup JSON of Alertmanager's OpenAPI contract, in its
 * field order and sort order.
 */
import { RE2JS } from 're2js';
import { NO_END_MS, type Alert } from '../../alert/alert.js';
import { sortedLabelNames, type Labels } from '../../labels/labels.js';
import { anchorRegex, type Matcher } from '../../labels/matcher.js';
import { parseMatcher } from '../../labels/parse.js';
import { formatApiTime } from '../../util/gotime.js';
import type { ApiAlertGroup, ApiAlertStatus } from '../deps.js';
import { ApiError } from '../errors.js';
import { compareAlerts, compareLabelSets } from '../../dispatch/order.js';

/** The filters of GET /api/v2/alerts and /alerts/groups. */
export interface AlertQuery {
  readonly matchers: readonly Matcher[];
  /** Anchored receiver-name regex, when `receiver` was given. */
  readonly receiver: RE2JS | undefined;
  readonly active: boolean;
  readonly silenced: boolean;
  readonly inhibited: boolean;
  /**
   * Read but not applied, as in every Alertmanager release: amtool sends `unprocessed=false`
   * by default, so applying it would hide alerts no muter has looked at yet from amtool.
   */
  readonly unprocessed: boolean;
}

type QueryValue = string | string[] | undefined;

// go-openapi's swag.ConvertBool: these read as true, any other non-empty text as false.
const TRUE_WORDS = new Set(['true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled']);

/**
 * A single-valued parameter as go-openapi binds it: when repeated, the last value counts
 * (`active=false&active=true` is true); an empty value counts as not given.
 */
function querySingle(value: QueryValue): string | undefined {
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  return text === '' ? undefined : text;
}

function queryBool(value: QueryValue): boolean {
  const text = querySingle(value);
  return text === undefined || TRUE_WORDS.has(text.toLowerCase());
}

function queryList(value: QueryValue): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Reads the query parameters (as express parses them). Throws ApiError 400 with the reason for
 * a filter that is not a matcher or a receiver that is not an RE2 regex, as Alertmanager does.
 */
export function parseAlertQuery(query: Readonly<Record<string, unknown>>): AlertQuery {
  const q = query as Readonly<Record<string, QueryValue>>;
  const matchers = queryList(q.filter).map((text) => {
    try {
      return parseMatcher(text);
    } catch (err) {
      throw new ApiError(400, (err as Error).message, { shape: 'payload', cause: err });
    }
  });
  let receiver: RE2JS | undefined;
  const receiverText = querySingle(q.receiver);
  if (receiverText !== undefined) {
    try {
      receiver = RE2JS.compile(anchorRegex(receiverText));
    } catch (err) {
      throw new ApiError(400, `failed to parse receiver param: ${(err as Error).message}`, { shape: 'payload', cause: err });
    }
  }
  return {
    matchers,
    receiver,
    active: queryBool(q.active),
    silenced: queryBool(q.silenced),
    inhibited: queryBool(q.inhibited),
    unprocessed: queryBool(q.unprocessed),
  };
}

/**
 * Alertmanager's API filter semantics (which differ from routing's): an `=`/`=~` matcher with
 * an empty value is skipped when the label is absent, a `!=`/`!~` one when it is present.
 */
export function matchesFilter(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) {
    const present = Object.hasOwn(labels, m.name);
    const negative = m.type === '!=' || m.type === '!~';
    if (m.value === '' && present === negative) continue;
    if (!m.matches(present ? labels[m.name]! : '')) return false;
  }
  return true;
}

/**
 * Whether an alert is listed: not resolved at `nowMs`, its status passes the state flags
 * (`unprocessed` aside, see AlertQuery), and its labels pass the matchers.
 */
export function alertPassesQuery(alert: Alert, status: ApiAlertStatus, query: AlertQuery, nowMs: number): boolean {
  if (alert.endsAtMs !== NO_END_MS && alert.endsAtMs < nowMs) return false;
  if (!query.active && status.state === 'active') return false;
  if (!query.silenced && status.silencedBy.length > 0) return false;
  if (!query.inhibited && status.inhibitedBy.length > 0) return false;
  return matchesFilter(query.matchers, alert.labels);
}

/** A label set as a JSON object with names in Go's map-marshalling order (sorted). */
export function sortedLabelObject(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of sortedLabelNames(labels)) out[name] = labels[name]!;
  return out;
}

/** gettableAlert, field for field and in Alertmanager's key order. */
export interface GettableAlert {
  annotations: Record<string, string>;
  endsAt: string;
  fingerprint: string;
  receivers: { name: string }[];
  startsAt: string;
  status: { inhibitedBy: string[]; silencedBy: string[]; state: string };
  updatedAt: string;
  generatorURL?: string;
  labels: Record<string, string>;
}

/** The API v2 JSON of one alert; `generatorURL` is left out when empty, as Go's omitempty does. */
export function toGettableAlert(alert: Alert, status: ApiAlertStatus, receivers: readonly string[]): GettableAlert {
  const out: GettableAlert = {
    annotations: sortedLabelObject(alert.annotations),
    endsAt: formatApiTime(alert.endsAtMs),
    fingerprint: alert.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: formatApiTime(alert.startsAtMs),
    status: { inhibitedBy: [...status.inhibitedBy], silencedBy: [...status.silencedBy], state: status.state },
    updatedAt: formatApiTime(alert.updatedAtMs),
    labels: sortedLabelObject(alert.labels),
  };
  if (alert.generatorURL !== '') {
    // Keep Alertmanager's key order: generatorURL sits between updatedAt and labels.
    const { labels, ...rest } = out;
    return { ...rest, generatorURL: alert.generatorURL, labels };
  }
  return out;
}

/** What listing needs besides the alerts: their status and the time. */
export interface ListContext {
  readonly statusOf: (alert: Alert) => ApiAlertStatus;
  readonly nowMs: number;
}

/**
 * GET /api/v2/alerts: the held alerts that pass the query, each with the receivers the routing
 * tree gives it (the receiver filter keeps an alert when any of them matches), by fingerprint.
 */
export function listAlerts(
  alerts: Iterable<Alert>,
  query: AlertQuery,
  ctx: ListContext & { readonly receiversFor: (labels: Labels) => readonly string[] },
): GettableAlert[] {
  const out: GettableAlert[] = [];
  for (const alert of alerts) {
    const receivers = ctx.receiversFor(alert.labels);
    if (query.receiver && !receivers.some((r) => query.receiver!.matches(r))) continue;
    const status = ctx.statusOf(alert);
    if (!alertPassesQuery(alert, status, query, ctx.nowMs)) continue;
    out.push(toGettableAlert(alert, status, receivers));
  }
  return out.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
}

/** alertGroup, in Alertmanager's key order. */
export interface GettableAlertGroup {
  alerts: GettableAlert[];
  labels: Record<string, string>;
  receiver: { name: string };
}

/**
 * GET /api/v2/alerts/groups: groups whose receiver passes the receiver filter, each with its
 * alerts that pass the query (groups left empty are dropped); groups sorted by labels then
 * receiver, alerts by Alertmanager's alert order; an alert's `receivers` are those of every
 * listed group holding it, sorted.
 */
export function listAlertGroups(groups: Iterable<ApiAlertGroup>, query: AlertQuery, ctx: ListContext): GettableAlertGroup[] {
  const kept: { group: ApiAlertGroup; alerts: Alert[] }[] = [];
  const receiversByFingerprint = new Map<string, string[]>();
  for (const group of groups) {
    if (query.receiver && !query.receiver.matches(group.receiver)) continue;
    const alerts = group.alerts.filter((a) => alertPassesQuery(a, ctx.statusOf(a), query, ctx.nowMs));
    if (alerts.length === 0) continue;
    for (const a of alerts) {
      const list = receiversByFingerprint.get(a.fingerprint);
      if (list) list.push(group.receiver);
      else receiversByFingerprint.set(a.fingerprint, [group.receiver]);
    }
    kept.push({ group, alerts });
  }
  for (const list of receiversByFingerprint.values()) list.sort();
  kept.sort(
    (x, y) =>
      compareLabelSets(x.group.labels, y.group.labels) ||
      (x.group.receiver < y.group.receiver ? -1 : x.group.receiver > y.group.receiver ? 1 : 0),
  );
  return kept.map(({ group, alerts }) => ({
    alerts: [...alerts]
      .sort(compareAlerts)
      .map((a) => toGettableAlert(a, ctx.statusOf(a), receiversByFingerprint.get(a.fingerprint)!)),
    labels: sortedLabelObject(group.labels),
    receiver: { name: group.receiver },
  }));
}
