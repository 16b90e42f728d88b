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
import { DAEMON_FLAGS } from './daemon-flags.js';
import { parseFlags } from './flags.js';
import type { CliIo, DaemonEntry } from './run.js';

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
    logger.error({ err }, 'alertrouter failed to start');
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
          logger.error({ err }, 'shutdown failed');
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
