/**
 * Typed reading of the positioned YAML tree with Go's yaml.v2 conversion rules, so alertrouter
 * accepts and refuses the same values Alertmanager does: any non-null scalar fills a text field
 * with its text (`receiver: 123` is "123"), booleans must be booleans (YAML 1.1 spellings
 * included), null leaves a field unset, unknown keys are refused. Every failure is a ConfigError
 * naming the key path, line and column.
 */
import { DurationError, parseDuration } from '../util/duration.js';
import { ConfigError } from './errors.js';
import { describeNode, joinKeyPath, mapValues, type Pos, type YNode } from './yamltree.js';

// model.Duration counts nanoseconds in an int64: larger durations are refused ("duration out of range").
const MAX_DURATION_MS = 9_223_372_036_854;

/** One place in the document: the node found there (undefined when the key is absent) and its key path. */
export class Cursor {
  constructor(
    readonly node: YNode | undefined,
    readonly path: string,
    readonly file: string,
    /** Where to point when the node is absent: the mapping that lacks the key. */
    private readonly fallback: Pos | undefined,
  ) {}

  /** Line and column of the node, or of the mapping that lacks it. */
  get pos(): Pos | undefined {
    return this.node?.pos ?? this.fallback;
  }

  /** Set to something other than null. */
  get present(): boolean {
    return this.node !== undefined && !(this.node.kind === 'scalar' && this.node.tag === 'null');
  }

  /** Throws a ConfigError at this place. `seen` defaults to the node as written. */
  fail(problem: string, wanted: string, seen: string = describeNode(this.node), cause?: unknown): never {
    const pos = this.pos;
    throw new ConfigError({ file: this.file, line: pos?.line, column: pos?.column, keyPath: this.path, problem, seen, wanted, cause });
  }

  /** Throws a ConfigError here for another module's error, whose message already says what it saw and wanted. */
  failWith(err: Error, prefix = ''): never {
    const pos = this.pos;
    throw new ConfigError({ file: this.file, line: pos?.line, column: pos?.column, keyPath: this.path, problem: prefix + err.message, cause: err });
  }

  private wrongType(wanted: string): never {
    return this.fail('wrong type', wanted);
  }

  /**
   * The options of a mapping, refusing keys not in `keys` as UnmarshalStrict does; undefined when
   * absent or null. Absent options come back as cursors without a node.
   */
  fields<K extends string>(keys: readonly K[], what: string): Record<K, Cursor> | undefined {
    if (!this.present) return undefined;
    const node = this.node!;
    if (node.kind !== 'map') return this.wrongType(`a mapping of ${what} options`);
    const values = mapValues(node);
    const known = new Set<string>(keys);
    for (const e of node.entries) {
      if (!known.has(e.key.text)) {
        new Cursor(e.key, joinKeyPath(this.path, e.key.text), this.file, undefined).fail(
          `unknown key "${e.key.text}" in ${what}`,
          `one of ${keys.join(', ')}`,
        );
      }
    }
    const out = {} as Record<K, Cursor>;
    for (const k of keys) out[k] = new Cursor(values.get(k)?.value, joinKeyPath(this.path, k), this.file, node.pos);
    return out;
  }

  /** Text of a scalar (Go's string field); undefined when absent or null. */
  str(): string | undefined {
    if (!this.present) return undefined;
    const node = this.node!;
    if (node.kind !== 'scalar') return this.wrongType('text');
    return node.text;
  }

  /** Text, with "" treated as unset as Alertmanager's `== ""` checks do. */
  text(): string | undefined {
    const s = this.str();
    return s === '' ? undefined : s;
  }

  bool(): boolean | undefined {
    if (!this.present) return undefined;
    const node = this.node!;
    if (node.kind !== 'scalar' || node.tag !== 'bool') return this.wrongType('true or false');
    return node.value as boolean;
  }

  /**
   * A text option with a default: absent gives `dflt`, but an explicit null gives "" because
   * yaml.v2 zeroes a field written as null even after Alertmanager filled in its default.
   */
  strOr(dflt: string): string {
    return this.node === undefined ? dflt : (this.str() ?? '');
  }

  /** A boolean option with a default; an explicit null is false (see strOr). */
  boolOr(dflt: boolean): boolean {
    return this.node === undefined ? dflt : (this.bool() ?? false);
  }

  /** A non-negative integer (Go uint64; a float is truncated as yaml.v2 does). */
  uint(): number | undefined {
    if (!this.present) return undefined;
    const node = this.node!;
    if (node.kind === 'scalar' && node.tag === 'int' && (node.value as bigint) >= 0n) return Number(node.value);
    if (node.kind === 'scalar' && node.tag === 'float' && Number.isFinite(node.value) && (node.value as number) >= 0) {
      return Math.trunc(node.value as number);
    }
    return this.wrongType('a whole number ≥ 0');
  }

  /** Items of a list; undefined when absent or null. */
  list(): Cursor[] | undefined {
    if (!this.present) return undefined;
    const node = this.node!;
    if (node.kind !== 'seq') return this.wrongType('a list');
    return node.items.map((item, i) => new Cursor(item, `${this.path}[${i}]`, this.file, node.pos));
  }

  /** A list of text ([]string). */
  strList(): string[] | undefined {
    return this.list()?.map((c) => c.str() ?? '');
  }

  /** Entries of a mapping with text keys (Go map[string]T), last write of a key winning. */
  entries(): Array<{ key: string; value: Cursor }> | undefined {
    if (!this.present) return undefined;
    const node = this.node!;
    if (node.kind !== 'map') return this.wrongType('a mapping');
    return [...mapValues(node)].map(([key, e]) => ({ key, value: new Cursor(e.value, joinKeyPath(this.path, key), this.file, e.key.pos) }));
  }

  /** A mapping of text to text (Go map[string]string). */
  strMap(): Array<{ key: string; value: string; at: Cursor }> | undefined {
    return this.entries()?.map(({ key, value }) => ({ key, value: value.str() ?? '', at: value }));
  }

  /** A Prometheus duration (model.Duration) in milliseconds; undefined when absent or null. */
  durationMs(): number | undefined {
    const s = this.str();
    if (s === undefined) return undefined;
    const wanted = 'a duration like "30s", "5m", "1h30m" or "0"';
    if (s === '') return this.fail('empty duration string', wanted);
    let ms: number;
    try {
      ms = parseDuration(s);
    } catch (err) {
      if (err instanceof DurationError) return this.fail('not a valid duration', wanted, JSON.stringify(s), err);
      throw err;
    }
    if (ms > MAX_DURATION_MS) return this.fail('duration out of range', 'at most about 292 years', JSON.stringify(s));
    return ms;
  }
}

/** The document root as a cursor. */
export function rootCursor(node: YNode | undefined, file: string): Cursor {
  return new Cursor(node, '', file, node?.pos ?? { line: 1, column: 1 });
}
