/**
 * The `alertrouter` command line: picks the subcommand, parses its flags, runs it and returns
 * the exit status. Output goes through the injected `io`, so tests run it in-process.
 *
 *   alertrouter [<daemon flags>]                  the daemon (runs when no subcommand is named)
 *   alertrouter check-config [<file>...]          as amtool check-config
 *   alertrouter routes [show] --config.file F     as amtool config routes show
 *   alertrouter routes test --config.file F [--tree] [--verify.receivers=R] [<label=value>...]
 *   alertrouter template render --template.text T [...]   as amtool template render, plus sample/live data
 *   alertrouter receivers test [--alertmanager.url U] R     a test notification through a running daemon
 *   alertrouter alert explain [--alertmanager.url U] FP     why a running daemon notifies an alert or not
 *   alertrouter healthcheck [--pid P | <daemon flags>]      whether a running daemon answers (Docker HEALTHCHECK)
 */
import { statSync } from 'node:fs';
import { loadConfigString } from '../config/load.js';
import type { Config } from '../config/types.js';
import { buildRouteTree } from '../dispatch/route.js';
import { Templates } from '../template/template.js';
import { AlertrouterError } from '../util/errors.js';
import { checkConfigFiles } from './check-config.js';
import { alertCommand } from './explain.js';
import { FlagError, formatHelp, parseFlags, type FlagSpecs } from './flags.js';
import { healthcheckCommand } from './healthcheck.js';
import { receiversCommand } from './receivers.js';
import { formatRoutesShow, parseLabelArgs, routesTest } from './routes.js';
import { templateCommand } from './template.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether standard input is a terminal: check-config without files reads it only when not. */
  readonly stdinIsTTY: boolean;
  /** All of standard input as text. */
  readonly readStdin: () => Promise<string>;
}

/** The daemon, as the CLI sees it: its flags (for `--help`) and its entry point. */
export interface DaemonEntry {
  readonly flagSpecs: FlagSpecs;
  /** Runs the daemon with the whole command line; resolves to the exit status. */
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>;
}

export interface CliDeps {
  readonly io: CliIo;
  /** Absent until the daemon is wired in; then running without a subcommand is refused. */
  readonly daemon?: DaemonEntry;
  readonly loadConfigFile: (path: string) => Promise<Config>;
}

/** A refusal the CLI reports as `alertrouter: error: <message>` with exit status 1. */
export class CliError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('cli_error', message, options);
  }
}

const APP = 'alertrouter';
const STDIN = '/dev/stdin';

const ROUTES_FLAGS = {
  'config.file': { kind: 'string', help: 'Config file to be tested.', placeholder: '<file>' },
} as const satisfies FlagSpecs;

const ROUTES_TEST_FLAGS = {
  ...ROUTES_FLAGS,
  'verify.receivers': {
    kind: 'string',
    help: 'Checks if specified receivers matches resolved receivers (comma-separated, in order). Exit status 1 if not.',
    placeholder: '<receivers>',
  },
  tree: { kind: 'bool', help: 'Prints out matching routes tree.' },
} as const satisfies FlagSpecs;

const COMMANDS: ReadonlyArray<readonly [string, string]> = [
  ['check-config [<check-files>...]', 'Validate alertmanager config files and the templates they name.'],
  ['routes [show]', 'Print the routing tree of --config.file.'],
  ['routes test [<labels>...]', 'Print the receivers a label set (label=value ...) is routed to.'],
  ['template render --template.text=<text>', 'Render a template against sample data, a JSON file or a live alert group.'],
  ['receivers test <receiver>', 'Send a test notification through every integration of a receiver (running daemon).'],
  ['alert explain <fingerprint>', 'Explain how a running daemon handles an alert: routes, groups, mutes, last notifications.'],
  ['healthcheck [--pid=<pid> | <daemon flags>]', 'Check that a running daemon answers /-/healthy, over TLS and basic auth as its web config says.'],
];

