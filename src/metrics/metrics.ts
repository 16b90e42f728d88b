/**
 * The daemon's Prometheus metrics under Alertmanager 0.25's names, types, label names and
 * help texts, so dashboards and alerting rules written for Alertmanager work unchanged.
 * Counters and histograms are updated through small hooks (NotifyMetrics for the pipeline,
 * `alertsReceived` for the API, `configLoaded` for reloads); gauges read the live state
 * through MetricsSources when scraped. Process and Node.js runtime metrics come from
 * prom-client's defaults (process_resident_memory_bytes, process_cpu_seconds_total, …).
 */
import { createHash } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { NflogEntry, NflogKey, NotificationLog } from '../nflog/nflog.js';
import type { NotifyMetrics } from '../pipeline/retry.js';
import type { Muter } from '../pipeline/stage.js';

export type AlertStateCounts = Readonly<Record<'active' | 'suppressed' | 'unprocessed', number>>;
export type SilenceStateCounts = Readonly<Record<'active' | 'pending' | 'expired', number>>;

/** Live state read at scrape time. */
export interface MetricsSources {
  /** Held alerts that are not resolved, by marker state (alertmanager_alerts). */
  alertsByState(): AlertStateCounts;
  /** Every alert the marker knows, resolved or not, by state (alertmanager_marked_alerts). */
  markedAlertsByState(): AlertStateCounts;
  silencesByState(): SilenceStateCounts;
  aggregationGroups(): number;
  receivers(): number;
  integrations(): number;
  /** Bytes the notification log and the silences take on disk (their "snapshot" sizes). */
  nflogBytes(): number;
  silencesBytes(): number;
}

/** alertmanager_build_info's labels. */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
}

export interface DaemonMetricsOptions {
  readonly sources: MetricsSources;
  readonly buildInfo: BuildInfo;
  /** Process and Node.js runtime metrics (default true; tests creating many registries may turn them off). */
  readonly defaultMetrics?: boolean;
}

/** What a POST of alerts brought: counted like Alertmanager (all alerts by status, the refused ones also as invalid). */
export interface ReceivedAlerts {
  readonly firing: number;
  readonly resolved: number;
  readonly invalid: number;
}

// Alertmanager pre-creates the series of every integration it has; these are ours.
const INTEGRATIONS = ['email', 'slack', 'webhook'] as const;
// API v1 is gone (410) but Alertmanager 0.25 exports its zero series; dashboards may sum them.
const API_VERSIONS = ['v1', 'v2'] as const;
const ALERT_STATES = ['active', 'suppressed', 'unprocessed'] as const;
const SILENCE_STATES = ['active', 'expired', 'pending'] as const;
const HTTP_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 20, 60];
const HTTP_SIZE_BUCKETS = [100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
const QUERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type BoundCounter = ReturnType<Counter['labels']>;
type BoundHistogram = ReturnType<Histogram['labels']>;

/**
 * The series of a label value, bound on first use and kept: a labelled inc or observe hashes
 * its label set every time, which several times per notification added up. For label values
 * from a small fixed set only.
 */
function bound<T>(make: (value: string) => T): (value: string) => T {
  const series = new Map<string, T>();
  return (value) => {
    let s = series.get(value);
    if (s === undefined) series.set(value, (s = make(value)));
    return s;
  };
}

/**
 * Alertmanager's alertmanager_config_hash: the MD5 of the configuration file's bytes, its
 * first 6 bytes read as a little-endian integer (48 bits fit a float64 exactly).
 */
export function configHashValue(configText: string): number {
  const sum = createHash('md5').update(configText, 'utf8').digest();
  let value = 0;
  for (let i = 5; i >= 0; i--) value = value * 256 + sum[i]!;
  return value;
}

// Go's GOARCH names, as alertmanager_build_info shows them.
function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' } as Record<string, string>)[arch] ?? arch;
}

