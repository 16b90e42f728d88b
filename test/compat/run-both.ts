// Runs a command line through the real amtool and through our CLI in-process, for the
// differential tests in this folder.
import { execFile } from 'node:child_process';
import { runCli } from '../../src/cli/run.js';
import { loadConfigFile } from '../../src/config/load.js';

/** What a command printed on stdout and its exit status (stderr wording differs by design). */
export interface Outcome {
  readonly stdout: string;
  readonly exitCode: number;
}

/**
 * Runs `amtool <args>`. `home` should be an empty folder: amtool reads $HOME/.config/amtool, and a
 * machine's own settings must not leak into the comparison.
 */
export function runAmtool(amtool: string, args: readonly string[], home: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(amtool, args, { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 20_000 }, (err, stdout) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ stdout, exitCode: err ? (err.code as number) : 0 });
    });
  });
}

/** Runs `alertrouter <args>` in-process with the real config loader; stdin counts as a terminal. */
export async function runAlertrouter(args: readonly string[]): Promise<Outcome> {
  let stdout = '';
  const exitCode = await runCli(args, {
    io: { stdout: (t) => (stdout += t), stderr: () => {}, stdinIsTTY: true, readStdin: async () => '' },
    loadConfigFile,
  });
  return { stdout, exitCode };
}