/** Runs one command line (without `node` and the script path) and resolves to its exit status. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  try {
    return await dispatch(argv, deps);
  } catch (err) {
    if (err instanceof FlagError) {
      deps.io.stderr(`${APP}: error: ${err.message}, try --help\n`);
      return 1;
    }
    if (err instanceof AlertrouterError) {
      deps.io.stderr(`${APP}: error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

async function dispatch(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case 'check-config':
      return checkConfigCommand(rest, deps);
    case 'routes':
      return routesCommand(rest, deps);
    case 'template':
      return templateCommand(rest, deps);
    case 'receivers':
      return receiversCommand(rest, deps);
    case 'alert':
      return alertCommand(rest, deps);
    case 'healthcheck':
      return healthcheckCommand(rest, deps.io);
    case '--help':
    case '-h':
      deps.io.stdout(rootHelp(deps));
      return 0;
  }
  if (first !== undefined && !first.startsWith('-')) {
    throw new CliError(`expected command but got ${JSON.stringify(first)} (want check-config, routes, template, receivers, alert or healthcheck; run with --help)`);
  }
  if (deps.daemon) return deps.daemon.run(argv, deps.io);
  throw new CliError('the daemon is not available yet in this build: name a subcommand (check-config, routes); see --help');
}

function rootHelp(deps: CliDeps): string {
  return formatHelp({
    usage: `${APP} [<flags>] [<command> [<args> ...]]`,
    description:
      'Alertmanager-compatible alert routing daemon.\n\n' +
      'Without a command, starts the daemon with the flags below. The commands check a\n' +
      'configuration offline, as amtool does. Use "<command> --help" for a command\'s flags.',
    specs: deps.daemon?.flagSpecs ?? {},
    commands: COMMANDS,
  });
}

async function checkConfigCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { positional, help } = parseFlags(argv, {});
  if (help) {
    deps.io.stdout(
      formatHelp({
        usage: `${APP} check-config [<check-files>...]`,
        description:
          'Validate alertmanager config files: syntax, schema, references and the templates they\n' +
          'name (template globs that match no file are not an error). Reads standard input when\n' +
          'no file is given. Exit status 1 if any file fails.',
        specs: {},
        args: [['<check-files>', 'Files to be validated.']],
      }),
    );
    return 0;
  }
  let files = positional;
  let load = deps.loadConfigFile;
  if (files.length === 0) {
    if (deps.io.stdinIsTTY) throw new CliError('Failed to read from standard input (give config files, or pipe one in)');
    // amtool checks the file /dev/stdin; opening that fails when stdin is a socket, so read the
    // stream itself. Relative paths resolve against /dev, as amtool's do (its file's folder).
    files = [STDIN];
    load = async (path) => (path === STDIN ? loadConfigString(await deps.io.readStdin(), { sourceFile: STDIN, baseDir: '/dev' }) : deps.loadConfigFile(path));
  } else {
    for (const file of files) requireExistingFile(file);
  }
  const { stdout, failed } = await checkConfigFiles(files, {
    loadConfigFile: load,
    // As amtool: parse every file the globs match, on top of the default templates.
    checkTemplates: async (globs) => {
      await Templates.load(globs);
    },
  });
  deps.io.stdout(stdout);
  if (failed > 0) throw new CliError(`failed to validate ${failed} file(s)`);
  return 0;
}

async function routesCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const outer = parseFlags(argv, ROUTES_FLAGS, { stopAtPositional: true });
  const [sub, ...rest] = outer.rest;
  if (sub === 'test') {
    const inner = parseFlags(rest, ROUTES_TEST_FLAGS);
    if (outer.help || inner.help) {
      deps.io.stdout(routesHelp('test'));
      return 0;
    }
    const root = await loadRoutes(configFileFlag(outer.values, inner.values), deps);
    const labels = parseLabelArgs(inner.positional);
    const result = routesTest(root, labels, {
      tree: inner.values.tree,
      verifyReceivers: inner.values['verify.receivers'] ?? '',
    });
    deps.io.stdout(result.stdout);
    return result.exitCode;
  }
  if (sub !== undefined && sub !== 'show') {
    throw new CliError(`expected command but got ${JSON.stringify(sub)} (want "routes show" or "routes test")`);
  }
  const inner = parseFlags(rest, ROUTES_FLAGS);
  if (outer.help || inner.help) {
    deps.io.stdout(routesHelp('show'));
    return 0;
  }
  if (inner.positional.length > 0) throw new CliError(`unexpected ${inner.positional[0]} (routes show takes no arguments)`);
  const root = await loadRoutes(configFileFlag(outer.values, inner.values), deps);
  deps.io.stdout(formatRoutesShow(root));
  return 0;
}

function routesHelp(which: 'show' | 'test'): string {
  if (which === 'show') {
    return formatHelp({
      usage: `${APP} routes [show] --config.file=<file>`,
      description: 'Prints the alert routing tree of the config file as an ASCII tree.',
      specs: ROUTES_FLAGS,
    });
  }
  return formatHelp({
    usage: `${APP} routes test --config.file=<file> [<flags>] [<labels>...]`,
    description:
      'Prints the receivers an alert with the given labels is routed to, comma-separated, in\n' +
      'routing-tree order. Example:\n\n' +
      `  ${APP} routes test --config.file=routes.example.yaml --verify.receivers=archive-webhook,team-db-pager \\\n    team=database service=postgres severity=critical`,
    specs: ROUTES_TEST_FLAGS,
    args: [['<labels>', 'Labels to be tested against the configured routes, as label=value.']],
  });
}

// --config.file belongs to `routes`, so it may come before or after `show`/`test`, once.
function configFileFlag(...parts: ReadonlyArray<{ readonly 'config.file': string | undefined }>): string | undefined {
  const given = parts.map((p) => p['config.file']).filter((f) => f !== undefined);
  if (given.length > 1) throw new FlagError(`flag 'config.file' cannot be repeated`);
  return given[0];
}

async function loadRoutes(configFile: string | undefined, deps: CliDeps) {
  if (configFile === undefined) throw new FlagError('required flag --config.file not provided');
  requireExistingFile(configFile);
  return buildRouteTree((await deps.loadConfigFile(configFile)).route);
}

// Kingpin's ExistingFile check, done before any work so a typo fails fast.
function requireExistingFile(path: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new CliError(`path '${path}' does not exist`);
  }
  if (isDirectory) throw new CliError(`'${path}' is a directory (want a config file)`);
}
