/**
 * `alertrouter` without a subcommand: the daemon, with Alertmanager 0.25's flags so an existing
 * service definition works unchanged. Clustering flags are accepted; clustering itself is not
 * implemented, so a non-empty --cluster.listen-address only gets a warning.
 */
import type { Logger } from 'pino';
import { Daemon, VERSION } from '../app.js';
import { AlertrouterError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { getConcurrencyLimit } from '../web/limits.js';
import { parseFlags, type FlagSpecs } from './flags.js';
import type { CliIo, DaemonEntry } from './run.js';

const CLUSTER_FLAGS = {
  'cluster.listen-address': { kind: 'string', default: '0.0.0.0:9094', help: 'Listen address for cluster. Set to empty string to disable HA mode (alertrouter runs alone either way).' },
  'cluster.advertise-address': { kind: 'string', help: 'Explicit address to advertise in cluster (accepted, unused).' },
  'cluster.peer': { kind: 'repeated', help: 'Initial peers (accepted, unused: clustering is not implemented).' },
  'cluster.peer-timeout': { kind: 'duration', default: '15s', help: 'Accepted, unused.' },
  'cluster.gossip-interval': { kind: 'duration', default: '200ms', help: 'Accepted, unused.' },
  'cluster.pushpull-interval': { kind: 'duration', default: '1m', help: 'Accepted, unused.' },
  'cluster.tcp-timeout': { kind: 'duration', default: '10s', help: 'Accepted, unused.' },
  'cluster.probe-timeout': { kind: 'duration', default: '500ms', help: 'Accepted, unused.' },
  'cluster.probe-interval': { kind: 'duration', default: '1s', help: 'Accepted, unused.' },
  'cluster.settle-timeout': { kind: 'duration', default: '1m', help: 'Accepted, unused.' },
  'cluster.reconnect-interval': { kind: 'duration', default: '10s', help: 'Accepted, unused.' },
  'cluster.reconnect-timeout': { kind: 'duration', default: '6h', help: 'Accepted, unused.' },
  'cluster.tls-config': { kind: 'string', help: 'Accepted, unused.' },
  'cluster.allow-insecure-public-advertise-address-discovery': { kind: 'bool', help: 'Accepted, unused.' },
  'cluster.label': { kind: 'string', help: 'Accepted, unused.' },
} as const satisfies FlagSpecs;

export const DAEMON_FLAGS = {
  'config.file': { kind: 'string', default: 'alertmanager.yml', help: 'Alertmanager configuration file name.', placeholder: '<file>' },
  'storage.path': { kind: 'string', default: 'data/', help: 'Base path for data storage (SQLite files).', placeholder: '<dir>' },
  'data.retention': { kind: 'duration', default: '120h', help: 'How long to keep data for (notification log, expired silences).' },
  'data.maintenance-interval': { kind: 'duration', default: '15m', help: 'Interval between garbage collection of the notification log and silences.' },
  'alerts.gc-interval': { kind: 'duration', default: '30m', help: 'Interval between alert GC.' },
  'web.listen-address': { kind: 'string', default: ':9093', help: 'Address to listen on for the web interface and API.' },
  'web.external-url': { kind: 'string', default: '', help: 'The URL under which alertrouter is externally reachable (used in notifications and as route prefix).' },
  'web.route-prefix': { kind: 'string', default: '', help: 'Prefix for the internal routes of web endpoints. Defaults to the path of --web.external-url.' },
  'web.config.file': {
    kind: 'string',
    help: 'Path to a web configuration file (exporter-toolkit format) that can enable TLS and basic authentication.',
    placeholder: '<file>',
  },
  'web.get-concurrency': {
    kind: 'string',
    default: '0',
    help: 'Maximum number of GET requests processed concurrently. If negative or zero, the limit is the number of CPUs or 8, whichever is larger.',
  },
  'web.timeout': { kind: 'duration', default: '0', help: 'Timeout for HTTP requests. If negative or zero, no timeout is set.' },
  'log.level': { kind: 'string', default: 'info', help: 'Only log messages with the given severity or above: debug, info, warn, error.' },
  'log.format': { kind: 'string', default: 'logfmt', help: 'Output format of log messages: logfmt or json.' },
  version: { kind: 'bool', help: 'Show application version.' },
  ...CLUSTER_FLAGS,
} as const satisfies FlagSpecs;

/** Runs the daemon until SIGTERM/SIGINT; SIGHUP reloads. Resolves to the exit status. */
async function runDaemon(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, DAEMON_FLAGS);
  if (values.version) {
    io.stdout(`alertrouter, version ${VERSION} (node ${process.versions.node})\n`);
    return 0;
  }
  const logger = createLogger({ level: values['log.level'], format: values['log.format'] });
  const getConcurrency = values['web.get-concurrency'];
  if (!/^[+-]?\d+$/.test(getConcurrency)) {
    throw new AlertrouterError('bad_flag', `--web.get-concurrency: want an integer (got ${JSON.stringify(getConcurrency)})`);
  }
  if (values['cluster.listen-address'] !== '') {
    logger.warn(
      { 'cluster.listen-address': values['cluster.listen-address'] },
      'clustering is not supported: running as a single instance (set --cluster.listen-address= to silence this warning)',
    );
  }
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({
      configFile: values['config.file'],
      storagePath: values['storage.path'],
      listenAddress: values['web.listen-address'],
      externalUrl: values['web.external-url'],
      routePrefix: values['web.route-prefix'],
      retentionMs: values['data.retention'],
      alertsGcIntervalMs: values['alerts.gc-interval'],
      maintenanceIntervalMs: values['data.maintenance-interval'],
      logger,
      webConfigFile: values['web.config.file'] || undefined,
      getConcurrency: getConcurrencyLimit(Number(getConcurrency)),
      webTimeoutMs: values['web.timeout'],
    });
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'alertrouter failed to start');
    return 1;
  }
  return waitForSignals(daemon, logger);
}

function waitForSignals(daemon: Daemon, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    const onHup = (): void => {
      // Daemon.reload logs the outcome (and the error) itself.
      daemon.reload().catch(() => undefined);
    };
    const onStop = (signal: NodeJS.Signals): void => {
      process.off('SIGHUP', onHup);
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      // A second signal while draining ends the process at once (notifications in flight are
      // cut off; the notification log may then send them again after a restart).
      const again = (second: NodeJS.Signals): void => {
        logger.warn({ signal: second }, 'received a second signal while shutting down; exiting now');
        process.exit(1);
      };
      process.once('SIGTERM', again);
      process.once('SIGINT', again);
      logger.info({ signal }, `Received ${signal}, exiting gracefully...`);
      const done = (status: number): void => {
        process.off('SIGTERM', again);
        process.off('SIGINT', again);
        resolve(status);
      };
      daemon.stop().then(
        () => done(0),
        (err: Error) => {
          logger.error({ err: err.message }, 'shutdown failed');
          done(1);
        },
      );
    };
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
  });
}

export const daemonEntry: DaemonEntry = { flagSpecs: DAEMON_FLAGS, run: runDaemon };
