#!/usr/bin/env node
/**
 * The `alertrouter` executable: hands the command line to the CLI and exits with its status.
 * Everything else lives in cli/run.ts (commands) and, for the daemon, app.ts; `healthcheck`
 * goes straight to cli/healthcheck.ts.
 */
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
  const { daemonEntry } = await import('./cli/daemon.js');
  status = await runCli(argv, { io, daemon: daemonEntry, loadConfigFile });
}
// Let pending stdout writes drain (a pipe may be slow) rather than calling process.exit().
process.exitCode = status;
