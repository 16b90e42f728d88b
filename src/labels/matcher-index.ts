/**
 * An index of items that each carry label matchers which must all hold (silences, and anything
 * shaped like them): given a label set, it names the few items that could match, so a caller
 * confirms those with the matchers instead of checking every item.
 *
 * The index only narrows, never decides. Items are filed under the keys of their positive
 * matchers: the exact values, or the literal prefixes, that a label value must have for the
 * matcher to accept it. Items with no such matcher (only negative matchers, matchers that accept
 * the empty string, regexes without a literal prefix such as `(?i)…` or `.*foo`) are returned
 * for every label set. Regex prefixes come from re2js, the engine that matches, so the index
 * reads a regex as matching does.
 */
import { RE2JS } from 're2js';
import type { Labels } from './labels.js';
import type { Matcher } from './matcher.js';

/** What the index reads of a matcher (labels/matcher.ts Matcher satisfies it). */
export type IndexableMatcher = Pick<Matcher, 'type' | 'name' | 'value'>;

/**
 * The label values a matcher can accept, as keys: values in `exact`, or values starting with
 * one of `prefixes`. No value is covered twice (no prefix starts with another, no exact value
 * starts with a prefix), and none of them is empty.
 */
export interface MatcherKeys {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
}

// An alternative without any RE2 metacharacter is matched as exactly that string.
const PLAIN_LITERAL = /^[^\\.+*?()[\]{}^$|]*$/;

/**
 * The keys of a matcher, or undefined when values outside any key (the empty string among
 * them) might be accepted: `!=`, `!~`, `=""`, and regexes re2js finds no literal prefix for.
 */
export function matcherKeys(m: IndexableMatcher): MatcherKeys | undefined {
  switch (m.type) {
    case '=':
      return m.value === '' ? undefined : { exact: [m.value], prefixes: [] };
    case '=~':
      return regexKeys(m.value);
    default:
      return undefined;
  }
}

// Analysing a regex compiles it (tens of µs); silences are re-indexed after every change, and
// many share a regex. Cleared wholesale when full, as matcher.ts does with compiled regexes.
const REGEX_KEYS_MAX = 4096;
const regexKeysCache = new Map<string, MatcherKeys | null>();

function regexKeys(value: string): MatcherKeys | undefined {
  let keys = regexKeysCache.get(value);
  if (keys === undefined) {
    keys = analyseRegex(value) ?? null;
    if (regexKeysCache.size >= REGEX_KEYS_MAX) regexKeysCache.clear();
    regexKeysCache.set(value, keys);
  }
  return keys ?? undefined;
}

/** Keys of `^(?:value)$`: one exact value or literal prefix per top-level alternative. */
function analyseRegex(value: string): MatcherKeys | undefined {
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const alternative of topLevelAlternatives(value) ?? [value]) {
    if (PLAIN_LITERAL.test(alternative)) {
      exact.push(alternative);
      continue;
    }
    const literal = literalPrefix(alternative);
    if (literal === undefined || literal.prefix === '') return undefined;
    (literal.complete ? exact : prefixes).push(literal.prefix);
  }
  return minimalKeys(exact, prefixes);
}

/**
 * The top-level alternatives of an expression without groups, classes or \Q…\E quoting: there,
 * every `|` a backslash does not escape separates two, and each means the same on its own
 * (flags need a group). Undefined for other expressions: they are analysed whole.
 */
