/**
 * The daemon's wiring. Long-lived parts (alert store, marker, notification log, silences,
 * HTTP server) live as long as the process; everything derived from the configuration
 * (routing tree, templates, integrations, inhibitor, pipeline, dispatcher) is a Generation.
 * Reload builds a whole new Generation first and swaps only when that succeeded, so a bad
 * config leaves the running one untouched and nothing held is lost.
 */
import { statSync } from 'node:fs';
import { isResolved, type Alert } from './alert/alert.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApiApp, routeAsAlertmanager } from './api/app.js';
import { decodePostedBody } from './api/v2/postable.js';
import type { ApiDeps, VersionInfo } from './api/deps.js';
import { loadConfigFile } from './config/load.js';
import { checkIntegrationTlsFiles } from './config/tlsfiles.js';
import type { Config } from './config/types.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { explainAlert, type Explanation } from './explain/explain.js';
import { NotificationHistory } from './history/history.js';
import { DaemonMetrics, type AlertStateCounts, type MetricsSources, type SilenceStateCounts } from './metrics/metrics.js';
import { buildRouteTree, type Route } from './dispatch/route.js';
import { Inhibitor } from './inhibit/inhibitor.js';
import { SqliteNotificationLog } from './nflog/nflog.js';
import { buildIntegrations } from './notify/build.js';
import type { Notifier } from './notify/notifier.js';
import { buildPipeline } from './pipeline/build.js';
import type { Muter } from './pipeline/stage.js';
import { explainRouter } from './api/ext/explain.js';
import { notificationsRouter } from './api/ext/notifications.js';
import { recurringSilencesRouter } from './api/ext/recurring-silences.js';
import { tryRouter } from './api/ext/try.js';
import { silencesRouter } from './api/v2/silences.js';
import { AutoExpirer } from './silence/autoexpire.js';
import { startSilenceMaintenance } from './silence/maintenance.js';
import { silencer } from './silence/muter.js';
import { RecurringSilences } from './silence/recurring-store.js';
import { SilenceRepository } from './silence/repository.js';
import { silenceState } from './silence/silence.js';
import { AlertStore } from './store/alerts.js';
import { AlertMarker } from './store/marker.js';
import { SqliteAlertPersistence } from './store/sqlite.js';
import { Templates } from './template/template.js';
import { systemClock, type Clock } from './util/clock.js';
import { every } from './util/every.js';
import { redactedUrl } from './util/gourl.js';
import { parseListenAddress, resolveWebUrls } from './web/address.js';
import { WebServer } from './web/server.js';

export const VERSION = '0.1.0';
/** The Alertmanager release whose configuration, API and behaviour alertrouter follows. */
export const ALERTMANAGER_COMPAT_VERSION = '0.25.0';

