/**
 * Test notifications: one send through every integration of a receiver, outside the notify
 * pipeline — no muting, no dedup against the notification log, no retry, nothing recorded —
 * so an operator can see whether each integration works before a real alert needs it.
 */
import type { Logger } from 'pino';
import { isResolved, type Alert } from '../alert/alert.js';
import type { Labels } from '../labels/labels.js';
import type { FlushContext } from '../pipeline/context.js';
import type { Clock } from '../util/clock.js';
import type { Notifier } from './notifier.js';

/** How one integration's test send ended. */
export interface TestSendOutcome {
  /** "webhook", "email", "slack". */
  readonly integration: string;
  /** Position within the receiver's list of that integration. */
  readonly index: number;
  readonly ok: boolean;
  /** Why it failed (absent when ok). */
  readonly error?: string;
  readonly latencyMs: number;
  /**
   * How many alerts went out: the resolved ones are left out for an integration without
   * send_resolved, as in a real flush; 0 means there was nothing to send (and nothing was sent).
   */
  readonly alerts: number;
}

/** The group the test notification shows. */
export interface TestSendGroup {
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly alerts: readonly Alert[];
}

export interface TestSendOptions {
  readonly receiver: string;
  /** The receiver's integrations (buildIntegrations' entry for it). */
  readonly notifiers: readonly Notifier[];
  readonly group: TestSendGroup;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Each send is aborted after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Aborts every send still running (e.g. the client went away). */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Sends the group once through each notifier, all at once, and resolves with each one's
 * outcome in the notifiers' order. Never rejects for a failed send: failures are outcomes.
 */
export async function sendTestNotification(options: TestSendOptions): Promise<TestSendOutcome[]> {
  const { receiver, group, clock } = options;
  const nowMs = clock.nowMs();
  const timeout = new AbortController();
  const cancelTimer = clock.setTimer(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
    timeout.abort(new Error(`test notification timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS}ms`)),
  );
  const outer = options.signal;
  const onOuterAbort = (): void => timeout.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) onOuterAbort();
  // Every line says it is a test, so nobody mistakes it for a real notification.
  const logger = options.logger.child({ test: true, receiver, aggrGroup: group.groupKey });
  const ctx: FlushContext = {
    groupKey: group.groupKey,
    groupLabels: group.groupLabels,
    receiverName: receiver,
    repeatIntervalMs: 0,
    nowMs,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    signal: timeout.signal,
    // One attempt, never retried (see above).
    stopRetrying: timeout.signal,
    logger,
  };
  try {
    return await Promise.all(options.notifiers.map((n) => sendOne(n, ctx, group.alerts)));
  } finally {
    cancelTimer();
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

async function sendOne(notifier: Notifier, ctx: FlushContext, alerts: readonly Alert[]): Promise<TestSendOutcome> {
  const { integration, index } = notifier;
  const log = ctx.logger.child({ integration: `${integration}[${index}]` });
  const toSend = notifier.sendResolved ? alerts : alerts.filter((a) => !isResolved(a, ctx.nowMs));
  if (toSend.length === 0) {
    log.info({ numAlerts: 0 }, 'test notification: nothing to send (send_resolved is false and every alert is resolved)');
    return { integration, index, ok: true, latencyMs: 0, alerts: 0 };
  }
  const started = performance.now();
  try {
    await notifier.notify(ctx, toSend);
    const latencyMs = roundMs(performance.now() - started);
    log.info({ numAlerts: toSend.length, latencyMs }, 'test notification sent');
    return { integration, index, ok: true, latencyMs, alerts: toSend.length };
  } catch (err) {
    const latencyMs = roundMs(performance.now() - started);
    const error = err instanceof Error ? err.message : String(err);
    log.warn({ numAlerts: toSend.length, latencyMs, err }, 'test notification failed');
    return { integration, index, ok: false, error, latencyMs, alerts: toSend.length };
  }
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
