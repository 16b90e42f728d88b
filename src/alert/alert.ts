import type { Labels } from '../labels/labels.js';

/**
 * An alert as alertrouter holds it, after validation at the API edge.
 * Times are epoch milliseconds. When the client sent no end, the API sets `endsAtMs` to
 * now + resolve_timeout and `timeout` to true, as Alertmanager does; 0 means "no end" (Go's
 * zero time) and only occurs for alerts built outside the API.
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
