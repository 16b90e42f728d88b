#!/usr/bin/env node
/**
 * The `alertrouter` executable: hands the command line to the CLI and exits with its status.
 * Everything else lives in cli/run.ts (commands) and, for the daemon, app.ts.
 */
import type { DaemonEntry } from './cli/run.js';
import { pinYoungGeneration } from './util/heap-tuning.js';

// Before the rest of the program loads, which is imported dynamically below: compiling it alone
// would grow V8's young generation for good (see util/heap-tuning.ts).
pinYoungGeneration();
const { loadConfigFile } = await import('./config/load.js');
const { text } = await import('node:stream/consumers');
const { runCli } = await import('./cli/run.js');
const { daemonEntry } = await import('./cli/daemon.js');

// ─── DAEMON HOOK ────────────────────────────────────────────────────────────────────────────
// Set this to the daemon's entry (its flag specs and run function) to start it when no
// subcommand is named. While undefined, `alertrouter` without a subcommand exits 1 saying so.
const daemon: DaemonEntry | undefined = daemonEntry;
// ────────────────────────────────────────────────────────────────────────────────────────────

const status = await runCli(process.argv.slice(2), {
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdinIsTTY: process.stdin.isTTY === true,
    readStdin: () => text(process.stdin),
  },
  daemon,
  loadConfigFile,
});
// Let pending stdout writes drain (a pipe may be slow) rather than calling process.exit().
process.exitCode = status;
