// Matcher text → Matchers, accepting what Alertmanager accepts: its classic 0.25 syntax
// (pkg/labels) and the UTF-8 syntax of 0.27+ (matcher/parse), combined as 0.27's default
// "fallback" mode does.
//
// Fallback mode parses with both and keeps the classic result whenever the classic parser
// accepts the input (on disagreement too); the UTF-8 result is used only for inputs the classic
// parser refuses, and when both refuse, the classic error is reported. Trying the classic parser
// first therefore gives the same answers with one parse in the common case.
import { AlertrouterError } from '../util/errors.js';
import { goQuote } from '../util/goquote.js';
import { Matcher, MatcherError, hasReservedChar, newMatcher, type MatchType } from './matcher.js';

/**
 * Parse a matcher set: `{a="b", c=~"x|y"}`, the same without braces, unquoted values, a trailing
 * comma, and the UTF-8 form with quoted names (`{"service.name"="api"}`). Returns the matchers in
 * input order (Alertmanager sorts them only where it needs to). Throws MatcherError naming the
 * input and what is wrong.
 */
export function parseMatchers(input: string): Matcher[] {
  try {
    return parseClassicMatchers(input);
  } catch (classicErr) {
    if (!(classicErr instanceof MatcherError)) throw classicErr;
    try {
      return parseUtf8Matchers(input);
    } catch (utf8Err) {
      throw refusal('matchers', input, classicErr, utf8Err);
    }
  }
}

/**
 * Parse exactly one matcher (`a="b"`, `a=~b`, `"service.name"!=x`), as Alertmanager parses API
 * filters and silence matchers. The classic parser takes the whole text as one matcher (so
 * `a=b,c` is `a="b,c"`, as in 0.25); the UTF-8 form must hold exactly one matcher and no braces.
 */
export function parseMatcher(input: string): Matcher {
  try {
    return parseClassicMatcher(input);
  } catch (classicErr) {
    if (!(classicErr instanceof MatcherError)) throw classicErr;
    try {
      if (input.startsWith('{') || input.endsWith('}')) {
        throw new MatcherError(`unexpected open or close brace (want a single matcher without braces)`);
      }
      const ms = parseUtf8Matchers(input);
      if (ms.length !== 1) throw new MatcherError(`found ${ms.length} matchers (want exactly 1)`);
      return ms[0]!;
    } catch (utf8Err) {
      throw refusal('matcher', input, classicErr, utf8Err);
    }
  }
}

// The classic parser's reason comes first (it is what Alertmanager reports); the UTF-8 parser's
// reason follows because it carries a column, which the classic one lacks.
function refusal(what: string, input: string, classicErr: MatcherError, utf8Err: unknown): MatcherError {
  if (!(utf8Err instanceof AlertrouterError)) throw utf8Err;
  return new MatcherError(
    `invalid ${what} ${goQuote(input)}: ${classicErr.message} (as UTF-8 matchers: ${utf8Err.message})`,
    { cause: classicErr, input },
  );
}

// ---------------------------------------------------------------------------------------------
// Classic syntax (Alertmanager 0.25 pkg/labels.ParseMatchers / ParseMatcher).

// Go's regexp \s is ASCII [\t\n\f\r ]; strings.TrimSpace uses unicode.IsSpace (White_Space).
const ASCII_SPACE = '\t\n\f\r ';
const WHITE_SPACE = /\p{White_Space}/u;
// The name and operator part of Alertmanager's matcher regex. The value part is cut by hand:
// its lazy `(.*?)\s*$` would backtrack quadratically on long whitespace runs in a JS engine.
const CLASSIC_HEAD = /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*/;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Alertmanager 0.25's ParseMatchers: split on commas outside double quotes (a `\"` does not
 * toggle quoting), drop one leading `{` and one trailing `}`, ignore a final empty part, and
 * parse each part with parseClassicMatcher. Throws MatcherError.
 */
