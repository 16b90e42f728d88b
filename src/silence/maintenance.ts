/**
 * The periodic work of the silences: garbage-collect silences past --data.retention, make the
 * due windows of recurring silences, expire resolved expire-when-resolved silences. One tick
 * does all three; the daemon starts it once and stops it on shutdown.
 */
import type { Logger } from 'pino';
import type { Clock } from '../util/clock.js';
import { every } from '../util/every.js';
import type { AutoExpirer } from './autoexpire.js';
import type { RecurringSilences } from './recurring-store.js';
import type { SilenceRepository } from './repository.js';

export interface SilenceMaintenanceOptions {
  readonly repository: SilenceRepository;
  readonly recurring?: RecurringSilences;
  readonly autoExpirer?: AutoExpirer;
  readonly clock: Clock;
  /** --data.retention: how long an ended silence is kept (Alertmanager's default is 120h). */
  readonly retentionMs: number;
  /** Time between ticks; default one minute (recurring windows and auto-expiry want it short). */
  readonly intervalMs?: number;
  readonly logger?: Logger;
  /** Told how long each retention gc of the silences took (alertmanager_silences_gc_duration_seconds). */
  readonly onGcDone?: (durationMs: number) => void;
}

/** What one tick did. */
export interface MaintenanceResult {
  readonly removed: number;
  readonly windowsMade: number;
  readonly autoExpired: readonly string[];
}

/** Runs one tick at `nowMs`. Each part runs even when an earlier one threw; the first error is rethrown after. */
export function runSilenceMaintenance(options: SilenceMaintenanceOptions, nowMs: number): MaintenanceResult {
  let firstError: unknown;
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      firstError ??= err;
      return fallback;
    }
  };
  const gcStarted = performance.now();
  const removed = attempt(() => options.repository.gc(nowMs, options.retentionMs), 0);
  options.onGcDone?.(performance.now() - gcStarted);
  if (removed > 0) attempt(() => options.recurring?.pruneWindows(), 0);
  const windowsMade = attempt(() => options.recurring?.materialize(nowMs) ?? 0, 0);
  const autoExpired = attempt(() => options.autoExpirer?.run(nowMs) ?? [], [] as string[]);
  if (firstError !== undefined) throw firstError;
  return { removed, windowsMade, autoExpired };
}

/** Runs a tick now and then every intervalMs on the clock; failures are logged. Returns a stop function. */
export function startSilenceMaintenance(options: SilenceMaintenanceOptions): () => void {
  const tick = (): void => {
    try {
      const r = runSilenceMaintenance(options, options.clock.nowMs());
      if (r.removed > 0 || r.windowsMade > 0 || r.autoExpired.length > 0) options.logger?.debug(r, 'silence maintenance');
    } catch (err) {
      options.logger?.error({ err }, 'silence maintenance failed; silences may be kept or made late');
    }
  };
  tick();
  return every(options.clock, options.intervalMs ?? 60_000, tick);
}
