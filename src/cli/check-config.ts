/**
 * `alertrouter check-config FILE...`: validates config files and reports them in the same
 * shape and with the same exit status as `amtool check-config`, so scripts written for one
 * work with the other (only the wording of an error differs).
 */
import type { Config } from '../config/types.js';

export interface CheckConfigDeps {
  /** Loads and fully validates one config file; throws on any problem. */
  readonly loadConfigFile: (path: string) => Promise<Config>;
  /** Loads the template files the config's globs match; throws on one that does not parse. */
  readonly checkTemplates: (globs: readonly string[]) => Promise<void>;
}

export interface CheckConfigResult {
  readonly stdout: string;
  /** How many files (or their templates) failed. */
  readonly failed: number;
}

/**
 * Checks each file in turn: `Checking '<file>'  SUCCESS` and a `Found:` summary, or
 * `  FAILED: <error>`; templates are parsed only for a config that loaded, as amtool does.
 */
export async function checkConfigFiles(files: readonly string[], deps: CheckConfigDeps): Promise<CheckConfigResult> {
  let stdout = '';
  let failed = 0;
  for (const file of files) {
    stdout += `Checking '${file}'`;
    let config: Config | undefined;
    try {
      config = await deps.loadConfigFile(file);
      stdout += '  SUCCESS\n';
    } catch (err) {
      stdout += `  FAILED: ${message(err)}\n`;
      failed++;
    }
    if (config) {
      // The global section always exists after loading (defaults fill it), as in Alertmanager.
      stdout += 'Found:\n - global config\n - route\n';
      stdout += ` - ${config.inhibitRules.length} inhibit rules\n`;
      stdout += ` - ${config.receivers.length} receivers\n`;
      stdout += ` - ${config.templates.length} templates\n`;
      if (config.templates.length > 0) {
        try {
          await deps.checkTemplates(config.templates);
          stdout += '  SUCCESS\n';
        } catch (err) {
          stdout += `  FAILED: ${message(err)}\n`;
          failed++;
        }
      }
    }
    stdout += '\n';
  }
  return { stdout, failed };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
