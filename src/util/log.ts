/**
 * Logging: pino, written either as JSON lines or as logfmt (`ts=… level=info msg="…" k=v`),
 * Alertmanager's default format, selected by --log.format. Writes are synchronous so a line
 * logged just before exit is not lost.
 *
 * `err` is always a string, in both formats, as Alertmanager's go-kit logs it: pass the error
 * itself (`{ err }`) and the logger writes its message with its causes (errorText). At
 * --log.level=debug a line whose `err` is an unexpected error (not an AlertrouterError) also
 * carries `stack` (errorStack): alertrouter's own errors say what failed and where, but a
 * TypeError from a bug or a library's raw error may not.
 */
import { inspect } from 'node:util';
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
  const withStack = options.level === 'debug';
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
      formatters: {
        level: (label) => ({ level: label }),
        // Runs before the serializers, so it still sees the error that `err` then words.
        log: (record) => (withStack && isUnexpectedError(record['err']) ? { ...record, stack: errorStack(record['err']) } : record),
      },
      serializers: { err: errorText },
    },
    stream,
  );
}

/** A logger that discards everything (tests, tools). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * What a log line's `err` holds: an error's message with its causes (messageWithCauses); text
 * as it is; any other value as util.inspect shows it on one line. Never an object: Alertmanager
 * logs `err` as the error's text, and a field whose type depends on where the error came from
 * is one a log pipeline cannot index.
 */
export function errorText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isErrorLike(value)) return messageWithCauses(value);
  return inspect(value, { breakLength: Infinity });
}

/**
 * The stack of an error and of each of its causes (`caused by: …`), as pino prints it: for the
 * debug level only. Causes can carry text their top error deliberately left out, so the
 * notifiers keep secrets out of every error in the chain, not only the top one's message.
 */
export function errorStack(err: ErrorLike): string {
  const stacks: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err; isErrorLike(e) && !seen.has(e); e = e.cause) {
    seen.add(e);
    stacks.push(typeof e.stack === 'string' && e.stack !== '' ? e.stack : e.message);
  }
  return stacks.join('\ncaused by: ');
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
export function messageWithCauses(err: ErrorLike): string {
  let text = err.message;
  const seen = new Set<unknown>([err]);
  for (let e: ErrorLike = err; isErrorLike(e.cause) && !seen.has(e.cause); e = e.cause) {
    const cause = e.cause;
    seen.add(cause);
    if (text.includes(cause.message)) continue;
    if (e instanceof AlertrouterError) break;
    text += `: ${cause.message}`;
  }
  return text;
}

interface ErrorLike {
  readonly message: string;
  readonly cause?: unknown;
  readonly stack?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function isUnexpectedError(value: unknown): value is ErrorLike {
  return isErrorLike(value) && !(value instanceof AlertrouterError);
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
