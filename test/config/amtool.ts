// Runs the real `amtool check-config` next to our loader, for the differential config tests.
import type { TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfigFile } from '../../src/config/load.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

export interface Verdicts {
  /** amtool exited 0. */
  readonly amtoolAccepts: boolean;
  readonly amtoolOutput: string;
  /** Our refusal, or undefined when loadConfigFile accepted the file. */
  readonly ours: ConfigError | undefined;
}

function amtoolCheck(amtool: string, file: string): Promise<{ accepted: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(amtool, ['check-config', file], { timeout: 30_000 }, (err, stdout, stderr) => {
      const output = (stdout + stderr).trim();
      if (!err) return resolve({ accepted: true, output });
      // Exit status 1 is amtool's "failed to validate"; anything else means it did not run.
      if (err.code === 1) return resolve({ accepted: false, output });
      reject(new Error(`amtool check-config ${file} did not run: ${err.message}\n${output}`));
    });
  });
}

async function loadVerdict(file: string): Promise<ConfigError | undefined> {
  try {
    await loadConfigFile(file);
    return undefined;
  } catch (err) {
    // Anything but a ConfigError is a crash and fails the test with its stack.
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

/**
 * amtool's and our verdict on one file; undefined (and the test skipped) when amtool is not
 * installed outside CI.
 */
export async function verdicts(t: TestContext, file: string): Promise<Verdicts | undefined> {
  const amtool = requireOracle('amtool');
  if (!amtool) {
    t.skip(missingOracleReason('amtool'));
    return undefined;
  }
  const am = await amtoolCheck(amtool, file);
  return { amtoolAccepts: am.accepted, amtoolOutput: am.output, ours: await loadVerdict(file) };
}
