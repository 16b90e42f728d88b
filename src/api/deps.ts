/**
 * What the HTTP API needs from the rest of the daemon, as small structural interfaces: the
 * real AlertStore, AlertMarker, dispatcher and routing tree satisfy them, and the daemon's
 * wiring passes closures over whatever is live after a reload.
 */
import type { Alert } from '../alert/alert.js';
import type { Labels } from '../labels/labels.js';
import type { Clock } from '../util/clock.js';
import type { PostedBody } from '../store/journal.js';

/** The alert store as the API uses it (store/alerts.ts AlertStore). */
export interface ApiAlertStore {
  /**
   * Merges and stores validated alerts (Alertmanager's rules for an alert already held);
   * `posted` is the body they were decoded from at `posted.nowMs` (persistence records it).
   */
  put(alerts: readonly Alert[], options?: { readonly posted?: PostedBody }): void | Promise<void>;
  /** Every alert held, resolved ones not yet garbage-collected included. */
  list(): Iterable<Alert>;
}

/** An alert's status as Alertmanager's marker keeps it (store/marker.ts AlertStatus). */
export interface ApiAlertStatus {
  readonly state: 'unprocessed' | 'active' | 'suppressed';
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
}

export interface ApiMarker {
  /** The alert's status; `unprocessed` with empty lists when never marked. */
  status(fingerprint: string): ApiAlertStatus;
}

/** One aggregation group as the dispatcher holds it. */
export interface ApiAlertGroup {
  /** The group labels (values of the route's group_by labels). */
  readonly labels: Labels;
  /** The receiver of the route the group belongs to. */
  readonly receiver: string;
  readonly alerts: readonly Alert[];
}

/** The parts of the loaded configuration the API shows (config/types.ts Config satisfies it). */
export interface ApiConfigView {
  readonly original: string;
  readonly global: { readonly resolveTimeoutMs: number };
  readonly receivers: readonly { readonly name: string }[];
}

/** Build information shown by /api/v2/status `versionInfo`. */
export interface VersionInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

/** This instance as the one cluster peer /api/v2/status lists while clustering is off. */
export interface PeerInfo {
  readonly name: string;
  readonly address: string;
}

export interface ApiDeps {
  readonly clock: Clock;
  readonly alerts: ApiAlertStore;
  readonly marker: ApiMarker;
  /** The configuration in force now (read per request, so a reload shows at once). */
  config(): ApiConfigView;
  /** Receivers of every route the label set matches, in routing order (Route.match). */
  receiversFor(labels: Labels): readonly string[];
  /** The dispatcher's aggregation groups now, unfiltered and in any order. */
  groups(): Iterable<ApiAlertGroup>;
  /**
   * Re-evaluates silences and inhibitions for an alert before its status is read, as
   * Alertmanager's API does on every GET; optional (then the marker's last verdict is shown).
   */
  refreshStatus?(alert: Alert): void;
  /**
   * Told about every POST of alerts once validated: how many fired and were resolved (all
   * alerts of the body, as Alertmanager counts them) and how many were refused (metrics).
   */
  alertsReceived?(counts: { readonly firing: number; readonly resolved: number; readonly invalid: number }): void;
  /**
   * Builds and swaps in the configuration from disk; rejects with the reason on failure. The
   * daemon logs a configuration it refuses itself, so callers do not log it again.
   */
  reload(): Promise<void>;
  readonly versionInfo: VersionInfo;
  /** When the process started (status `uptime`). */
  readonly startedAtMs: number;
  readonly peer: PeerInfo;
}
