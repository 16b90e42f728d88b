/**
 * One aggregation group: the alerts of one route that share group labels, flushed to the
 * notify pipeline on Alertmanager 0.25's timing (dispatch.aggrGroup):
 *  - the first flush comes group_wait after the group was created, or at once when an
 *    alert inserted before that first flush started more than group_wait ago;
 *  - after that, a flush every group_interval (repeat_interval is the dedup stage's business);
 *  - a flush that is still running when the next one falls due delays it until it ends;
 *  - after a successful flush, resolved alerts that were sent and not updated since are
 *    dropped; when none are left the owner is told (the dispatcher then removes the group).
 * All waiting goes through the injected Clock.
 */
import type { Logger } from 'pino';
import { isResolved, newAlert, NO_END_MS, type Alert } from '../alert/alert.js';
import type { Labels } from '../labels/labels.js';
import type { FlushContext } from '../pipeline/context.js';
import type { Stage } from '../pipeline/stage.js';
import type { Clock } from '../util/clock.js';
import { compareAlerts } from './order.js';
import type { Route } from './route.js';

/** Alertmanager's notify.MinTimeout: a flush gets at least this long before it is aborted. */
export const MIN_FLUSH_TIMEOUT_MS = 10_000;

export interface AggregationGroupOptions {
  readonly route: Route;
  readonly labels: Labels;
  readonly clock: Clock;
  readonly stage: Stage;
  readonly logger: Logger;
  /** Called once a flush left the group without alerts. */
  readonly onEmpty: (group: AggregationGroup) => void;
  /** The dispatcher's: aborted once it stops gracefully (FlushContext.stopRetrying). */
  readonly stopRetrying: AbortSignal;
}

export class AggregationGroup {
  readonly route: Route;
  readonly labels: Labels;
  readonly groupKey: string;
  private readonly clock: Clock;
  private readonly stage: Stage;
  private readonly logger: Logger;
  private readonly onEmpty: (group: AggregationGroup) => void;
  private readonly stopRetrying: AbortSignal;
  private readonly held = new Map<string, Alert>();
  private cancelTimer: () => void;
  /** When the timer set last fires (explain shows it). */
  private nextTickAtMs: number;
  private hasFlushed = false;
  private flushing: Promise<void> | undefined;
  private tickWhileFlushing = false;
  private stopped = false;
  /** Aborts the running flush (timeout or stop). */
  private flushAbort: AbortController | undefined;

  constructor(options: AggregationGroupOptions) {
    this.route = options.route;
    this.labels = options.labels;
    this.groupKey = options.route.groupKey(options.labels);
    this.clock = options.clock;
    this.stage = options.stage;
    this.logger = options.logger.child({ aggrGroup: this.groupKey });
    this.onEmpty = options.onEmpty;
    this.stopRetrying = options.stopRetrying;
    this.nextTickAtMs = this.clock.nowMs() + this.route.groupWaitMs;
    this.cancelTimer = this.clock.setTimer(this.route.groupWaitMs, () => this.tick());
  }

  /** When the next flush is due (a flush still running then delays it); undefined once stopped. */
  get nextFlushAtMs(): number | undefined {
    return this.stopped ? undefined : this.nextTickAtMs;
  }

  /** Whether a flush is running now. */
  get flushInProgress(): boolean {
    return this.flushing !== undefined;
  }

  /**
   * Adds or replaces the alert. Before the first flush, an alert that started more than
   * group_wait ago makes the group flush now instead of waiting.
   */
  insert(alert: Alert): void {
    this.held.set(alert.fingerprint, alert);
    if (!this.hasFlushed && alert.startsAtMs + this.route.groupWaitMs < this.clock.nowMs()) {
      this.reschedule(0);
    }
  }

  /** The held alerts in notification order. */
  alerts(): Alert[] {
    return [...this.held.values()].sort(compareAlerts);
  }

  /** Fingerprints of the held alerts, unordered. */
  fingerprints(): IterableIterator<string> {
    return this.held.keys();
  }

