/**
 * The daemon's flags (Alertmanager 0.25's), apart from the daemon itself so that commands that
 * read a daemon's command line (`healthcheck`) do not load it.
 */
import type { FlagSpecs } from './flags.js';

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
