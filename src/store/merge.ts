/**
 * How an incoming alert combines with the one already held under the same fingerprint,
 * following Alertmanager 0.25 (provider/mem Put, types.Alert.Merge). Pure: `nowMs` decides
 * which alerts count as resolved. An `endsAtMs` of NO_END_MS means "no end"; it is Go's zero
 * time, which compares before every real time, as in Alertmanager.
 */
import { isResolved, newAlert, type Alert } from '../alert/alert.js';

/**
 * The alert to store when `incoming` arrives while `held` is stored. When their activity
 * ranges overlap the two are merged; otherwise the incoming alert replaces the held one
 * (a new firing of the same alert after the old one ended).
 */
export function combineOnPut(held: Alert, incoming: Alert, nowMs: number): Alert {
  const endsInsideHeld = incoming.endsAtMs > held.startsAtMs && incoming.endsAtMs < held.endsAtMs;
  const startsInsideHeld = incoming.startsAtMs > held.startsAtMs && incoming.startsAtMs < held.endsAtMs;
  return endsInsideHeld || startsInsideHeld ? mergeAlerts(held, incoming, nowMs) : incoming;
}

/**
 * Merges two versions of one alert (labels assumed equal). The more recently updated one
 * provides annotations and everything else, except: the earliest start wins; if the newer
 * is resolved, a later end of an also-resolved older version wins; if the newer is firing,
 * a later end of the older wins unless that end came from the resolve timeout.
 */
export function mergeAlerts(a: Alert, b: Alert, nowMs: number): Alert {
  const [older, newer] = b.updatedAtMs < a.updatedAtMs ? [b, a] : [a, b];
  let startsAtMs = newer.startsAtMs;
  let endsAtMs = newer.endsAtMs;
  if (older.startsAtMs < newer.startsAtMs) startsAtMs = older.startsAtMs;
  if (isResolved(newer, nowMs)) {
    if (isResolved(older, nowMs) && older.endsAtMs > newer.endsAtMs) endsAtMs = older.endsAtMs;
  } else if (older.endsAtMs > newer.endsAtMs && !older.timeout) {
    endsAtMs = older.endsAtMs;
  }
  if (startsAtMs === newer.startsAtMs && endsAtMs === newer.endsAtMs) return newer;
  return newAlert({ ...newer, startsAtMs, endsAtMs });
}
