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
      serializers: { err: serializeError },
    },
    stream,
  );
}

/** A logger that discards everything (tests, tools). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * pino's `err` serializer (type, message, stack with its causes, the error's own fields), but
 * with a message that reads each cause once: see messageWithCauses.
 */
export function serializeError(err: unknown): unknown {
  const out: unknown = pino.stdSerializers.err(err as Error);
  if (out !== err && isErrorLike(err) && typeof out === 'object' && out !== null) {
    (out as { message: string }).message = messageWithCauses(err);
  }
  return out;
}

/**
 * An error's message followed by those of its causes that add something. pino appends every
 * cause, but alertrouter's errors quote what of their cause matters (STYLE: messages say what,
 * where and what was seen), so that printed the root cause up to four times in one line. Down
 * the chain: a cause whose text the line already holds is skipped; an AlertrouterError that
 * left its cause's text out said in its own words what it meant (a timeout, not the socket
 * error the timeout caused), so nothing below it is added; any other error's cause (fetch's
 * `fetch failed` → `connect ECONNREFUSED …`) is appended, as pino does.
 */
export function messageWithCauses(err: { readonly message: string; readonly cause?: unknown }): string {
  let text = err.message;
  const seen = new Set<unknown>([err]);
  for (let e: { readonly message: string; readonly cause?: unknown } = err; isErrorLike(e.cause) && !seen.has(e.cause); e = e.cause) {
    const cause = e.cause;
    seen.add(cause);
    if (text.includes(cause.message)) continue;
    if (e instanceof AlertrouterError) break;
    text += `: ${cause.message}`;
  }
  return text;
}

function isErrorLike(value: unknown): value is { readonly message: string; readonly cause?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
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
