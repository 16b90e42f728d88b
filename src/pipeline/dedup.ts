/**
 * Deduplication against the notification log (Alertmanager's DedupStage) and recording in it
 * after a send (SetNotifiesStage). Which alerts count as firing or resolved is decided at the
 * flush's `nowMs`, the same way in both stages, so what is recorded is what was checked.
 */
import { isResolved, type Alert } from '../alert/alert.js';
import type { NflogEntry, NflogKey, NotificationLog } from '../nflog/nflog.js';
import type { Notifier } from '../notify/notifier.js';
import type { FlushContext } from './context.js';
import type { Stage } from './stage.js';

export interface Decision {
  readonly notify: boolean;
  /** Why, in words for the debug log and tests. */
  readonly reason: string;
}

/**
 * Whether a flush must be sent, given the last notification logged for this group and
 * integration (Alertmanager's DedupStage.needsUpdate):
 *  - never notified: only if something fires;
 *  - something fires that was not firing last time: yes;
 *  - nothing fires: only if something was firing last time (so the "all resolved" message
 *    goes out and clears the log, whatever send_resolved says);
 *  - with send_resolved, something resolved that was not resolved last time: yes;
 *  - otherwise only once the last notification is older than repeat_interval (strictly).
 */
export function shouldNotify(
  entry: Pick<NflogEntry, 'firing' | 'resolved' | 'timestampMs'> | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  options: { readonly repeatIntervalMs: number; readonly sendResolved: boolean; readonly nowMs: number },
): Decision {
  if (!entry) {
    return firing.size > 0
      ? { notify: true, reason: 'first notification for this group' }
      : { notify: false, reason: 'never notified and nothing firing' };
  }
  if (!isSubset(firing, entry.firing)) return { notify: true, reason: 'alerts firing that were not notified as firing' };
  if (firing.size === 0) {
    return entry.firing.length > 0
      ? { notify: true, reason: 'all alerts resolved since the last notification' }
      : { notify: false, reason: 'nothing firing now or at the last notification' };
  }
  if (options.sendResolved && !isSubset(resolved, entry.resolved)) {
    return { notify: true, reason: 'alerts resolved that were not notified as resolved' };
  }
  if (entry.timestampMs < options.nowMs - options.repeatIntervalMs) {
    return { notify: true, reason: 'repeat_interval passed since the last notification' };
  }
  return { notify: false, reason: 'nothing changed within repeat_interval' };
}

/** Fingerprints of the alerts that fire and that are resolved at `nowMs`, in input order. */
export function splitByResolution(alerts: readonly Alert[], nowMs: number): { firing: string[]; resolved: string[] } {
  const firing: string[] = [];
  const resolved: string[] = [];
  for (const a of alerts) (isResolved(a, nowMs) ? resolved : firing).push(a.fingerprint);
  return { firing, resolved };
}

/** The notification-log key of a flush through one integration. */
export function nflogKey(ctx: FlushContext, notifier: Pick<Notifier, 'integration' | 'index'>): NflogKey {
  return { receiver: ctx.receiverName, integration: notifier.integration, index: notifier.index, groupKey: ctx.groupKey };
}

/** Passes all alerts on when `shouldNotify` says so, none otherwise. */
export function dedupStage(options: { readonly nflog: NotificationLog; readonly notifier: Notifier }): Stage {
  const { nflog, notifier } = options;
  return {
    async exec(ctx, alerts) {
      const { firing, resolved } = splitByResolution(alerts, ctx.nowMs);
      const entry = nflog.query(nflogKey(ctx, notifier));
      const decision = shouldNotify(entry, new Set(firing), new Set(resolved), {
        repeatIntervalMs: ctx.repeatIntervalMs,
        sendResolved: notifier.sendResolved,
        nowMs: ctx.nowMs,
      });
      ctx.logger.debug({ integration: `${notifier.integration}[${notifier.index}]`, reason: decision.reason }, decision.notify ? 'notifying' : 'deduplicated');
      return decision.notify ? alerts : [];
    },
  };
}

/**
 * Records the sent alerts in the notification log (synchronously, before the flush counts as
 * done), kept for twice the repeat interval as Alertmanager does.
 */
export function recordStage(options: { readonly nflog: NotificationLog; readonly notifier: Notifier }): Stage {
  const { nflog, notifier } = options;
  return {
    async exec(ctx, alerts) {
      const { firing, resolved } = splitByResolution(alerts, ctx.nowMs);
      nflog.log(nflogKey(ctx, notifier), { firing, resolved, nowMs: ctx.nowMs, expiryMs: 2 * ctx.repeatIntervalMs });
      return alerts;
    },
  };
}

function isSubset(subset: ReadonlySet<string>, of: readonly string[]): boolean {
  if (subset.size === 0) return true;
  const set = new Set(of);
  for (const x of subset) if (!set.has(x)) return false;
  return true;
}
