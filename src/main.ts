#!/usr/bin/env node
/**
 * The `alertrouter` executable: hands the command line to the CLI and exits with its status.
 * Everything else lives in cli/run.ts (commands) and, for the daemon, app.ts.
 */
import { pinYoungGeneration } from './util/heap-tuning.js';

// Before the rest of the program loads, which is imported dynamically below: compiling it alone
// would grow V8's young generation for good (see util/heap-tuning.ts).
pinYoungGeneration();
const { loadConfigFile } = await import('./config/load.js');
const { text } = await import('node:stream/consumers');
const { runCli } = await import('./cli/run.js');
const { daemonEntry } = await import('./cli/daemon.js');

const status = await runCli(process.argv.slice(2), {
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdinIsTTY: process.stdin.isTTY === true,
    readStdin: () => text(process.stdin),
  },
  daemon: daemonEntry,
  loadConfigFile,
});
// Let pending stdout writes drain (a pipe may be slow) rather than calling process.exit().
process.exitCode = status;
