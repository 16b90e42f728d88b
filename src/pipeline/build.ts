/**
 * The whole notify pipeline in one place; reading `buildPipeline` reads the spec (the
 * counterpart of Alertmanager 0.25's PipelineBuilder.New). For the receiver a flush names:
 *
 *   inhibit → time active → time mute → silence →
 *     fanout, per integration: dedup against nflog → send with retry → record in nflog
 *
 * The mute order is Alertmanager's: the inhibitor and silencer update the alert marker as
 * they decide, so they must see the alerts before the time stages can drop them all.
 * There is no clustering, so Alertmanager's gossip-settle and peer wait stages (0 without
 * peers) are left out.
 */
import type { Notifier } from '../notify/notifier.js';
import type { NotificationLog } from '../nflog/nflog.js';
import type { AlertMarker } from '../store/marker.js';
import type { Clock } from '../util/clock.js';
import { dedupStage, recordStage } from './dedup.js';
import { markActive, timeActiveStage, timeMuteStage, type TimeIntervals } from './mute.js';
import { retryStage, type Backoff, type NotifyAttempt, type NotifyMetrics } from './retry.js';
import { byReceiver, fanout, muteStage, sequence, type Muter, type Stage } from './stage.js';

export interface PipelineOptions {
  /** Each receiver's integrations (built from its *_configs by the notify module), by receiver name. */
  readonly receivers: ReadonlyMap<string, readonly Notifier[]>;
  /** The configuration's named time intervals. */
  readonly timeIntervals: TimeIntervals;
  readonly nflog: NotificationLog;
  readonly clock: Clock;
  /** Inhibition rules; none when absent. */
  readonly inhibitor?: Muter;
  /** Silences; when absent, alerts are only marked active in `marker`. */
  readonly silencer?: Muter;
  readonly marker?: AlertMarker;
  readonly metrics?: NotifyMetrics;
  /** Told about every send attempt of every integration (notification history). */
  readonly onAttempt?: (attempt: NotifyAttempt) => void;
  readonly backoff?: Backoff;
  /** Retry jitter source (tests). */
  readonly random?: () => number;
}

const NOTHING_MUTED: Muter = { mutes: () => false };

/** Builds the notify pipeline: one Stage that handles a flush for any configured receiver. */
export function buildPipeline(options: PipelineOptions): Stage {
  const inhibit = muteStage(options.inhibitor ?? NOTHING_MUTED);
  const timeActive = timeActiveStage(options.timeIntervals);
  const timeMute = timeMuteStage(options.timeIntervals);
  const silence = muteStage(options.silencer ?? (options.marker ? markActive(options.marker) : NOTHING_MUTED));

  const integration = (notifier: Notifier): Stage =>
    sequence(
      dedupStage({ nflog: options.nflog, notifier }),
      retryStage({
        notifier,
        clock: options.clock,
        backoff: options.backoff,
        random: options.random,
        metrics: options.metrics,
        onAttempt: options.onAttempt,
      }),
      recordStage({ nflog: options.nflog, notifier }),
    );

  const perReceiver = new Map<string, Stage>();
  for (const [name, notifiers] of options.receivers) {
    perReceiver.set(name, sequence(inhibit, timeActive, timeMute, silence, fanout(notifiers.map(integration))));
  }
  return byReceiver(perReceiver);
}