export function parseClassicMatchers(input: string): Matcher[] {
  let s = input.startsWith('{') ? input.slice(1) : input;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let insideQuotes = false;
  let escaped = false;
  let start = 0;
  // Same state machine as Alertmanager's, quirks included: a comma inside quotes leaves
  // `escaped` as it was, a comma outside quotes ends the token without resetting it.
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ',') {
      if (!insideQuotes) {
        tokens.push(s.slice(start, i));
        start = i + 1;
        continue;
      }
    } else if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
  }
  const last = trimGoSpace(s.slice(start));
  if (last !== '') tokens.push(last);
  return tokens.map(parseClassicMatcher);
}

/**
 * Alertmanager 0.25's ParseMatcher: `name op value` with optional ASCII whitespace around each
 * part; a classic label name (colons allowed, as its regex allows); a value optionally in double
 * quotes where `\"`, `\\` and `\n` are escapes and any other backslash is literal. Throws MatcherError.
 */
export function parseClassicMatcher(input: string): Matcher {
  const head = CLASSIC_HEAD.exec(input);
  if (!head) throw new MatcherError(`bad matcher format: ${goQuote(input)}`, { input });
  const name = head[1]!;
  const type = head[2] as MatchType;
  let end = input.length;
  while (end > head[0].length && ASCII_SPACE.includes(input[end - 1]!)) end--;
  const raw = input.slice(head[0].length, end);
  return newMatcher(type, name, unescapeClassicValue(raw));
}

function unescapeClassicValue(raw: string): string {
  let rawValue = raw;
  let expectTrailingQuote = false;
  if (rawValue.startsWith('"')) {
    rawValue = rawValue.slice(1);
    expectTrailingQuote = true;
  }
  if (LONE_SURROGATE.test(rawValue)) {
    throw new MatcherError(`matcher value not valid UTF-8: ${goQuote(raw)}`, { input: raw });
  }
  const unescapedQuote = () =>
    new MatcherError(`matcher value contains unescaped double quote: ${raw} (want \\" inside the value)`, {
      input: raw,
    });
  let value = '';
  let escaped = false;
  for (let i = 0; i < rawValue.length; i++) {
    const c = rawValue[i]!;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      else value += '\\' + c; // a spurious escape keeps its backslash
      continue;
    }
    const isLast = i === rawValue.length - 1;
    if (c === '\\') {
      if (!isLast) escaped = true;
      else value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || !isLast) throw unescapedQuote();
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) throw unescapedQuote();
  return value;
}

function trimGoSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && WHITE_SPACE.test(s[start]!)) start++;
  while (end > start && WHITE_SPACE.test(s[end - 1]!)) end--;
  return s.slice(start, end);
}

// ---------------------------------------------------------------------------------------------
// UTF-8 syntax (Alertmanager 0.27+ matcher/parse): a lexer of quoted/unquoted strings, braces,
// commas and operators; names and values are either Go-quoted strings or runs of non-reserved
// characters. Columns count code points from 0, as Alertmanager's messages do.

type TokenKind = 'eof' | '{' | '}' | ',' | '=' | '!=' | '=~' | '!~' | 'quoted' | 'unquoted';

interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly columnStart: number;
  readonly columnEnd: number;
}

class Utf8SyntaxError extends AlertrouterError {
  constructor(message: string) {
    super('bad_matcher', message);
  }
}

class Lexer {
  private readonly runes: string[];
  private start = 0;
  private pos = 0;
  private width = 0;
  private err: Utf8SyntaxError | undefined;

  constructor(input: string) {
    this.runes = Array.from(input);
  }

  /** The next token; errors are sticky, as a broken input cannot be resynchronised. */
  scan(): Token {
    if (this.err) throw this.err;
    try {
      return this.scanToken();
    } catch (err) {
      if (err instanceof Utf8SyntaxError) this.err = err;
      throw err;
    }
  }

  peek(): Token {
    const { start, pos, width } = this;
    try {
      return this.scan();
    } finally {
      this.start = start;
      this.pos = pos;
      this.width = width;
    }
  }

