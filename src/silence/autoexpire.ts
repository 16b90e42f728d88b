/**
 * Silences that expire themselves once resolved (alertrouter's `expireWhenResolved`): such a
 * silence expires when it has matched a firing alert and then, for `graceMs`, none of the
 * alerts it matches is firing. A silence that never matched a firing alert stays until its end
 * (it may be set up ahead of the trouble), and a pending one is not looked at yet.
 *
 * The grace period rides out flapping alerts and a restart: after a restart the store may be
 * empty until Prometheus sends its alerts again, so a silence seen firing before the restart
 * counts as firing at the restart.
 */
import { isResolved, type Alert } from '../alert/alert.js';
import { matchesAll } from '../labels/matcher.js';
import type { Clock } from '../util/clock.js';
import type { SilenceRepository } from './repository.js';
import { compileSilenceMatchers, silenceState, type SilenceState } from './silence.js';

export type AutoExpireAction = 'keep' | 'seen-firing' | 'expire';

/** What is known about one expire-when-resolved silence at `nowMs`. */
export interface AutoExpireFacts {
  readonly state: SilenceState;
  /** Whether an alert firing now matches the silence. */
  readonly matchesFiring: boolean;
  /** When it was last seen matching a firing alert; undefined when never. */
  readonly lastFiringAtMs: number | undefined;
  readonly nowMs: number;
  readonly graceMs: number;
}

/**
 * `seen-firing` when a firing alert matches an active silence (record the time); `expire` when
 * it matched one before and none for graceMs; `keep` otherwise.
 */
export function decideAutoExpire(facts: AutoExpireFacts): AutoExpireAction {
  if (facts.state !== 'active') return 'keep';
  if (facts.matchesFiring) return 'seen-firing';
  if (facts.lastFiringAtMs === undefined) return 'keep';
  return facts.nowMs - facts.lastFiringAtMs >= facts.graceMs ? 'expire' : 'keep';
}

export interface AutoExpirerOptions {
  readonly repository: SilenceRepository;
  readonly alerts: { list(): Iterable<Alert> };
  readonly clock: Clock;
  /** Quiet time after the last firing match before expiring; default 5 minutes. */
  readonly graceMs?: number;
}

const DEFAULT_GRACE_MS = 5 * 60_000;

/** Applies decideAutoExpire to every expire-when-resolved silence on each `run`. */
export class AutoExpirer {
  private readonly repo: SilenceRepository;
  private readonly alerts: { list(): Iterable<Alert> };
  private readonly graceMs: number;
  private readonly startedAtMs: number;
  // Last firing match per silence; only the first one is persisted (a write per tick is waste).
  private readonly lastFiring = new Map<string, number>();

  constructor(options: AutoExpirerOptions) {
    this.repo = options.repository;
    this.alerts = options.alerts;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.startedAtMs = options.clock.nowMs();
  }

  /** Checks every expire-when-resolved silence against the alerts now; returns the IDs it expired. */
  run(nowMs: number): string[] {
    const entries = this.repo.autoExpireEntries();
    if (entries.length === 0) return [];
    const firing = [...this.alerts.list()].filter((a) => !isResolved(a, nowMs));
    const expired: string[] = [];
    for (const { silenceId, seenFiringAtMs } of entries) {
      const silence = this.repo.get(silenceId);
      if (silence === undefined) continue;
      const matchers = compileSilenceMatchers(silence.matchers);
      const known = this.lastFiring.get(silenceId);
      // Seen before this process started: count it as firing at start (see the module comment).
      const lastFiringAtMs = known ?? (seenFiringAtMs === undefined ? undefined : Math.max(seenFiringAtMs, this.startedAtMs));
      const action = decideAutoExpire({
        state: silenceState(silence, nowMs),
        matchesFiring: firing.some((a) => matchesAll(matchers, a.labels)),
        lastFiringAtMs,
        nowMs,
        graceMs: this.graceMs,
      });
      if (action === 'seen-firing') {
        this.lastFiring.set(silenceId, nowMs);
        this.repo.markSeenFiring(silenceId, nowMs);
      } else if (action === 'expire') {
        this.repo.expire(silenceId, nowMs);
        this.lastFiring.delete(silenceId);
        expired.push(silenceId);
      }
    }
    return expired;
  }
}
