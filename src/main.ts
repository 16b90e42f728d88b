#!/usr/bin/env node
/**
 * The `alertrouter` executable: hands the command line to the CLI and exits with its status.
 * Everything else lives in cli/run.ts (commands) and, for the daemon, app.ts; `healthcheck`
 * goes straight to cli/healthcheck.ts.
 */
import type { DaemonEntry } from './cli/run.js';
import { pinYoungGeneration } from './util/heap-tuning.js';

// Before the rest of the program loads, which is imported dynamically below: compiling it alone
// would grow V8's young generation for good (see util/heap-tuning.ts).
pinYoungGeneration();
const argv = process.argv.slice(2);
const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  stdinIsTTY: process.stdin.isTTY === true,
  readStdin: async () => (await import('node:stream/consumers')).text(process.stdin),
};
let status: number;
if (argv[0] === 'healthcheck') {
  // Docker runs it every 30 s: it loads only what it needs, not the daemon (~0.5 s and ~70 MB).
  const { healthcheckCommand } = await import('./cli/healthcheck.js');
  status = await healthcheckCommand(argv.slice(1), io);
} else {
  const { loadConfigFile } = await import('./config/load.js');
  const { runCli } = await import('./cli/run.js');
  const { DAEMON_FLAGS } = await import('./cli/daemon-flags.js');
  // The daemon (express, SQLite, notifiers…) loads only when it runs: subcommands such as
  // check-config answer in ~0.2 s instead of ~0.5 s.
  const daemon: DaemonEntry = {
    flagSpecs: DAEMON_FLAGS,
    run: async (daemonArgv, daemonIo) => (await import('./cli/daemon.js')).daemonEntry.run(daemonArgv, daemonIo),
  };
  status = await runCli(argv, { io, daemon, loadConfigFile });
}
// Let pending stdout writes drain (a pipe may be slow) rather than calling process.exit().
process.exitCode = status;