  private scanToken(): Token {
    for (let r = this.next(); r !== undefined; r = this.next()) {
      if (r === '{' || r === '}' || r === ',') return this.emit(r);
      if (r === '=' || r === '!') {
        this.rewind();
        return this.scanOperator();
      }
      if (r === '"') {
        this.rewind();
        return this.scanQuoted();
      }
      if (!hasReservedChar(r)) {
        this.rewind();
        return this.scanUnquoted();
      }
      if (WHITE_SPACE.test(r)) {
        this.start = this.pos;
        continue;
      }
      throw new Utf8SyntaxError(`${this.span()}: ${this.text()}: invalid input`);
    }
    return this.emit('eof');
  }

  private scanOperator(): Token {
    if (this.accept('!')) {
      if (this.accept('=')) return this.emit('!=');
      if (this.accept('~')) return this.emit('!~');
      throw this.expected('=~');
    }
    if (this.accept('=')) return this.emit(this.accept('~') ? '=~' : '=');
    throw this.expected('!=');
  }

  private scanQuoted(): Token {
    this.accept('"');
    let escaped = false;
    for (let r = this.next(); r !== undefined; r = this.next()) {
      if (escaped) escaped = false;
      else if (r === '\\') escaped = true;
      else if (r === '"') {
        this.rewind();
        break;
      }
    }
    if (!this.accept('"')) throw new Utf8SyntaxError(`${this.span()}: ${this.text()}: missing end "`);
    return this.emit('quoted');
  }

  private scanUnquoted(): Token {
    for (let r = this.next(); r !== undefined; r = this.next()) {
      if (hasReservedChar(r)) {
        this.rewind();
        break;
      }
    }
    return this.emit('unquoted');
  }

  private expected(valid: string): Utf8SyntaxError {
    if (this.pos >= this.runes.length) {
      return new Utf8SyntaxError(`${this.span()}: unexpected end of input, expected one of '${valid}'`);
    }
    return new Utf8SyntaxError(`${this.span()}: ${this.text()}: expected one of '${valid}'`);
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== undefined && valid.includes(r)) return true;
    this.rewind();
    return false;
  }

  private emit(kind: TokenKind): Token {
    const t = { kind, value: this.text(), columnStart: this.start, columnEnd: this.pos };
    this.start = this.pos;
    return t;
  }

  private next(): string | undefined {
    const r = this.runes[this.pos];
    this.width = r === undefined ? 0 : 1;
    this.pos += this.width;
    return r;
  }

  private rewind(): void {
    this.pos -= this.width;
  }

  private text(): string {
    return this.runes.slice(this.start, this.pos).join('');
  }

  private span(): string {
    return `${this.start}:${this.pos}`;
  }
}

const OPERATORS: ReadonlySet<TokenKind> = new Set(['=', '!=', '=~', '!~']);

/**
 * Alertmanager 0.27+'s UTF-8 matchers grammar (matcher/parse.Matchers): optional braces (both or
 * neither), matchers separated by commas with an optional trailing comma, names and values
 * either Go double-quoted strings or unquoted runs of non-reserved characters. Throws MatcherError.
 */
