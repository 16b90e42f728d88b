/**
 * A small declarative command-line flag parser in the style of Kingpin (which Alertmanager and
 * amtool use), so operators can type our flags exactly as they type theirs:
 * `--name value`, `--name=value`, `--bool` / `--no-bool`, `-h`, `--` ending the flags.
 * Pure: it reads an argv array and returns values or throws FlagError; it never exits or prints.
 */
import { AlertrouterError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';

/** A command line the parser refuses; the message names the flag and what was wanted. */
export class FlagError extends AlertrouterError {
  constructor(message: string) {
    super('bad_flag', message);
  }
}

interface FlagSpecBase {
  /** One line for `--help`. */
  readonly help: string;
  /** Single-letter alias, used as `-x`. */
  readonly short?: string;
  /** Shown in `--help` in place of the value, e.g. `<file>`. */
  readonly placeholder?: string;
}

export interface StringFlagSpec extends FlagSpecBase {
  readonly kind: 'string';
  readonly default?: string;
}

export interface BoolFlagSpec extends FlagSpecBase {
  readonly kind: 'bool';
  /** false when unset. */
  readonly default?: boolean;
}

/** A duration: Go's `time.ParseDuration` syntax (`1h30m`, `1.5s`, `250ms`) or Prometheus' (`1d`, `1w`). */
export interface DurationFlagSpec extends FlagSpecBase {
  readonly kind: 'duration';
  /** Default as the operator would type it, e.g. `"5m"`. */
  readonly default?: string;
}

/** May be given several times; values accumulate in order. */
export interface RepeatedFlagSpec extends FlagSpecBase {
  readonly kind: 'repeated';
  readonly default?: readonly string[];
}

export type FlagSpec = StringFlagSpec | BoolFlagSpec | DurationFlagSpec | RepeatedFlagSpec;

/** Flag name (without the dashes, e.g. `config.file`) → its spec. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<S extends FlagSpec> = S extends BoolFlagSpec
  ? boolean
  : S extends RepeatedFlagSpec
    ? string[]
    : S extends DurationFlagSpec
      ? S extends { readonly default: string }
        ? number
        : number | undefined
      : S extends { readonly default: string }
        ? string
        : string | undefined;

/** Parsed values, typed from the specs: durations in milliseconds, unset optional values undefined. */
export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

export interface ParseFlagsOptions {
  /**
   * Stop at the first positional argument and return it and everything after it unparsed in
   * `rest`: used to select a subcommand, whose own flags are only known once it is named.
   */
  readonly stopAtPositional?: boolean;
}

export interface ParsedFlags<S extends FlagSpecs> {
  readonly values: FlagValues<S>;
  readonly positional: string[];
  /** With `stopAtPositional`: the first positional argument and all after it; else empty. */
  readonly rest: string[];
  /** `--help` or `-h` was given (the caller prints help; values may be incomplete). */
  readonly help: boolean;
}

/**
 * Parses `argv` against `specs`: unknown flags, a missing value, a bad duration, a value given to
 * a boolean flag and a non-repeated flag given twice are refused with FlagError.
 */
export function parseFlags<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  options: ParseFlagsOptions = {},
): ParsedFlags<S> {
  const values = defaults(specs);
  const seen = new Set<string>();
  const positional: string[] = [];
  let help = false;

  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) shorts.set(spec.short, name);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      shown = `--${name}`;
      if (!(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.kind === 'bool') {
        if (inline !== undefined) throw new FlagError(`flag '--${name}' takes no value (got "${inline}")`);
        record(seen, name.slice(3), specs);
        (values as Record<string, unknown>)[name.slice(3)] = false;
        continue;
      }
      if (!(name in specs)) throw new FlagError(`unknown long flag '${shown}'`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg[1]!;
      shown = `-${letter}`;
      const long = shorts.get(letter);
      if (long === undefined) throw new FlagError(`unknown short flag '${shown}'`);
      name = long;
      inline = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined;
    } else {
      if (options.stopAtPositional) {
        return { values, positional, rest: argv.slice(i), help };
      }
      positional.push(arg);
      continue;
    }

    const spec = specs[name]!;
    const first = !seen.has(name);
    record(seen, name, specs);
    if (spec.kind === 'bool') {
      if (inline !== undefined) {
        throw new FlagError(`flag '${shown}' is boolean and takes no value (got "${inline}"); use --${name} or --no-${name}`);
      }
      (values as Record<string, unknown>)[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`expected argument for flag '${shown}'`);
      raw = argv[++i]!;
    }
    assign(values as Record<string, unknown>, { name, spec, raw, first });
  }
  return { values, positional, rest: [], help };
}