/** Alertmanager's query and GC metrics of its notification log and of its silences. */
interface QueryMetrics {
  readonly total: Counter;
  readonly errors: Counter;
  readonly seconds: Histogram;
  readonly gc: Summary;
}

function queryMetrics(
  registers: Registry[],
  spec: { readonly prefix: string; readonly total: string; readonly errors: string; readonly seconds: string; readonly gc: string },
): QueryMetrics {
  return {
    total: new Counter({ name: `${spec.prefix}_queries_total`, help: spec.total, registers }),
    errors: new Counter({ name: `${spec.prefix}_query_errors_total`, help: spec.errors, registers }),
    seconds: new Histogram({ name: `${spec.prefix}_query_duration_seconds`, help: spec.seconds, buckets: QUERY_BUCKETS, registers }),
    // Go summaries without objectives: only _sum and _count.
    gc: new Summary({ name: `${spec.prefix}_gc_duration_seconds`, help: spec.gc, percentiles: [], registers }),
  };
}

/**
 * How often the nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds histogram
 * samples the event loop. prom-client's default, 10 ms, wakes an idle daemon 100 times a
 * second, about 0.5% of a core here doing nothing (Alertmanager idles at 0); at 100 ms a
 * stall of 100 ms or more is still always seen, for a tenth of the wake-ups.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

// Runs one query of the notification log or the silences, counting and timing it.
function countQuery<T>(metrics: QueryMetrics, query: () => T): T {
  metrics.total.inc();
  const end = metrics.seconds.startTimer();
  try {
    return query();
  } catch (err) {
    metrics.errors.inc();
    throw err;
  } finally {
    end();
  }
}

export class DaemonMetrics {
  readonly registry = new Registry();
  /** Hooks for the notify pipeline's retry stage. */
  readonly notify: NotifyMetrics;
  private readonly received: Counter<'status' | 'version'>;
  private readonly invalid: Counter<'version'>;
  private readonly receivedV2: Readonly<Record<keyof ReceivedAlerts, BoundCounter>>;
  /** Bound HTTP series by `<handler> <method>`, made on first use (methods from clients: at most 64 kept). */
  private readonly httpSeries = new Map<string, { seconds: BoundHistogram; bytes: BoundHistogram }>();
  private readonly reloadOk: Gauge;
  private readonly reloadOkAt: Gauge;
  private readonly configHash: Gauge;
  private readonly nflog: QueryMetrics;
  private readonly silences: QueryMetrics;
  private readonly httpSeconds: Histogram<'handler' | 'method'>;
  private readonly httpBytes: Histogram<'handler' | 'method'>;
  private readonly getInFlight: Gauge;
  private readonly getLimitExceeded: Counter;

  constructor(options: DaemonMetricsOptions) {
    const { sources } = options;
    const registers = [this.registry];
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    }

    new Gauge({
      name: 'alertmanager_build_info',
      help: "A metric with a constant '1' value labeled by version, revision, branch, goversion from which alertmanager was built, and the goos and goarch for the build.",
      labelNames: ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch'],
      registers,
    }).set(
      {
        ...options.buildInfo,
        goversion: `node${process.versions.node}`,
        goos: process.platform,
        goarch: goArch(process.arch),
      },
      1,
    );
    new Gauge({ name: 'alertmanager_cluster_enabled', help: 'Indicates whether the clustering is enabled or not.', registers }).set(0);

    const stateGauge = (name: string, help: string, read: () => AlertStateCounts | SilenceStateCounts, states: readonly string[]): void => {
      new Gauge({
        name,
        help,
        labelNames: ['state'],
        registers,
        collect() {
          const counts = read() as Record<string, number>;
          for (const state of states) this.set({ state }, counts[state] ?? 0);
        },
      });
    };
    stateGauge('alertmanager_alerts', 'How many alerts by state.', () => sources.alertsByState(), ALERT_STATES);
    stateGauge(
      'alertmanager_marked_alerts',
      'How many alerts by state are currently marked in the Alertmanager regardless of their expiry.',
      () => sources.markedAlertsByState(),
      ALERT_STATES,
    );
    stateGauge('alertmanager_silences', 'How many silences by state.', () => sources.silencesByState(), SILENCE_STATES);
    const valueGauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    valueGauge('alertmanager_dispatcher_aggregation_groups', 'Number of active aggregation groups', () => sources.aggregationGroups());
    valueGauge('alertmanager_receivers', 'Number of configured receivers.', () => sources.receivers());
    valueGauge('alertmanager_integrations', 'Number of configured integrations.', () => sources.integrations());
    valueGauge('alertmanager_nflog_snapshot_size_bytes', 'Size of the last notification log snapshot in bytes.', () => sources.nflogBytes());
    valueGauge('alertmanager_silences_snapshot_size_bytes', 'Size of the last silence snapshot in bytes.', () => sources.silencesBytes());

    this.received = new Counter({
      name: 'alertmanager_alerts_received_total',
      help: 'The total number of received alerts.',
      labelNames: ['status', 'version'],
      registers,
    });
    this.invalid = new Counter({
      name: 'alertmanager_alerts_invalid_total',
      help: 'The total number of received alerts that were invalid.',
      labelNames: ['version'],
      registers,
    });
    for (const version of API_VERSIONS) {
      this.received.inc({ status: 'firing', version }, 0);
      this.received.inc({ status: 'resolved', version }, 0);
      this.invalid.inc({ version }, 0);
    }
    this.receivedV2 = {
      firing: this.received.labels({ status: 'firing', version: 'v2' }),
      resolved: this.received.labels({ status: 'resolved', version: 'v2' }),
      invalid: this.invalid.labels({ version: 'v2' }),
    };

    const byIntegration = (name: string, help: string): ((integration: string) => BoundCounter) => {
      const c = new Counter({ name, help, labelNames: ['integration'], registers });
      const series = bound((integration) => c.labels({ integration }));
      for (const integration of INTEGRATIONS) series(integration).inc(0);
      return series;
    };
    const notifications = byIntegration('alertmanager_notifications_total', 'The total number of attempted notifications.');
    const notificationsFailed = byIntegration('alertmanager_notifications_failed_total', 'The total number of failed notifications.');
    const requests = byIntegration('alertmanager_notification_requests_total', 'The total number of attempted notification requests.');
    const requestsFailed = byIntegration('alertmanager_notification_requests_failed_total', 'The total number of failed notification requests.');
    const latencyHistogram = new Histogram({
      name: 'alertmanager_notification_latency_seconds',
      help: 'The latency of notifications in seconds.',
      labelNames: ['integration'],
      buckets: [1, 5, 10, 15, 20],
      registers,
    });
    for (const integration of INTEGRATIONS) latencyHistogram.zero({ integration });
    const latency = bound((integration) => latencyHistogram.labels({ integration }));
    this.notify = {
      notificationDone(integration, ok) {
        notifications(integration).inc();
        if (!ok) notificationsFailed(integration).inc();
      },
      requestDone(integration, ok, latencyMs) {
        latency(integration).observe(latencyMs / 1000);
        requests(integration).inc();
        if (!ok) requestsFailed(integration).inc();
      },
    };

    this.reloadOk = new Gauge({
      name: 'alertmanager_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers,
    });
    this.reloadOkAt = new Gauge({
      name: 'alertmanager_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers,
    });
    this.configHash = new Gauge({ name: 'alertmanager_config_hash', help: 'Hash of the currently loaded alertmanager configuration.', registers });

    this.nflog = queryMetrics(registers, {
      prefix: 'alertmanager_nflog',
      total: 'Number of notification log queries were received.',
      errors: 'Number notification log received queries that failed.',
      seconds: 'Duration of notification log query evaluation.',
      gc: 'Duration of the last notification log garbage collection cycle.',
    });
    this.silences = queryMetrics(registers, {
      prefix: 'alertmanager_silences',
      total: 'How many silence queries were received.',
      errors: 'How many silence received queries did not succeed.',
      seconds: 'Duration of silence query evaluation.',
      gc: 'Duration of the last silence garbage collection cycle.',
    });

    this.httpSeconds = new Histogram({
      name: 'alertmanager_http_request_duration_seconds',
      help: 'Histogram of latencies for HTTP requests.',
      labelNames: ['handler', 'method'],
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    });
    this.httpBytes = new Histogram({
      name: 'alertmanager_http_response_size_bytes',
      help: 'Histogram of response size for HTTP requests.',
      labelNames: ['handler', 'method'],
      buckets: HTTP_SIZE_BUCKETS,
      registers,
    });
    // As Alertmanager 0.25, only GETs are limited and instrumented here, hence the fixed label.
    this.getInFlight = new Gauge({
      name: 'alertmanager_http_requests_in_flight',
      help: 'Current number of HTTP requests being processed.',
      labelNames: ['method'],
      registers,
    });
    this.getInFlight.set({ method: 'get' }, 0);
    this.getLimitExceeded = new Counter({
      name: 'alertmanager_http_concurrency_limit_exceeded_total',
      help: 'Total number of times an HTTP request failed because the concurrency limit was reached.',
      labelNames: ['method'],
      registers,
    });
    this.getLimitExceeded.inc({ method: 'get' }, 0);
  }

  /** Counts one POST of alerts (API v2). */
  alertsReceived(counts: ReceivedAlerts): void {
    this.receivedV2.firing.inc(counts.firing);
    this.receivedV2.resolved.inc(counts.resolved);
    this.receivedV2.invalid.inc(counts.invalid);
  }

  /** Records a configuration (re)load: on success its text (hashed) and when, on failure only that it failed. */
  configLoaded(result: { readonly ok: true; readonly configText: string; readonly atMs: number } | { readonly ok: false }): void {
    this.reloadOk.set(result.ok ? 1 : 0);
    if (!result.ok) return;
    this.configHash.set(configHashValue(result.configText));
    this.reloadOkAt.set(result.atMs / 1000);
  }

  /** The notification log with its queries counted and timed (alertmanager_nflog_query*). */
  instrumentNflog(nflog: NotificationLog): NotificationLog {
    return {
      query: (key: NflogKey): NflogEntry | undefined => countQuery(this.nflog, () => nflog.query(key)),
      log: (key, entry) => nflog.log(key, entry),
    };
  }

  /** The silencing muter with its queries counted and timed (alertmanager_silences_query*). */
  instrumentSilencer(muter: Muter): Muter {
    return { mutes: (labels, fp) => countQuery(this.silences, () => muter.mutes(labels, fp)) };
  }

  /** Times a garbage collection of the notification log or the silences. */
  gcDone(what: 'nflog' | 'silences', durationMs: number): void {
    (what === 'nflog' ? this.nflog : this.silences).gc.observe(durationMs / 1000);
  }

  /** One HTTP request answered; `handler` must come from a small fixed set (label cardinality). */
  httpRequestDone(request: { readonly handler: string; readonly method: string; readonly durationMs: number; readonly bytes: number }): void {
    const key = `${request.handler} ${request.method}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      const labels = { handler: request.handler, method: request.method.toLowerCase() };
      series = { seconds: this.httpSeconds.labels(labels), bytes: this.httpBytes.labels(labels) };
      if (this.httpSeries.size < 64) this.httpSeries.set(key, series);
    }
    series.seconds.observe(request.durationMs / 1000);
    series.bytes.observe(request.bytes);
  }

  /** A GET started (+1) or ended (-1) under the concurrency limit. */
  getInFlightChanged(delta: 1 | -1): void {
    this.getInFlight.inc({ method: 'get' }, delta);
  }

  /** A GET was refused because the concurrency limit was reached. */
  getLimitReached(): void {
    this.getLimitExceeded.inc({ method: 'get' });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