  get empty(): boolean {
    return this.held.size === 0;
  }

  /**
   * Cancels the timer and, unless `abortFlush` is false, aborts a running flush; the group
   * does nothing afterwards. With `abortFlush: false` a running flush may finish (graceful
   * shutdown); abortFlush() ends it later if it takes too long.
   */
  stop(options: { readonly abortFlush?: boolean } = {}): void {
    this.stopped = true;
    this.cancelTimer();
    if (options.abortFlush !== false) this.abortFlush();
  }

  /** Aborts the running flush, if any. */
  abortFlush(): void {
    this.flushAbort?.abort(new Error(`aggregation group ${this.groupKey} stopped`));
  }

  /** Resolves when no flush is running (for orderly shutdown and tests). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private reschedule(delayMs: number): void {
    this.cancelTimer();
    this.nextTickAtMs = this.clock.nowMs() + delayMs;
    this.cancelTimer = this.clock.setTimer(delayMs, () => this.tick());
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.flushing) {
      // Like Go's timer channel: the tick waits for the running flush, then runs at once.
      this.tickWhileFlushing = true;
      return;
    }
    const nowMs = this.clock.nowMs();
    this.reschedule(this.route.groupIntervalMs);
    this.hasFlushed = true;
    this.flushing = this.flush(nowMs).finally(() => {
      this.flushing = undefined;
      if (this.tickWhileFlushing) {
        this.tickWhileFlushing = false;
        this.tick();
      }
    });
  }

  private async flush(nowMs: number): Promise<void> {
    if (this.held.size === 0) return;
    const sent = this.alerts().map((a) => forFlush(a, nowMs));
    const ctx = this.context(nowMs);
    let ok = false;
    try {
      await this.stage.exec(ctx.flush, sent);
      ok = true;
    } catch (err) {
      // Expected when the group stops (shutdown, reload): not worth an error line then.
      const level = this.stopped ? 'debug' : 'error';
      this.logger[level]({ err, numAlerts: sent.length }, 'Notify for alerts failed');
    } finally {
      ctx.done();
    }
    if (!ok || this.stopped) return;
    for (const a of sent) {
      // Keep an alert that was updated while we notified: its new version is still due.
      if (isResolved(a, nowMs) && this.held.get(a.fingerprint)?.updatedAtMs === a.updatedAtMs) {
        this.held.delete(a.fingerprint);
      }
    }
    if (this.held.size === 0) this.onEmpty(this);
  }

  private context(nowMs: number): { flush: FlushContext; done: () => void } {
    // The flush may run until the next one is due (but at least MIN_FLUSH_TIMEOUT_MS), or
    // until the group stops.
    const abort = new AbortController();
    this.flushAbort = abort;
    const cancelTimeout = this.clock.setTimer(Math.max(this.route.groupIntervalMs, MIN_FLUSH_TIMEOUT_MS), () =>
      abort.abort(new Error(`flush of ${this.groupKey} timed out`)),
    );
    const flush: FlushContext = {
      groupKey: this.groupKey,
      groupLabels: this.labels,
      receiverName: this.route.receiver,
      repeatIntervalMs: this.route.repeatIntervalMs,
      nowMs,
      muteTimeIntervals: this.route.muteTimeIntervals,
      activeTimeIntervals: this.route.activeTimeIntervals,
      signal: abort.signal,
      stopRetrying: this.stopRetrying,
      logger: this.logger,
    };
    const done = (): void => {
      cancelTimeout();
      if (this.flushAbort === abort) this.flushAbort = undefined;
    };
    return { flush, done };
  }
}

/** A firing alert is sent without its end time, so it does not turn resolved while in flight. */
function forFlush(alert: Alert, nowMs: number): Alert {
  return isResolved(alert, nowMs) || alert.endsAtMs === NO_END_MS ? alert : newAlert({ ...alert, endsAtMs: NO_END_MS });
}
