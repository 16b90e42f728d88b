/**
 * Muting by the route's time intervals (Alertmanager's TimeActiveStage and TimeMuteStage):
 * a flush at a time outside all `active_time_intervals`, or inside any `mute_time_intervals`,
 * sends nothing. Evaluated at the flush's `nowMs`.
 */
import { fingerprint, type Labels } from '../labels/labels.js';
import type { AlertMarker } from '../store/marker.js';
import { anyIntervalContains, type TimeInterval } from '../timeinterval/timeinterval.js';
import { AlertrouterError } from '../util/errors.js';
import type { Muter, Stage } from './stage.js';

export type TimeIntervals = ReadonlyMap<string, readonly TimeInterval[]>;

/** A route names a time interval the configuration does not define (config checks should prevent it). */
export class UnknownTimeIntervalError extends AlertrouterError {
  constructor(name: string) {
    super('unknown_time_interval', `time interval "${name}" doesn't exist in config`);
  }
}

/** True when `atMs` lies in any interval of any of the named time intervals; throws for an unknown name. */
export function inTimeIntervals(intervals: TimeIntervals, names: readonly string[], atMs: number): boolean {
  for (const name of names) {
    const defined = intervals.get(name);
    if (!defined) throw new UnknownTimeIntervalError(name);
    if (anyIntervalContains(defined, atMs)) return true;
  }
  return false;
}

/** Drops every alert when the route has active_time_intervals and none contains the flush time. */
export function timeActiveStage(intervals: TimeIntervals): Stage {
  return {
    async exec(ctx, alerts) {
      if (ctx.activeTimeIntervals.length === 0) return alerts;
      if (inTimeIntervals(intervals, ctx.activeTimeIntervals, ctx.nowMs)) return alerts;
      ctx.logger.debug('Notifications not sent, route is not within active time');
      return [];
    },
  };
}

/** Drops every alert when one of the route's mute_time_intervals contains the flush time. */
export function timeMuteStage(intervals: TimeIntervals): Stage {
  return {
    async exec(ctx, alerts) {
      if (!inTimeIntervals(intervals, ctx.muteTimeIntervals, ctx.nowMs)) return alerts;
      ctx.logger.debug('Notifications not sent, route is within mute time');
      return [];
    },
  };
}

/**
 * The muter to use while there are no silences: mutes nothing, but marks each alert it sees
 * active, as the silencer would (otherwise the API would show them as unprocessed forever).
 */
export function markActive(marker: AlertMarker): Muter {
  return {
    mutes(labels: Labels, fp?: string) {
      marker.setSilenced(fp ?? fingerprint(labels), { activeIds: [], pendingIds: [], version: 0 });
      return false;
    },
  };
}