export interface DaemonOptions {
  readonly configFile: string;
  readonly storagePath: string;
  /** `host:port`, `:port` or `[v6]:port`, as --web.listen-address. */
  readonly listenAddress: string;
  readonly externalUrl: string;
  readonly routePrefix: string;
  /** --data.retention: how long notification-log entries and expired silences are kept. */
  readonly retentionMs: number;
  /** --alerts.gc-interval: how often resolved alerts are dropped from the store. */
  readonly alertsGcIntervalMs: number;
  /** --data.maintenance-interval: how often the notification log and silences are cleaned. */
  readonly maintenanceIntervalMs: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** --web.config.file: TLS, basic auth and headers in the exporter-toolkit format. */
  readonly webConfigFile?: string;
  /** Most GET requests served at once (--web.get-concurrency, resolved). */
  readonly getConcurrency: number;
  /** --web.timeout; 0 for none. */
  readonly webTimeoutMs: number;
  /** How long stop() lets notifications and requests in flight finish before cutting them off; default 10s. */
  readonly shutdownGraceMs?: number;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Everything built from one configuration. */
interface Generation {
  readonly config: Config;
  readonly route: Route;
  readonly inhibitor: Inhibitor;
  readonly dispatcher: Dispatcher;
  /** Kept for the try-before-you-page endpoints (template render, test notifications). */
  readonly templates: Templates;
  readonly integrations: ReadonlyMap<string, readonly Notifier[]>;
}

/**
 * The configuration file as the daemon runs it, at start and on every reload: loaded, its
 * templates parsed, and its integrations' TLS files checked (checkIntegrationTlsFiles).
 */
async function loadRunnableConfig(file: string): Promise<{ config: Config; templates: Templates }> {
  const config = await loadConfigFile(file);
  const templates = await Templates.load(config.templates);
  checkIntegrationTlsFiles(config);
  return { config, templates };
}

export class Daemon {
  readonly externalUrl: string;
  private readonly options: DaemonOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly marker: AlertMarker;
  private readonly persistence: SqliteAlertPersistence;
  private readonly store: AlertStore;
  private readonly nflog: SqliteNotificationLog;
  private readonly silences: SilenceRepository;
  private readonly recurring: RecurringSilences;
  private readonly history: NotificationHistory;
  readonly metrics: DaemonMetrics;
  private readonly silenceMuter: Muter;
  private readonly startedAtMs: number;
  /** Set by start() before anything reads it. */
  private generation!: Generation;
  private web: WebServer | undefined;
  private readonly stopTimers: Array<() => void> = [];
  /** Reloads run one at a time, in order. */
  private reloading: Promise<void> = Promise.resolve();

  private constructor(options: DaemonOptions, externalUrl: string, parts: {
    marker: AlertMarker;
    persistence: SqliteAlertPersistence;
    store: AlertStore;
    nflog: SqliteNotificationLog;
    silences: SilenceRepository;
    history: NotificationHistory;
  }) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.externalUrl = externalUrl;
    this.startedAtMs = this.clock.nowMs();
    this.marker = parts.marker;
    this.persistence = parts.persistence;
    this.store = parts.store;
    this.nflog = parts.nflog;
    this.silences = parts.silences;
    this.history = parts.history;
    this.recurring = new RecurringSilences({ repository: this.silences, clock: this.clock });
    this.metrics = new DaemonMetrics({
      sources: this.metricsSources(),
      buildInfo: { version: ALERTMANAGER_COMPAT_VERSION, revision: `alertrouter-${VERSION}`, branch: 'alertrouter' },
    });
    this.silenceMuter = this.metrics.instrumentSilencer(silencer({ silences: this.silences, marker: this.marker, clock: this.clock }));
  }

