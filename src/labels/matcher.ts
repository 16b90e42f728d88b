// Label matchers as Alertmanager's pkg/labels defines them: equality, inequality and fully
// anchored RE2 regular expressions, compared against a label value ('' when the label is absent).
import { RE2JS } from 're2js';
import { AlertrouterError } from '../util/errors.js';
import { goQuote } from '../util/goquote.js';
import { compareStrings, type Labels } from './labels.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A matcher that cannot be built or parsed; `input` is the text that was refused, when there was one. */
export class MatcherError extends AlertrouterError {
  readonly input: string | undefined;
  constructor(message: string, options?: { cause?: unknown; input?: string }) {
    super('bad_matcher', message, options);
    this.input = options?.input;
  }
}

// Alertmanager sorts matchers by name, then value, then type in this order.
const TYPE_ORDER: Readonly<Record<MatchType, number>> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** True for the four operators; lets callers narrow untyped input before calling newMatcher. */
export function isMatchType(s: string): s is MatchType {
  return Object.hasOwn(TYPE_ORDER, s);
}

// Go's unicode.IsSpace is the Unicode White_Space property (JS's \s differs: it has U+FEFF, lacks U+0085).
const RESERVED = /[\p{White_Space}{}!=~,\\"'`]/u;

/**
 * True when `s` holds a character the UTF-8 matcher syntax reserves (Go's unicode.IsSpace or
 * one of {}!=~,\"'`): such a label name must be written quoted.
 */
export function hasReservedChar(s: string): boolean {
  return RESERVED.test(s);
}

const CLASSIC_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus' classic label-name rule (`model.LabelName.IsValid`): [a-zA-Z_][a-zA-Z0-9_]*. */
export function isValidLabelName(name: string): boolean {
  return CLASSIC_LABEL_NAME.test(name);
}

type Predicate = (value: string) => boolean;

// A value without any RE2 metacharacter (pipes aside) is an alternation of literals, so
// `^(?:a|b)$` matches exactly the strings "a" and "b": answer with a string compare or a Set
// and never enter the regex engine. `{` is kept out although Go reads a lone `{` literally.
const LITERAL_ALTERNATION = /^[^\\.+*?()[\]{}^$]*$/;

// Compiled predicates shared by matchers with the same regex (routes, inhibit rules and silences
// often repeat one). Cleared wholesale when full: recompiling is cheap next to unbounded growth.
const REGEX_CACHE_MAX = 4096;
const regexCache = new Map<string, Predicate>();

/**
 * The expression a regex matcher's value is compiled as: fully anchored, as Alertmanager does
 * (inline flags like (?i) still apply). It can fail where the bare value compiles (`x\\Qy`).
 */
export function anchorRegex(value: string): string {
  return '^(?:' + value + ')$';
}

function regexPredicate(value: string, describe: () => string): Predicate {
  const cached = regexCache.get(value);
  if (cached) return cached;
  let predicate: Predicate;
  if (LITERAL_ALTERNATION.test(value)) {
    const alternatives = value.split('|');
    if (alternatives.length === 1) {
      predicate = (v) => v === value;
    } else {
      const set = new Set(alternatives);
      predicate = (v) => set.has(v);
    }
  } else {
    let re: RE2JS;
    try {
      re = RE2JS.compile(anchorRegex(value));
    } catch (err) {
      throw new MatcherError(
        `${describe()}: not a valid RE2 regular expression: ${re2Reason(err)}${re2Hint(value)}`,
        { cause: err },
      );
    }
    predicate = memoize((v) => re.test(v));
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
  regexCache.set(value, predicate);
  return predicate;
}

// Label values repeat (env, team, severity…) while a regex costs ~0.5µs in re2js: remember recent
// answers per expression. Bounded and cleared when full; long values are not kept.
const MEMO_MAX_ENTRIES = 1024;
const MEMO_MAX_VALUE_LENGTH = 256;

function memoize(test: Predicate): Predicate {
  const memo = new Map<string, boolean>();
  return (v) => {
    const known = memo.get(v);
    if (known !== undefined) return known;
    const result = test(v);
    if (v.length <= MEMO_MAX_VALUE_LENGTH) {
      if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
      memo.set(v, result);
    }
    return result;
  };
}

function re2Reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^error parsing regexp: /, '');
}

// RE2 refuses these Perl/PCRE features by design; say so, since the RE2 message alone reads like a typo.
function re2Hint(value: string): string {
  if (/\(\?<?[=!]/.test(value)) return ' (want RE2 syntax: lookahead and lookbehind are not supported)';
  if (/\\[1-9]/.test(value)) return ' (want RE2 syntax: backreferences are not supported)';
  return '';
}

/**
 * One label matcher. Built only through newMatcher/parsing, so a regex matcher always holds a
 * valid RE2 expression. Immutable.
 */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  readonly #test: Predicate;
  readonly #negate: boolean;

  constructor(type: MatchType, name: string, value: string) {
    if (!isMatchType(type)) {
      throw new MatcherError(`unknown match type ${goQuote(String(type))} (want one of =, !=, =~, !~)`);
    }
    this.type = type;
    this.name = name;
    this.value = value;
    this.#negate = type === '!=' || type === '!~';
    this.#test =
      type === '=' || type === '!='
        ? (v) => v === value
        : regexPredicate(value, () => `matcher ${name}${type}${goQuote(value)}`);
    Object.freeze(this);
  }

  /** Whether a label value (use '' for an absent label) satisfies this matcher. */
  matches(value: string): boolean {
    return this.#test(value) !== this.#negate;
  }

  /**
   * Alertmanager's Matcher.String(): `name="value"` with the value escaped as OpenMetrics does
   * (only \\, \n and \"); a name holding reserved characters is quoted along with the value
   * (0.27+), so the text parses back to the same matcher.
   */
  toString(): string {
    if (hasReservedChar(this.name)) return `${goQuote(this.name)}${this.type}${goQuote(this.value)}`;
    return `${this.name}${this.type}"${openMetricsEscape(this.value)}"`;
  }
}

function openMetricsEscape(s: string): string {
  return s.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/** Build a matcher; throws MatcherError when a regex type's value is not a valid RE2 expression. */
export function newMatcher(type: MatchType, name: string, value: string): Matcher {
  return new Matcher(type, name, value);
}

/** True when every matcher accepts the label set; an absent label counts as the empty string. */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) {
    // hasOwn: a label set is a plain object, and `labels.constructor` must not read as a value.
    const value = Object.hasOwn(labels, m.name) ? labels[m.name]! : '';
    if (!m.matches(value)) return false;
  }
  return true;
}

/** Alertmanager's `labels.Matchers` order: by name, then value, then type (= != =~ !~). */
export function compareMatchers(a: Matcher, b: Matcher): number {
  return compareStrings(a.name, b.name) || compareStrings(a.value, b.value) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

/** Alertmanager's `Matchers.String()`: `{a="b",c=~"d"}` in the given order, comma without space. */
export function formatMatchers(ms: readonly Matcher[]): string {
  return '{' + ms.map((m) => m.toString()).join(',') + '}';
}
