/**
 * The alerts alertrouter holds, by fingerprint: Alertmanager's provider/mem, plus an
 * optional persistence so that a restart keeps active alerts (Alertmanager forgets them,
 * its issue #2370) and with them groups, inhibitions and due resolved notifications.
 *
 * Everything is synchronous: `put` merges, stores, queues the write (persistence batches
 * it off the request path) and tells subscribers before it returns.
 */
import { isResolved, type Alert } from '../alert/alert.js';
import type { Clock } from '../util/clock.js';
import { every } from '../util/every.js';
import type { PostedBody } from './journal.js';
import type { AlertMarker } from './marker.js';
import { combineOnPut } from './merge.js';

/** Where held alerts survive restarts. Writes may be batched; `loadAll` reads what was written. */
export interface AlertPersistence {
  /** Records these alerts (replacing earlier versions with the same fingerprint). */
  saveBatch(alerts: readonly Alert[]): void;
  /**
   * Records a put of the alerts decoded from a POST body instead of the alerts it stored
   * (far cheaper for the caller); when absent, the stored alerts are saved.
   */
  recordPost?(posted: PostedBody): void;
  /** Tells the persistence where to read the held alerts from when it writes a snapshot. */
  attachSnapshotSource?(source: () => readonly Alert[]): void;
  /** Forgets the alerts with these fingerprints. */
  deleteBatch(fingerprints: readonly string[]): void;
  /** Every alert recorded and not deleted, in no particular order. */
  loadAll(): Alert[];
}

/** Told about every change to the store, synchronously and in order. */
export interface AlertStoreListener {
  /** An alert was stored (new, replaced or merged): `alert` is what the store now holds. */
  onPut?(alert: Alert): void;
  /** Resolved alerts were garbage-collected. */
  onGc?(removed: readonly Alert[]): void;
}

export interface AlertStoreOptions {
  readonly clock: Clock;
  /** Statuses of garbage-collected alerts are deleted here. */
  readonly marker?: AlertMarker;
  /** When given, its alerts are loaded now and every change is written to it. */
  readonly persistence?: AlertPersistence;
}

export interface GcOptions {
  /**
   * Keeps a resolved alert that something still needs, e.g. a resolved notification the
   * dispatcher has not sent yet (so it survives a restart in the meantime).
   */
  readonly retain?: (alert: Alert) => boolean;
}

/** POST bodies up to this size (UTF-16 code units) are recorded as they are; senders' batches are far smaller. */
export const MAX_RECORDED_BODY_CHARS = 256 * 1024;

export class AlertStore {
  private readonly alerts = new Map<string, Alert>();
  private readonly listeners = new Set<AlertStoreListener>();
  private readonly clock: Clock;
  private readonly marker: AlertMarker | undefined;
  private readonly persistence: AlertPersistence | undefined;

  constructor(options: AlertStoreOptions) {
    this.clock = options.clock;
    this.marker = options.marker;
    this.persistence = options.persistence;
    for (const alert of this.persistence?.loadAll() ?? []) this.alerts.set(alert.fingerprint, alert);
    this.persistence?.attachSnapshotSource?.(() => this.list());
  }

  /**
   * Stores the alerts, merging each with the one held under its fingerprint by
   * Alertmanager's rules, and tells subscribers about each stored result. With `posted` — the
   * POST body the alerts were decoded from, which must decode to exactly these alerts — they
   * are merged at `posted.nowMs` and persistence records the body rather than the stored alerts.
   */
  put(alerts: readonly Alert[], options: { readonly posted?: PostedBody } = {}): void {
    if (alerts.length === 0) return;
    const nowMs = options.posted?.nowMs ?? this.clock.nowMs();
    // A large body is recorded as the alerts it stored instead: those coalesce by fingerprint
    // while the writer is behind, so a flood of large bodies is not held in memory whole.
    const recordedBody =
      options.posted && options.posted.body.length <= MAX_RECORDED_BODY_CHARS && this.persistence?.recordPost ? options.posted : undefined;
    const stored: Alert[] = [];
    for (const incoming of alerts) {
      const held = this.alerts.get(incoming.fingerprint);
      const alert = held ? combineOnPut(held, incoming, nowMs) : incoming;
      this.alerts.set(alert.fingerprint, alert);
      if (!recordedBody) stored.push(alert);
      for (const l of this.listeners) l.onPut?.(alert);
    }
    if (recordedBody) this.persistence!.recordPost!(recordedBody);
    else this.persistence?.saveBatch(stored);
  }

  /** The alert held under `fingerprint`, if any. */
  get(fingerprint: string): Alert | undefined {
    return this.alerts.get(fingerprint);
  }

  /** All held alerts, including resolved ones not yet garbage-collected. */
  list(): Alert[] {
    return [...this.alerts.values()];
  }

  get size(): number {
    return this.alerts.size;
  }

  /** Registers a listener for future changes; returns a function that unregisters it. */
  subscribe(listener: AlertStoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Removes alerts resolved at `nowMs` (unless `retain` keeps them), deletes their marker
   * status and persisted copy, tells subscribers, and returns what was removed.
   */
  gc(nowMs: number, options: GcOptions = {}): Alert[] {
    const removed: Alert[] = [];
    for (const [fp, alert] of this.alerts) {
      if (!isResolved(alert, nowMs) || options.retain?.(alert)) continue;
      this.alerts.delete(fp);
      this.marker?.delete(fp);
      removed.push(alert);
    }
    if (removed.length === 0) return removed;
    this.persistence?.deleteBatch(removed.map((a) => a.fingerprint));
    for (const l of this.listeners) l.onGc?.(removed);
    return removed;
  }

  /**
   * Runs `gc` every `intervalMs` (Alertmanager's --alerts.gc-interval, default 30m) on the
   * store's clock; returns a function that stops it.
   */
  startGc(options: GcOptions & { readonly intervalMs: number }): () => void {
    return every(this.clock, options.intervalMs, () => this.gc(this.clock.nowMs(), options));
  }
}
