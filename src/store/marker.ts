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

/** What is kept per marked alert. Immutable: a change stores a new one. */
interface Entry extends AlertStatus {
  readonly pendingSilences: readonly string[];
  readonly silencesVersion: number;
}

const NONE: readonly string[] = Object.freeze([]);
const UNPROCESSED: AlertStatus = Object.freeze({ state: 'unprocessed', silencedBy: NONE, inhibitedBy: NONE });
const ACTIVE: AlertStatus = Object.freeze({ state: 'active', silencedBy: NONE, inhibitedBy: NONE });

// Nearly every alert is marked active with empty lists: those share one entry per silences
// version, so marking 100k alerts costs a Map entry each rather than an object and three arrays.
const ACTIVE_ENTRIES_MAX = 64;
const activeEntries = new Map<number, Entry>();

function activeEntry(silencesVersion: number): Entry {
  let e = activeEntries.get(silencesVersion);
  if (e === undefined) {
    e = Object.freeze({ state: 'active', silencedBy: NONE, inhibitedBy: NONE, pendingSilences: NONE, silencesVersion });
    if (activeEntries.size >= ACTIVE_ENTRIES_MAX) activeEntries.clear();
    activeEntries.set(silencesVersion, e);
  }
  return e;
}

function copyOf(ids: readonly string[]): readonly string[] {
  return ids.length === 0 ? NONE : Object.freeze([...ids]);
}

function entryOf(fields: Omit<Entry, 'state'>): Entry {
  if (fields.silencedBy.length === 0 && fields.inhibitedBy.length === 0 && fields.pendingSilences.length === 0) {
    return activeEntry(fields.silencesVersion);
  }
  const state: AlertState = fields.silencedBy.length === 0 && fields.inhibitedBy.length === 0 ? 'active' : 'suppressed';
  return Object.freeze({ state, ...fields });
}

export class AlertMarker {
  private readonly byFingerprint = new Map<string, Entry>();

  /**
   * Replaces the silences an alert is silenced by (the complete set). The alert becomes
   * active when neither silences nor inhibiting alerts remain, suppressed otherwise.
   */
  setSilenced(fingerprint: string, mark: SilenceMark): void {
    const old = this.byFingerprint.get(fingerprint);
    this.byFingerprint.set(
      fingerprint,
      entryOf({
        silencedBy: copyOf(mark.activeIds),
        inhibitedBy: old?.inhibitedBy ?? NONE,
        pendingSilences: copyOf(mark.pendingIds),
        silencesVersion: mark.version,
      }),
    );
  }

  /** Replaces the inhibiting alerts' fingerprints; empty means no longer inhibited. */
  setInhibited(fingerprint: string, inhibitedBy: readonly string[]): void {
    const old = this.byFingerprint.get(fingerprint);
    this.byFingerprint.set(
      fingerprint,
      entryOf({
        silencedBy: old?.silencedBy ?? NONE,
        inhibitedBy: copyOf(inhibitedBy),
        pendingSilences: old?.pendingSilences ?? NONE,
        silencesVersion: old?.silencesVersion ?? 0,
      }),
    );
  }

  /** The alert's status; an alert never marked is `unprocessed` with empty lists. */
  status(fingerprint: string): AlertStatus {
    const s = this.byFingerprint.get(fingerprint);
    if (!s) return UNPROCESSED;
    if (s.state === 'active' && s.inhibitedBy.length === 0) return ACTIVE;
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
}
