import { AlertrouterError } from '../util/errors.js';

/** Where in which file a configuration value sits; line and column are 1-based when known. */
export interface ConfigLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted key path from the document root, e.g. `route.routes[2].group_wait`. */
  readonly keyPath: string;
}

export interface ConfigProblem extends ConfigLocation {
  /** What is wrong, e.g. `group_interval must be > 0`. */
  readonly problem: string;
  /**
   * The value as written (already quoted where it is text), e.g. `"0s"`. Left out only when
   * `problem` comes from another module's error that already says what it saw.
   */
  readonly seen?: string;
  /** What would be accepted, e.g. `a duration above 0 like "5m"`; left out likewise. */
  readonly wanted?: string;
  readonly cause?: unknown;
}

/**
 * A configuration file alertrouter refuses. The message reads
 * `<file>:<line>:<col>: <keyPath>: <what is wrong> (got <seen>, want <wanted>)` so an operator can
 * jump to the spot; the same parts are available as fields for tests and the API.
 */
export class ConfigError extends AlertrouterError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly keyPath: string;
  readonly problem: string;
  readonly seen: string | undefined;
  readonly wanted: string | undefined;

  constructor(p: ConfigProblem) {
    super('bad_config', formatConfigProblem(p), { cause: p.cause });
    this.file = p.file;
    this.line = p.line;
    this.column = p.column;
    this.keyPath = p.keyPath;
    this.problem = p.problem;
    this.seen = p.seen;
    this.wanted = p.wanted;
  }
}

/** `file:line:col: keyPath: problem (got seen, want wanted)`, leaving out the parts that are unknown. */
export function formatConfigProblem(p: ConfigProblem): string {
  let where = p.file === '' ? '<config>' : p.file;
  if (p.line !== undefined) {
    where += `:${p.line}`;
    if (p.column !== undefined) where += `:${p.column}`;
  }
  const key = p.keyPath === '' ? '(document)' : p.keyPath;
  const parts = [p.seen !== undefined ? `got ${p.seen}` : '', p.wanted !== undefined ? `want ${p.wanted}` : ''].filter(Boolean);
  return `${where}: ${key}: ${p.problem}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
