import type { Labels } from '../labels/labels.js';

/**
 * An alert as alertrouter holds it, after validation at the API edge.
 * Times are epoch milliseconds; `endsAtMs` is 0 when the client sent none and the
 * resolve timeout decides (then `timeout` is true).
 */
export interface Alert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly generatorURL: string;
  /** When alertrouter last received or changed it. */
  readonly updatedAtMs: number;
  /** endsAt was set by alertrouter from resolve_timeout, not by the client. */
  readonly timeout: boolean;
  readonly fingerprint: string;
}

/** An alert is resolved once its end lies at or before `nowMs`. */
export function isResolved(alert: Alert, nowMs: number): boolean {
  return alert.endsAtMs !== 0 && alert.endsAtMs <= nowMs;
}