  /**
   * Loads the configuration, opens the state under --storage.path, starts routing the alerts
   * held from before a restart, and listens. Throws (config, storage, address errors) without
   * leaving anything open.
   */
  static async start(options: DaemonOptions): Promise<Daemon> {
    const clock = options.clock ?? systemClock;
    const { port } = parseListenAddress(options.listenAddress);
    const { externalUrl, routePrefix } = resolveWebUrls({
      externalUrl: options.externalUrl,
      routePrefix: options.routePrefix,
      listenAddress: options.listenAddress,
      hostname: hostname(),
    });
    const { config, templates } = await loadRunnableConfig(options.configFile);

    const opened: Array<{ close(): unknown }> = [];
    let daemon: Daemon;
    try {
      const persistence = new SqliteAlertPersistence({
        path: join(options.storagePath, 'alerts.db'),
        clock,
        logger: options.logger,
        decodeBody: decodePostedBody,
      });
      opened.push(persistence);
      persistence.startWriter();
      // The alert writer thread checkpoints their WALs: a checkpoint's fsyncs would otherwise
      // stall the main thread (notifications, API) for ~10-30 ms every few hundred sends.
      const nflog = new SqliteNotificationLog({ path: join(options.storagePath, 'nflog.db'), retentionMs: options.retentionMs, walCheckpointer: persistence });
      opened.push(nflog);
      const silences = new SilenceRepository(join(options.storagePath, 'silences.db'), { logger: options.logger });
      opened.push(silences);
      const history = new NotificationHistory({
        path: join(options.storagePath, 'history.db'),
        clock,
        retentionMs: options.retentionMs,
        logger: options.logger,
        walCheckpointer: persistence,
      });
      opened.push(history);
      const marker = new AlertMarker();
      const store = new AlertStore({ clock, marker, persistence });
      daemon = new Daemon(options, externalUrl, { marker, persistence, store, nflog, silences, history });
      daemon.generation = daemon.buildGeneration(config, templates);
      daemon.metrics.configLoaded({ ok: true, configText: config.original, atMs: clock.nowMs() });
      // Listen before routing: a bad web config or a taken port must not leave flushes running.
      await daemon.listen(port, routePrefix);
      daemon.generation.dispatcher.start();
    } catch (err) {
      for (const part of opened.reverse()) await part.close();
      throw err;
    }
    daemon.startMaintenance();
    const { address, port: boundPort } = daemon.address();
    const listening = address.includes(':') ? `[${address}]:${boundPort}` : `${address}:${boundPort}`;
    options.logger.info({ address: listening, version: VERSION, config: options.configFile, storage: options.storagePath, externalUrl: redactedUrl(externalUrl) }, 'Listening on');
    return daemon;
  }

  /** The address the HTTP server listens on (resolves port 0). */
  address(): AddressInfo {
    return this.web!.address();
  }

  /** `http` or `https` (with TLS from --web.config.file). */
  get protocol(): 'http' | 'https' {
    return this.web!.protocol;
  }

