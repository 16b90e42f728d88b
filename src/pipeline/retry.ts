/**
 * Sends through one integration, retrying with exponential backoff and jitter until it
 * succeeds, the error says a retry cannot help, or the flush is aborted (Alertmanager's
 * RetryStage with cenkalti/backoff's defaults: 500 ms start, ×1.5, ±50 % jitter, 60 s cap,
 * no overall limit — the flush's abort signal is the limit).
 */
import { isResolved } from '../alert/alert.js';
import { NotifyError, type Notifier } from '../notify/notifier.js';
import type { Clock } from '../util/clock.js';
import { AlertrouterError } from '../util/errors.js';
import type { Stage } from './stage.js';

export interface Backoff {
  readonly initialMs: number;
  readonly multiplier: number;
  /** Each wait is drawn uniformly from ±this fraction around the current interval. */
  readonly randomizationFactor: number;
  readonly maxIntervalMs: number;
}

export const DEFAULT_BACKOFF: Backoff = Object.freeze({ initialMs: 500, multiplier: 1.5, randomizationFactor: 0.5, maxIntervalMs: 60_000 });

/**
 * The wait after failed attempt number `attempt` (1-based): the interval grows by
 * `multiplier` per attempt up to `maxIntervalMs`, then is spread by the jitter using
 * `random` in [0, 1).
 */
export function backoffDelayMs(attempt: number, random: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const interval = Math.min(backoff.initialMs * backoff.multiplier ** (attempt - 1), backoff.maxIntervalMs);
  const delta = backoff.randomizationFactor * interval;
  return Math.round(interval - delta + random * 2 * delta);
}

/** Counters Alertmanager exports for notifications; all optional. */
export interface NotifyMetrics {
  /** A flush's notification through an integration ended (alertmanager_notifications_total / _failed_total). */
  notificationDone?(integration: string, ok: boolean): void;
  /** One request ended (alertmanager_notification_requests_total / _failed_total, notification_latency_seconds). */
  requestDone?(integration: string, ok: boolean, latencyMs: number): void;
}

/**
 * One send through an integration, as it ended: what the notification history records and
 * what the per-attempt log line says.
 */
export interface NotifyAttempt {
  readonly receiver: string;
  readonly groupKey: string;
  /** "webhook", "email", "slack". */
  readonly integration: string;
  /** Position of the integration within the receiver's list of that kind. */
  readonly index: number;
  /** 1-based number of the attempt within the flush. */
  readonly attempt: number;
  /** Fingerprints of the alerts sent, in the order sent. */
  readonly fingerprints: readonly string[];
  /** How many of them were sent as firing (the rest as resolved). */
  readonly firing: number;
  /** When the attempt started, on the stage's clock. */
  readonly atMs: number;
  readonly latencyMs: number;
  /** `retry`: failed, another attempt follows; `failed`: failed and given up. */
  readonly outcome: 'success' | 'retry' | 'failed';
  /** The failure's message, for `retry` and `failed`. */
  readonly error?: string;
}

/** A notification that was given up: not retryable, or aborted while retrying. */
export class NotifyGiveUpError extends AlertrouterError {
  readonly attempts: number;
  constructor(code: 'notify_failed' | 'notify_aborted', message: string, options: { attempts: number; cause: unknown }) {
    super(code, message, { cause: options.cause });
    this.attempts = options.attempts;
  }
}

export interface RetryStageOptions {
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly backoff?: Backoff;
  /** Jitter source (default Math.random); tests pass a fixed one. */
  readonly random?: () => number;
  readonly metrics?: NotifyMetrics;
  /** Told about every attempt once it ended (notification history). Must not throw. */
  readonly onAttempt?: (attempt: NotifyAttempt) => void;
}

/**
 * Sends the alerts (only the firing ones when the integration does not send resolved; nothing
 * at all, successfully, when then none fire — so the log still records the resolution).
 * Resolves with the input alerts on success; rejects with NotifyGiveUpError otherwise.
 */
