/**
 * Per-alert status as Alertmanager 0.25's types.MemMarker keeps it: whether an alert was
 * looked at by the muters yet, and which silences / inhibiting alerts suppress it.
 * GET /api/v2/alerts shows this as `status`. The muters (silencer, inhibitor) write it
 * while they decide; the store deletes an entry when it garbage-collects the alert.
 *
 * Alertmanager 0.25 has no per-group "muted by time interval" marker (that arrived in
 * 0.27 as GroupMarker), so there is none here either.
 */

export type AlertState = 'unprocessed' | 'active' | 'suppressed';

export interface AlertStatus {
  readonly state: AlertState;
  /** IDs of the active silences that match the alert: the complete set. */
  readonly silencedBy: readonly string[];
  /** Fingerprints of inhibiting alerts; like Alertmanager, possibly only one of them. */
  readonly inhibitedBy: readonly string[];
}

/** What a silencer remembers between calls: pending silences and the silence state version. */
export interface SilenceMark {
  readonly activeIds: readonly string[];
  readonly pendingIds: readonly string[];
  /** Version of the silences state the IDs were computed from (lets the silencer skip work). */
  readonly version: number;
}

interface MutableStatus {
  state: AlertState;
  silencedBy: readonly string[];
  inhibitedBy: readonly string[];
  pendingSilences: readonly string[];
  silencesVersion: number;
}

const UNPROCESSED: AlertStatus = Object.freeze({ state: 'unprocessed', silencedBy: [], inhibitedBy: [] });

export class AlertMarker {
  private readonly byFingerprint = new Map<string, MutableStatus>();

  /**
   * Replaces the silences an alert is silenced by (the complete set). The alert becomes
   * active when neither silences nor inhibiting alerts remain, suppressed otherwise.
   */
  setSilenced(fingerprint: string, mark: SilenceMark): void {
    const s = this.entry(fingerprint);
    s.silencedBy = [...mark.activeIds];
    s.pendingSilences = [...mark.pendingIds];
    s.silencesVersion = mark.version;
    s.state = stateOf(s);
  }

  /** Replaces the inhibiting alerts' fingerprints; empty means no longer inhibited. */
  setInhibited(fingerprint: string, inhibitedBy: readonly string[]): void {
    const s = this.entry(fingerprint);
    s.inhibitedBy = [...inhibitedBy];
    s.state = stateOf(s);
  }

  /** The alert's status; an alert never marked is `unprocessed` with empty lists. */
  status(fingerprint: string): AlertStatus {
    const s = this.byFingerprint.get(fingerprint);
    if (!s) return UNPROCESSED;
    return { state: s.state, silencedBy: s.silencedBy, inhibitedBy: s.inhibitedBy };
  }

  /** The silence IDs and version last recorded, or undefined when never marked. */
  silenceMark(fingerprint: string): SilenceMark | undefined {
    const s = this.byFingerprint.get(fingerprint);
    if (!s) return undefined;
    return { activeIds: s.silencedBy, pendingIds: s.pendingSilences, version: s.silencesVersion };
  }

  /** Forgets the alert (it was garbage-collected). */
  delete(fingerprint: string): void {
    this.byFingerprint.delete(fingerprint);
  }

  /** Number of marked alerts in any of `states`; all marked alerts when none are given. */
  count(...states: AlertState[]): number {
    if (states.length === 0) return this.byFingerprint.size;
    let n = 0;
    for (const s of this.byFingerprint.values()) if (states.includes(s.state)) n++;
    return n;
  }

  private entry(fingerprint: string): MutableStatus {
    let s = this.byFingerprint.get(fingerprint);
    if (!s) {
      s = { state: 'active', silencedBy: [], inhibitedBy: [], pendingSilences: [], silencesVersion: 0 };
      this.byFingerprint.set(fingerprint, s);
    }
    return s;
  }
}

function stateOf(s: MutableStatus): AlertState {
  return s.silencedBy.length === 0 && s.inhibitedBy.length === 0 ? 'active' : 'suppressed';
}
