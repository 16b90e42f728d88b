/**
 * Logging: pino, written either as JSON lines or as logfmt (`ts=… level=info msg="…" k=v`),
 * Alertmanager's default format, selected by --log.format. Writes are synchronous so a line
 * logged just before exit is not lost.
 */
import { pino, type Logger, type Level } from 'pino';
import { AlertrouterError } from './errors.js';

export type LogFormat = 'logfmt' | 'json';
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export interface LoggerOptions {
  readonly level: string;
  readonly format: string;
  /** Where lines go; standard error by default (as Alertmanager). */
  readonly write?: (line: string) => void;
}

export class LogOptionError extends AlertrouterError {
  constructor(message: string) {
    super('bad_log_option', message);
  }
}

/** Builds the process logger; throws LogOptionError for an unknown level or format. */
export function createLogger(options: LoggerOptions): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(options.level)) {
    throw new LogOptionError(`--log.level: unrecognized log level "${options.level}" (want one of ${LOG_LEVELS.join(', ')})`);
  }
  if (options.format !== 'logfmt' && options.format !== 'json') {
    throw new LogOptionError(`--log.format: unrecognized log format "${options.format}" (want logfmt or json)`);
  }
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const format = options.format;
  const stream = {
    write(json: string): void {
      write(format === 'json' ? json : jsonLineToLogfmt(json));
    },
  };
  return pino(
    {
      level: options.level as Level,
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** A logger that discards everything (tests, tools). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEADING_KEYS = ['ts', 'level', 'component', 'msg'];

/** Turns one pino JSON line into a logfmt line, `ts`, `level`, `component` and `msg` first. */
export function jsonLineToLogfmt(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const keys = [...LEADING_KEYS.filter((k) => k in record), ...Object.keys(record).filter((k) => !LEADING_KEYS.includes(k))];
  return keys.map((k) => `${k}=${logfmtValue(record[k])}`).join(' ') + '\n';
}

function logfmtValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value !== null && typeof value === 'object' && 'message' in value && typeof value.message === 'string') text = value.message;
  else text = JSON.stringify(value) ?? 'null';
  return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}