export function parseUtf8Matchers(input: string): Matcher[] {
  const lexer = new Lexer(input);
  const matchers: Matcher[] = [];
  const fail = (message: string) => new Utf8SyntaxError(message);
  const unexpected = (t: Token, want: string) =>
    t.kind === 'eof'
      ? fail(`${t.columnStart}:${t.columnEnd}: unexpected end of input: ${want}`)
      : fail(`${t.columnStart}:${t.columnEnd}: unexpected ${t.value}: ${want}`);
  // A lexer error is reported with what the parser wanted at that point, as Alertmanager does.
  const peek = (want: string): Token => {
    try {
      return lexer.peek();
    } catch (err) {
      if (err instanceof Utf8SyntaxError) throw fail(`${err.message}: ${want}`);
      throw err;
    }
  };
  const expect = (want: string, ok: (k: TokenKind) => boolean): Token => {
    const t = peek(want);
    if (t.kind === 'eof' || !ok(t.kind)) throw unexpected(t, want);
    return lexer.scan();
  };
  const unquote = (t: Token): string => {
    if (t.kind !== 'quoted') return t.value;
    try {
      return goUnquote(t.value);
    } catch {
      throw fail(`${t.columnStart}:${t.columnEnd}: ${t.value}: invalid input`);
    }
  };

  try {
    const hasOpenBrace = lexer.peek().kind === '{';
    if (hasOpenBrace) lexer.scan();
    let t = lexer.peek();
    if (t.kind !== 'eof' && t.kind !== '}') {
      for (;;) {
        const name = unquote(expect('expected label name', (k) => k === 'quoted' || k === 'unquoted'));
        const op = expect("expected an operator such as '=', '!=', '=~' or '!~'", (k) => OPERATORS.has(k));
        const value = unquote(expect('expected label value', (k) => k === 'quoted' || k === 'unquoted'));
        try {
          matchers.push(newMatcher(op.kind as MatchType, name, value));
        } catch (err) {
          throw fail(`failed to create matcher: ${err instanceof Error ? err.message : String(err)}`);
        }
        t = peek('expected a comma or close brace');
        if (t.kind === 'eof' || t.kind === '}') break;
        if (t.kind !== ',') throw unexpected(t, 'expected a comma or close brace');
        lexer.scan();
        t = peek('expected a matcher or close brace after comma');
        if (t.kind === 'eof' || t.kind === '}') break;
        if (t.kind !== 'quoted' && t.kind !== 'unquoted') throw unexpected(t, 'expected a matcher or close brace after comma');
      }
    }
    // Braces come in pairs: both or neither. Here `t` is the end of input or a close brace.
    if (hasOpenBrace && t.kind !== '}') throw fail(`0:${t.columnEnd}: end of input: expected close brace`);
    if (!hasOpenBrace && t.kind === '}') throw fail(`0:${t.columnEnd}: }: expected opening brace`);
    if (t.kind === '}') lexer.scan();
    const rest = peek('expected end of input');
    if (rest.kind !== 'eof') throw fail(`${rest.columnStart}:${rest.columnEnd}: ${rest.value}: expected end of input`);
    return matchers;
  } catch (err) {
    if (err instanceof Utf8SyntaxError) throw new MatcherError(err.message, { input, cause: err });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Go's strconv.Unquote for a double-quoted string literal.

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22,
};
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Decode a Go double-quoted literal (quotes included): the escapes \a\b\f\n\r\t\v\\\", \xHH and
 * \ooo (bytes), \uHHHH and \UHHHHHHHH (runes). Refuses a raw newline, `\'`, unknown escapes and
 * bytes that do not form valid UTF-8 (Alertmanager requires valid UTF-8).
 */
export function goUnquote(quoted: string): string {
  if (quoted.length < 2 || quoted[0] !== '"' || quoted[quoted.length - 1] !== '"') {
    throw new MatcherError(`not a double-quoted string: ${quoted}`);
  }
  const body = quoted.slice(1, -1);
  if (body.includes('\n') || LONE_SURROGATE.test(body)) {
    throw new MatcherError(`invalid quoted string: ${quoted}`);
  }
  if (!body.includes('\\')) {
    if (body.includes('"')) throw new MatcherError(`invalid quoted string: ${quoted}`);
    return body;
  }
  const bytes: number[] = [];
  const bad = () => new MatcherError(`invalid escape in quoted string: ${quoted}`);
  const digits = (at: number, n: number, base: number): number => {
    const text = body.slice(at, at + n);
    const pattern = base === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
    if (text.length !== n || !pattern.test(text)) throw bad();
    return parseInt(text, base);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '"') throw bad();
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw bad();
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
    } else if (e === 'x') {
      bytes.push(digits(i + 2, 2, 16));
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const v = digits(i + 1, 3, 8);
      if (v > 255) throw bad();
      bytes.push(v);
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const v = digits(i + 2, n, 16);
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw bad();
      bytes.push(...encoder.encode(String.fromCodePoint(v)));
      i += 2 + n;
    } else {
      throw bad();
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    throw new MatcherError(`quoted string contains invalid UTF-8: ${quoted}`);
  }
}
