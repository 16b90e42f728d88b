import type { Alert } from '../alert/alert.js';
import type { FlushContext } from '../pipeline/context.js';
import { AlertrouterError } from '../util/errors.js';

/** One integration of a receiver (one entry of webhook_configs, email_configs, slack_configs). */
export interface Notifier {
  /** Integration name as Alertmanager's metrics and logs call it: "webhook", "email", "slack". */
  readonly integration: string;
  /** Its position within the receiver's list of that integration. */
  readonly index: number;
  readonly sendResolved: boolean;
  /** Sends the alerts; throws NotifyError (retryable or not) on failure. */
  notify(ctx: FlushContext, alerts: readonly Alert[]): Promise<void>;
}

/** A failed send. `retryable` says whether trying again can help (5xx, network) or not (4xx, bad template). */
export class NotifyError extends AlertrouterError {
  readonly retryable: boolean;
  /** How long the receiver asked us to wait before trying again (e.g. Slack's 429 Retry-After), when it said. */
  readonly retryAfterMs?: number;
  constructor(message: string, options: { retryable: boolean; cause?: unknown; retryAfterMs?: number }) {
    super(options.retryable ? 'notify_retryable' : 'notify_failed', message, { cause: options.cause });
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
