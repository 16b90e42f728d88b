/**
 * The silencing Muter (Alertmanager's Silencer): an alert is muted while an active silence
 * matches it; the decision is written to the AlertMarker (silencedBy = every active matching
 * silence, sorted) so the API shows it.
 */
import { fingerprint, type Labels } from '../labels/labels.js';
import type { Muter } from '../pipeline/stage.js';
import type { SilenceMark } from '../store/marker.js';
import type { Clock } from '../util/clock.js';
import type { SilenceMatch } from './repository.js';

/** What the silencer needs from the repository (SilenceRepository satisfies it). */
export interface SilenceMatcherSource {
  match(labels: Labels, options: { readonly nowMs: number; readonly fingerprint?: string }): SilenceMatch;
}

/** Where the verdict is recorded (store/marker.ts AlertMarker satisfies it). */
export interface SilenceMarker {
  setSilenced(fingerprint: string, mark: SilenceMark): void;
}

export interface SilencerOptions {
  readonly silences: SilenceMatcherSource;
  readonly marker: SilenceMarker;
  readonly clock: Clock;
}

/** Builds the silencing muter; it reads the clock at each call. */
export function silencer(options: SilencerOptions): Muter {
  const { silences, marker, clock } = options;
  return {
    mutes(labels: Labels, labelsFingerprint?: string): boolean {
      const fp = labelsFingerprint ?? fingerprint(labels);
      const match = silences.match(labels, { nowMs: clock.nowMs(), fingerprint: fp });
      marker.setSilenced(fp, match);
      return match.activeIds.length > 0;
    },
  };
}
