import type { Labels } from '../labels/labels.js';
import type { Logger } from 'pino';

/**
 * Everything a flush of one aggregation group carries down the notify pipeline.
 * Typed so that a missing field is a compile error (Alertmanager keeps these in untyped
 * context keys).
 */
export interface FlushContext {
  /** Alertmanager's group key: `<route key>:<group labels>`, e.g. `{}/{team="a"}:{alertname="X"}`. */
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly receiverName: string;
  readonly repeatIntervalMs: number;
  /** The flush tick's time; stages use it instead of reading a clock. */
  readonly nowMs: number;
  /** Names of the route's mute_time_intervals / active_time_intervals. */
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  /** Aborted when the flush must give up (next flush due, shutdown). */
  readonly signal: AbortSignal;
  /**
   * Aborted when no new attempt may start (graceful shutdown): an attempt in progress goes on
   * until `signal` aborts, but a failed one is not retried.
   */
  readonly stopRetrying: AbortSignal;
  readonly logger: Logger;
}