export function retryStage(options: RetryStageOptions): Stage {
  const { notifier, clock, metrics, onAttempt } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const name = `${notifier.integration}[${notifier.index}]`;

  return {
    async exec(ctx, alerts) {
      let toSend = alerts;
      if (!notifier.sendResolved) {
        toSend = alerts.filter((a) => !isResolved(a, ctx.nowMs));
        if (toSend.length === 0) {
          // Alertmanager counts this as a notification that succeeded (nothing to send).
          metrics?.notificationDone?.(notifier.integration, true);
          return alerts;
        }
      }
      // ctx.logger carries the group key (aggrGroup); one line per attempt follows, with these
      // fields first (as a child logger would put them, without building one per flush).
      const receiver = ctx.receiverName;
      const fingerprints = toSend.map((a) => a.fingerprint);
      const firing = toSend.reduce((n, a) => (isResolved(a, ctx.nowMs) ? n : n + 1), 0);
      const report = (fields: Pick<NotifyAttempt, 'attempt' | 'atMs' | 'latencyMs' | 'outcome' | 'error'>): void => {
        onAttempt?.({
          receiver: ctx.receiverName,
          groupKey: ctx.groupKey,
          integration: notifier.integration,
          index: notifier.index,
          fingerprints,
          firing,
          ...fields,
        });
      };
      const where = `${ctx.receiverName}/${name}`;
      let lastError: unknown;
      for (let attempt = 1; ; attempt++) {
        const stop = ctx.signal.aborted ? ctx.signal : attempt > 1 && ctx.stopRetrying.aborted ? ctx.stopRetrying : undefined;
        if (stop) {
          metrics?.notificationDone?.(notifier.integration, false);
          const cause = lastError ?? stop.reason;
          throw new NotifyGiveUpError('notify_aborted', `${where}: notify retry canceled after ${attempt - 1} attempts: ${messageOf(cause)}`, { attempts: attempt - 1, cause });
        }
        const started = performance.now();
        const atMs = clock.nowMs();
        try {
          await notifier.notify(ctx, toSend);
          const latencyMs = performance.now() - started;
          metrics?.requestDone?.(notifier.integration, true, latencyMs);
          metrics?.notificationDone?.(notifier.integration, true);
          ctx.logger.info({ receiver, integration: name, attempt, outcome: 'success', numAlerts: toSend.length, latencyMs: roundMs(latencyMs) }, 'Notify success');
          report({ attempt, atMs, latencyMs, outcome: 'success' });
          return alerts;
        } catch (err) {
          const latencyMs = performance.now() - started;
          metrics?.requestDone?.(notifier.integration, false, latencyMs);
          lastError = err;
          if (!(err instanceof NotifyError && err.retryable)) {
            metrics?.notificationDone?.(notifier.integration, false);
            ctx.logger.error({ receiver, integration: name, attempt, outcome: 'failed', numAlerts: toSend.length, latencyMs: roundMs(latencyMs), err }, 'Notify attempt failed, giving up (not retryable)');
            report({ attempt, atMs, latencyMs, outcome: 'failed', error: messageOf(err) });
            throw new NotifyGiveUpError('notify_failed', `${where}: notify retry canceled due to unrecoverable error after ${attempt} attempts: ${messageOf(err)}`, { attempts: attempt, cause: err });
          }
          const waitMs = backoffDelayMs(attempt, random(), backoff);
          ctx.logger.warn({ receiver, integration: name, attempt, outcome: 'retry', numAlerts: toSend.length, latencyMs: roundMs(latencyMs), err, retryInMs: waitMs }, 'Notify attempt failed, will retry later');
          report({ attempt, atMs, latencyMs, outcome: 'retry', error: messageOf(err) });
          await sleep(clock, waitMs, [ctx.signal, ctx.stopRetrying]);
        }
      }
    },
  };
}

/** Waits `ms` on the clock, or less if one of `signals` aborts first (never rejects). */
function sleep(clock: Clock, ms: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const done = (): void => {
      cancel();
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(ms, done);
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