function topLevelAlternatives(value: string): string[] | undefined {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '(' || c === '[') return undefined;
    if (c === '\\') {
      if (value[i + 1] === 'Q') return undefined;
      i++; // the escaped character, whatever it is
    } else if (c === '|') {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/**
 * The literal every match of the expression starts with, as re2js computes it from the compiled
 * program (it stops at case-folded letters, classes, repetitions and anchors); `complete` when
 * the expression matches nothing but that literal. Undefined when re2js refuses the expression
 * or its answer does not have the expected shape.
 */
function literalPrefix(expression: string): { prefix: string; complete: boolean } | undefined {
  let re2: { prefix?: unknown; prefixComplete?: unknown };
  try {
    re2 = RE2JS.compile(expression).re2();
  } catch {
    return undefined;
  }
  if (typeof re2.prefix !== 'string' || typeof re2.prefixComplete !== 'boolean') return undefined;
  return { prefix: re2.prefix, complete: re2.prefixComplete };
}

/** Drops keys another key already covers, so that no value reaches the same item twice. */
function minimalKeys(exact: readonly string[], prefixes: readonly string[]): MatcherKeys | undefined {
  if (exact.includes('') || prefixes.includes('')) return undefined;
  const kept: string[] = [];
  for (const p of [...new Set(prefixes)].sort((a, b) => a.length - b.length)) {
    if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  }
  return { exact: [...new Set(exact)].filter((e) => !kept.some((k) => e.startsWith(k))), prefixes: kept };
}

/** Item numbers filed under one label name, by exact value and by literal prefix. */
interface Shelf {
  readonly exact: Map<string, number[]>;
  readonly prefixes: Map<string, number[]>;
  /** Lengths of the prefixes above, ascending: the slices of a value to look up. */
  prefixLengths: number[];
}

/** One item as given to the index: what is returned, and the matchers that all must hold. */
export interface IndexEntry<T> {
  readonly item: T;
  readonly matchers: readonly IndexableMatcher[];
}

/**
 * Items indexed by their matchers; immutable once built. `candidates` may include items that do
 * not match — confirm each with its matchers — but never leaves out one that does.
 *
 * An item is filed under its matchers that have keys, and is a candidate only when the label
 * set meets all of them: `job="a", cluster=~"us-.*"` is not returned for an alert in cluster
 * eu-1 although many silences share its job. Counting a filed item costs a few nanoseconds
 * where confirming it with its matchers costs ~100; but a key many items share is counted for
 * every label set that has it, so a matcher whose every key is shared by more than
 * SHARED_KEY_LIMIT items is left out when the item has another one (1,000 silences on
 * `env="prod"`, each on its own instance, are filed by instance alone).
 */
export class MatcherIndex<T> {
  private readonly items: T[] = [];
  /** Per item number: how many of its matchers are filed (all must be met). */
  private readonly required: Uint32Array;
  private readonly shelves = new Map<string, Shelf>();
  private readonly scanned: T[] = [];
  // Per item number, the query that last met one of its matchers and how many it met then.
  private readonly metInQuery: Uint32Array;
  private readonly metCount: Uint32Array;
  private query = 0;

  constructor(entries: Iterable<IndexEntry<T>>) {
    const listed = [...entries].map(({ item, matchers }) => ({ item, options: indexOptions(matchers) }));
    const sharing = new Map<string, number>();
    for (const { options } of listed) {
      for (const o of options) for (const tag of o.tags) sharing.set(tag, (sharing.get(tag) ?? 0) + 1);
    }
    const light = (o: Option): boolean => o.tags.some((tag) => sharing.get(tag)! <= SHARED_KEY_LIMIT);
    const required: number[] = [];
    for (const { item, options } of listed) {
      if (options.length === 0) {
        this.scanned.push(item);
        continue;
      }
      const filed = options.some(light) ? options.filter(light) : options;
      for (const o of filed) this.file(this.items.length, o);
      this.items.push(item);
      required.push(filed.length);
    }
    this.required = Uint32Array.from(required);
    this.metInQuery = new Uint32Array(this.items.length);
    this.metCount = new Uint32Array(this.items.length);
    for (const shelf of this.shelves.values()) {
      shelf.prefixLengths = [...new Set([...shelf.prefixes.keys()].map((p) => p.length))].sort((a, b) => a - b);
    }
  }

  /** How many items are returned for every label set (they have no indexable matcher). */
  get alwaysScanned(): number {
    return this.scanned.length;
  }

  /**
   * Calls `visit` once for each item that may match `labels`: the filed items whose every
   * filed matcher the label values meet, then the items without keys.
   */
  candidates(labels: Labels, visit: (item: T) => void): void {
    if (++this.query === 0xffff_ffff) {
      this.metInQuery.fill(0);
      this.query = 1;
    }
    const met: number[] = [];
    for (const name in labels) {
      // hasOwn: a label set is a plain object; inherited names are no labels.
      if (!Object.hasOwn(labels, name)) continue;
      const shelf = this.shelves.get(name);
      if (shelf === undefined) continue;
      const value = labels[name]!;
      const exact = shelf.exact.get(value);
      if (exact !== undefined) this.count(exact, met);
      for (const length of shelf.prefixLengths) {
        if (length > value.length) break;
        const filed = shelf.prefixes.get(value.slice(0, length));
        if (filed !== undefined) this.count(filed, met);
      }
    }
    // Counting is done before any visit, so a visit may query the index again.
    for (const n of met) visit(this.items[n]!);
    for (const item of this.scanned) visit(item);
  }

  // A matcher's keys never overlap and it reads one label, so it adds at most 1 per query.
  private count(filed: readonly number[], met: number[]): void {
    const { query, metInQuery, metCount, required } = this;
    for (const n of filed) {
      const c = metInQuery[n] === query ? metCount[n]! + 1 : 1;
      metInQuery[n] = query;
      metCount[n] = c;
      if (c === required[n]) met.push(n);
    }
  }

  private file(n: number, { name, keys }: Option): void {
    let shelf = this.shelves.get(name);
    if (shelf === undefined) this.shelves.set(name, (shelf = { exact: new Map(), prefixes: new Map(), prefixLengths: [] }));
    for (const k of keys.exact) push(shelf.exact, k, n);
    for (const k of keys.prefixes) push(shelf.prefixes, k, n);
  }
}

// Beyond this many items under one key, counting them costs about what confirming a few costs.
const SHARED_KEY_LIMIT = 64;

/** A matcher with keys, and a tag per key to count how many items share it. */
interface Option {
  readonly name: string;
  readonly keys: MatcherKeys;
  readonly tags: readonly string[];
}

function indexOptions(matchers: readonly IndexableMatcher[]): Option[] {
  const out: Option[] = [];
  for (const m of matchers) {
    const keys = matcherKeys(m);
    if (keys === undefined) continue;
    const tags = [...keys.exact.map((k) => `${m.name}\u0000=${k}`), ...keys.prefixes.map((k) => `${m.name}\u0000^${k}`)];
    out.push({ name: m.name, keys, tags });
  }
  return out;
}

function push(map: Map<string, number[]>, key: string, n: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [n]);
  else list.push(n);
}
