// Runs the alertrouter command line in this process and collects what it prints.
import { runCli } from '../../src/cli/run.js';
import { loadConfigFile } from '../../src/config/load.js';

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** runCli with the real config loader, a terminal as stdin, and output captured. */
export async function runInProcess(argv: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(argv, {
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdinIsTTY: true, readStdin: async () => '' },
    loadConfigFile,
  });
  return { stdout, stderr, exitCode };
}
