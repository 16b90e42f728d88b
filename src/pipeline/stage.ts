/**
 * The notify pipeline's one seam: a Stage takes the alerts of a flush and returns the ones
 * that continue. Stages compose with `sequence` (stop early once nothing is left) and
 * `fanout` (every integration in parallel, one failing never holding back another).
 */
import type { Alert } from '../alert/alert.js';
import type { Labels } from '../labels/labels.js';
import { AlertrouterError } from '../util/errors.js';
import type { FlushContext } from './context.js';

export interface Stage {
  /** Returns the alerts that continue; rejects when the stage failed (the flush then failed). */
  exec(ctx: FlushContext, alerts: readonly Alert[]): Promise<readonly Alert[]>;
}

/** Decides whether notifications for a label set are held back (silences, inhibition). */
export interface Muter {
  /**
   * True when the label set is muted; implementations may update the AlertMarker as they decide.
   * `fingerprint`, the labels' fingerprint when the caller has it, spares hashing them again.
   */
  mutes(labels: Labels, fingerprint?: string): boolean;
}

/**
 * One or more integrations of a fanout failed; `errors` holds each failure. The message is
 * theirs joined by `; `, as Alertmanager's MultiError words it (each already names its
 * receiver and integration), so "Notify for alerts failed" lines read the same.
 */
export class FanoutError extends AlertrouterError {
  readonly errors: readonly unknown[];
  constructor(errors: readonly unknown[]) {
    const detail = errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    super('fanout_failed', detail, { cause: errors[0] });
    this.errors = errors;
  }
}

/** A flush named a receiver the pipeline was not built with (config and dispatcher out of step). */
export class UnknownReceiverError extends AlertrouterError {
  constructor(receiver: string, known: readonly string[]) {
    super('unknown_receiver', `notify pipeline: no stage for receiver "${receiver}" (have: ${known.map((k) => `"${k}"`).join(', ') || 'none'})`);
  }
}

/** Runs stages one after another; once no alerts are left the rest do not run. */
export function sequence(...stages: readonly Stage[]): Stage {
  return {
    async exec(ctx, alerts) {
      let current = alerts;
      for (const stage of stages) {
        if (current.length === 0) return [];
        current = await stage.exec(ctx, current);
      }
      return current;
    },
  };
}

/**
 * Runs every stage on the same alerts concurrently and waits for all of them; one failing
 * does not stop the others. Resolves with the input alerts, or rejects with FanoutError
 * listing every failure once all have finished.
 */
export function fanout(stages: readonly Stage[]): Stage {
  return {
    async exec(ctx, alerts) {
      const results = await Promise.allSettled(stages.map((s) => s.exec(ctx, alerts)));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length > 0) throw new FanoutError(errors);
      return alerts;
    },
  };
}

/** Picks the stage of the flush's receiver (`ctx.receiverName`). */
export function byReceiver(stages: ReadonlyMap<string, Stage>): Stage {
  return {
    exec(ctx, alerts) {
      const stage = stages.get(ctx.receiverName);
      if (!stage) return Promise.reject(new UnknownReceiverError(ctx.receiverName, [...stages.keys()]));
      return stage.exec(ctx, alerts);
    },
  };
}

/** Drops the alerts a muter mutes. */
export function muteStage(muter: Muter): Stage {
  return {
    async exec(_ctx, alerts) {
      return alerts.filter((a) => !muter.mutes(a.labels, a.fingerprint));
    },
  };
}