function defaults<S extends FlagSpecs>(specs: S): FlagValues<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    switch (spec.kind) {
      case 'bool':
        out[name] = spec.default ?? false;
        break;
      case 'repeated':
        out[name] = [...(spec.default ?? [])];
        break;
      case 'duration':
        out[name] = spec.default === undefined ? undefined : parseFlagDuration(name, spec.default);
        break;
      case 'string':
        out[name] = spec.default;
        break;
    }
  }
  return out as FlagValues<S>;
}

// Kingpin refuses a second occurrence of a flag that is not cumulative; so do we.
function record(seen: Set<string>, name: string, specs: FlagSpecs): void {
  if (seen.has(name) && specs[name]?.kind !== 'repeated') {
    throw new FlagError(`flag '${name}' cannot be repeated`);
  }
  seen.add(name);
}

interface Assignment {
  readonly name: string;
  readonly spec: FlagSpec;
  readonly raw: string;
  /** First occurrence on the command line. */
  readonly first: boolean;
}

function assign(values: Record<string, unknown>, { name, spec, raw, first }: Assignment): void {
  switch (spec.kind) {
    case 'string':
      values[name] = raw;
      return;
    case 'duration':
      values[name] = parseFlagDuration(name, raw);
      return;
    case 'repeated': {
      // The first explicit value replaces the default list rather than adding to it.
      const list = first ? [] : (values[name] as string[]);
      list.push(raw);
      values[name] = list;
      return;
    }
    case 'bool':
      throw new Error('unreachable: boolean flags are handled by the caller');
  }
}

const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const GO_DURATION_RE = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const GO_PART_RE = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * A flag's duration in milliseconds. Kingpin reads Go's syntax (`1.5h`, `300ms`, `2h45m`);
 * Alertmanager's own durations also allow `d`, `w`, `y`, so both are accepted.
 */
export function parseFlagDuration(flag: string, raw: string): number {
  if (raw === '0') return 0;
  const m = GO_DURATION_RE.exec(raw);
  if (m) {
    let ms = 0;
    for (const part of m[2]!.matchAll(GO_PART_RE)) ms += Number(part[1]) * GO_UNIT_MS[part[2]!]!;
    return m[1] === '-' ? -ms : ms;
  }
  try {
    return parseDuration(raw);
  } catch {
    throw new FlagError(`flag '--${flag}': not a valid duration: "${raw}" (want e.g. "30s", "1h30m", "1.5h", "1d")`);
  }
}

export interface HelpOptions {
  /** e.g. `alertrouter routes test [<flags>] [<labels>...]`. */
  readonly usage: string;
  /** Paragraphs under the usage line. */
  readonly description?: string;
  readonly specs: FlagSpecs;
  /** Subcommands: name → one line. */
  readonly commands?: ReadonlyArray<readonly [string, string]>;
  /** Positional arguments: name → one line. */
  readonly args?: ReadonlyArray<readonly [string, string]>;
}

/** The text `--help` prints: usage, description, flags (with defaults), args and commands. */
export function formatHelp(options: HelpOptions): string {
  const lines = [`usage: ${options.usage}`, ''];
  if (options.description) lines.push(options.description.trimEnd(), '');
  const flagRows: Array<[string, string]> = [['-h, --help', 'Show context-sensitive help.']];
  for (const [name, spec] of Object.entries(options.specs)) {
    const short = spec.short ? `-${spec.short}, ` : '';
    let left: string;
    if (spec.kind === 'bool') left = `${short}--[no-]${name}`;
    else left = `${short}--${name}=${spec.placeholder ?? (spec.kind === 'duration' ? '<duration>' : `<${name.split('.').pop()}>`)}`;
    let help = spec.help;
    if (spec.kind === 'repeated') help += ' (repeatable)';
    // Defaults that say nothing (unset, false, '', []) are left out.
    if (spec.default !== undefined && spec.default !== false && spec.default !== '' && !(Array.isArray(spec.default) && spec.default.length === 0)) {
      help += ` (default: ${Array.isArray(spec.default) ? spec.default.join(', ') : String(spec.default)})`;
    }
    flagRows.push([left, help]);
  }
  lines.push('Flags:', ...table(flagRows), '');
  if (options.args?.length) lines.push('Args:', ...table(options.args), '');
  if (options.commands?.length) lines.push('Commands:', ...table(options.commands), '');
  return lines.join('\n');
}

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