  /**
   * Reads the config file again, builds everything from it, then swaps it in; on any error
   * the running generation stays and the error is thrown (logged by the caller).
   */
  reload(): Promise<void> {
    const next = this.reloading.then(() => this.reloadNow());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(): Promise<void> {
    const file = this.options.configFile;
    this.logger.info({ file }, 'Loading configuration file');
    let fresh: Generation;
    try {
      const { config, templates } = await loadRunnableConfig(file);
      fresh = this.buildGeneration(config, templates);
    } catch (err) {
      this.metrics.configLoaded({ ok: false });
      this.logger.error({ file, err }, 'Loading configuration file failed; the previous configuration stays in force');
      throw err;
    }
    const old = this.generation;
    this.generation = fresh;
    await old.dispatcher.stop();
    old.inhibitor.close();
    fresh.dispatcher.start();
    this.metrics.configLoaded({ ok: true, configText: fresh.config.original, atMs: this.clock.nowMs() });
    this.logger.info({ file, receivers: fresh.config.receivers.length }, 'Completed loading of configuration file');
  }

  /**
   * Graceful shutdown: stops accepting connections and starting flushes; lets requests and
   * notifications in flight finish for up to the grace period (then cuts them off), so a
   * notification being sent is recorded rather than sent again after a restart; then writes
   * what is pending and closes the databases. A second call (or `abort()`) cuts off at once.
   */
  async stop(): Promise<void> {
    const graceMs = this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    for (const stop of this.stopTimers) stop();
    this.stopTimers.length = 0;
    await this.reloading;
    const serverClosed = this.web?.close(graceMs) ?? Promise.resolve();
    await this.generation.dispatcher.stop({ graceMs });
    this.generation.inhibitor.close();
    await serverClosed;
    await this.persistence.close();
    this.history.close();
    this.nflog.close();
    this.silences.close();
  }

  /** The explanation of the alert held under `fingerprint`, against the state now. */
  explain(fingerprint: string): Explanation | undefined {
    const g = this.generation;
    const alert = this.store.get(fingerprint);
    // As the API does before showing a status: ask the muters so it is current.
    if (alert) this.refreshStatus(alert);
    return explainAlert(fingerprint, {
      nowMs: this.clock.nowMs(),
      alert: (fp) => this.store.get(fp),
      status: (a) => this.marker.status(a.fingerprint),
      route: g.route,
      timeIntervals: g.config.timeIntervals,
      groupOf: (route, labels) => g.dispatcher.groupOf(route, labels),
      matchSilences: (labels, fp) => this.silences.match(labels, { nowMs: this.clock.nowMs(), fingerprint: fp }),
      silence: (id) => this.silences.get(id),
      inhibitions: (labels) => g.inhibitor.inhibitions(labels),
      integrations: (receiver) => g.integrations.get(receiver) ?? [],
      nflog: (key) => this.nflog.query(key),
      history: (q) => this.history.query(q),
    });
  }

  private refreshStatus(alert: Alert): void {
    this.generation.inhibitor.mutes(alert.labels, alert.fingerprint);
    this.silenceMuter.mutes(alert.labels, alert.fingerprint);
  }

  // What the gauges of /metrics read when scraped.
  private metricsSources(): MetricsSources {
    const storage = this.options.storagePath;
    return {
      alertsByState: () => {
        const counts = { active: 0, suppressed: 0, unprocessed: 0 };
        const nowMs = this.clock.nowMs();
        for (const a of this.store.list()) if (!isResolved(a, nowMs)) counts[this.marker.status(a.fingerprint).state]++;
        return counts;
      },
      markedAlertsByState: (): AlertStateCounts => ({
        active: this.marker.count('active'),
        suppressed: this.marker.count('suppressed'),
        unprocessed: this.marker.count('unprocessed'),
      }),
      silencesByState: (): SilenceStateCounts => {
        const counts = { active: 0, pending: 0, expired: 0 };
        const nowMs = this.clock.nowMs();
        for (const s of this.silences.list()) counts[silenceState(s, nowMs)]++;
        return counts;
      },
      aggregationGroups: () => this.generation.dispatcher.aggregationGroupCount(),
      receivers: () => this.generation.config.receivers.length,
      integrations: () => [...this.generation.integrations.values()].reduce((n, list) => n + list.length, 0),
      nflogBytes: () => sqliteBytes(join(storage, 'nflog.db')),
      silencesBytes: () => sqliteBytes(join(storage, 'silences.db')),
    };
  }

  private buildGeneration(config: Config, templates: Templates): Generation {
    const route = buildRouteTree(config.route);
    const receivers = buildIntegrations(config, { templates, externalURL: this.externalUrl, clock: this.clock });
    const inhibitor = new Inhibitor({ rules: config.inhibitRules, alerts: this.store, marker: this.marker, clock: this.clock });
    try {
      const stage = buildPipeline({
        receivers,
        timeIntervals: config.timeIntervals,
        nflog: this.metrics.instrumentNflog(this.nflog),
        clock: this.clock,
        inhibitor,
        silencer: this.silenceMuter,
        marker: this.marker,
        metrics: this.metrics.notify,
        onAttempt: (attempt) => this.history.record(attempt),
      });
      const dispatcher = new Dispatcher({ alerts: this.store, route, stage, clock: this.clock, logger: this.logger });
      return { config, route, inhibitor, dispatcher, templates, integrations: receivers };
    } catch (err) {
      inhibitor.close();
      throw err;
    }
  }

  private startMaintenance(): void {
    const { clock } = this;
    this.stopTimers.push(
      every(clock, this.options.alertsGcIntervalMs, () => {
        // Resolved alerts a group still has to notify stay, so a restart does not lose them.
        const held = this.generation.dispatcher.heldFingerprints();
        this.store.gc(clock.nowMs(), { retain: (a) => held.has(a.fingerprint) });
      }),
      every(clock, this.options.maintenanceIntervalMs, () => {
        const started = performance.now();
        const nflogRemoved = this.nflog.gc(clock.nowMs());
        this.metrics.gcDone('nflog', performance.now() - started);
        const historyRemoved = this.history.gc(clock.nowMs());
        this.logger.debug({ nflogRemoved, historyRemoved }, 'notification log and history maintenance done');
      }),
      // Silences: retention gc, recurring windows made ahead, expire-when-resolved; every minute.
      startSilenceMaintenance({
        repository: this.silences,
        recurring: this.recurring,
        autoExpirer: new AutoExpirer({ repository: this.silences, alerts: this.store, clock }),
        clock,
        retentionMs: this.options.retentionMs,
        logger: this.logger,
        onGcDone: (durationMs) => this.metrics.gcDone('silences', durationMs),
      }),
    );
  }

  private apiDeps(): ApiDeps {
    // `version` is the Alertmanager API level we implement: amtool warns on every call when it
    // differs from its own, and dashboards gate features on it. Our own version is in `revision`.
    const versionInfo: VersionInfo = {
      version: ALERTMANAGER_COMPAT_VERSION,
      revision: `alertrouter-${VERSION}`,
      branch: 'alertrouter',
      buildUser: 'alertrouter',
      buildDate: '',
      goVersion: `node${process.versions.node}`,
    };
    return {
      clock: this.clock,
      alerts: this.store,
      marker: this.marker,
      config: () => this.generation.config,
      receiversFor: (labels) => this.generation.route.match(labels).map((r) => r.receiver),
      groups: () => this.generation.dispatcher.groups(),
      // As Alertmanager's API: ask the muters again so the status shown is current.
      refreshStatus: (alert) => this.refreshStatus(alert),
      alertsReceived: (counts) => this.metrics.alertsReceived(counts),
      reload: () => this.reload(),
      versionInfo,
      startedAtMs: this.startedAtMs,
      peer: { name: hostname(), address: this.options.listenAddress },
    };
  }

  // Template rendering and test notifications against whatever generation is live.
  private tryRouter() {
    return tryRouter({
      clock: this.clock,
      logger: this.logger,
      externalURL: this.externalUrl,
      current: () => {
        const g = this.generation;
        return { templates: g.templates, integrations: g.integrations, resolveTimeoutMs: g.config.global.resolveTimeoutMs, match: (labels) => g.route.match(labels) };
      },
      groups: () => this.generation.dispatcher.groups(),
    });
  }

  private async listen(port: number, routePrefix: string): Promise<void> {
    const { host } = parseListenAddress(this.options.listenAddress);
    const app = createApiApp(this.apiDeps(), {
      routePrefix,
      logger: this.logger,
      extendV2: (router) => router.use(silencesRouter({ clock: this.clock, silences: this.silences })),
      extendExt: (router) => {
        router.use(recurringSilencesRouter({ clock: this.clock, recurring: this.recurring }));
        router.use(this.tryRouter());
        router.use(notificationsRouter({ history: this.history }));
        router.use(explainRouter({ explain: (fp) => this.explain(fp) }));
      },
      extraRoutes: (web) => {
        routeAsAlertmanager(web, '/metrics', {
          GET: async (_req, res) => {
            const { contentType, body } = await this.metrics.render();
            res.status(200).type(contentType).send(body);
          },
        });
      },
    });
    this.web = await WebServer.start({
      host,
      port,
      webConfigFile: this.options.webConfigFile,
      handler: app,
      logger: this.logger,
      routePrefix,
      metrics: this.metrics,
      getConcurrency: this.options.getConcurrency,
      timeoutMs: this.options.webTimeoutMs,
    });
  }
}

// Bytes a SQLite database takes on disk, its write-ahead log included.
function sqliteBytes(path: string): number {
  let total = 0;
  for (const file of [path, `${path}-wal`]) {
    try {
      total += statSync(file).size;
    } catch {
      // Not there (yet): nothing to count.
    }
  }
  return total;
}
