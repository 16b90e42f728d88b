// Tokenizer for Go's text/template language (as of Go 1.19, the version Alertmanager 0.25
// ships with, plus `else with` from Go 1.23). Token kinds, trim markers and error texts follow
// Go so that parse errors read the same.

export type TokenType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Token {
  readonly type: TokenType;
  /** UTF-16 offset of the token's first character in the source. */
  readonly pos: number;
  readonly val: string;
}

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

const KEYWORD_TYPES: ReadonlySet<TokenType> = new Set(KEYWORDS.values());

function isKeyword(type: TokenType): boolean {
  return KEYWORD_TYPES.has(type);
}

/** How Go prints a token in "unexpected X in Y" messages. */
export function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (isKeyword(t.type)) return `<${t.val}>`;
  if (t.val.length > 10) return goQuotePrefix(t.val, 10) + '...';
  return goQuoteSimple(t.val);
}

// Go's %q (and %.10q) for token text; tokens rarely hold anything but printable ASCII.
function goQuoteSimple(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\x${h.slice(2)}`);
}
function goQuotePrefix(s: string, runes: number): string {
  return goQuoteSimple([...s].slice(0, runes).join(''));
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER_LEN = 2; // "- " or " -"

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && (c === '_' || /^[\p{L}\p{Nd}]$/u.test(c));
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

/** `%#U` of a rune, as Go prints it in lexer errors: U+0021 '!'. */
function runeDescription(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

/**
 * Splits template source into tokens. The list ends with an `eof` token or, if the input is
 * malformed, an `error` token carrying Go's lexer message.
 */
export function lex(input: string, options: { breakIsKeyword: boolean; continueIsKeyword: boolean }): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;

  const emit = (type: TokenType): void => {
    tokens.push({ type, pos: start, val: input.slice(start, pos) });
    start = pos;
  };
  const fail = (message: string): void => {
    tokens.push({ type: 'error', pos: start, val: message });
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + TRIM_MARKER_LEN)) return { delim: true, trim: true };
    return { delim: input.startsWith(RIGHT, pos), trim: false };
  };
  const skipLeadingSpace = (): void => {
    while (isSpace(input[pos])) pos++;
  };
  // One rune at pos (a surrogate pair counts as one).
  const peekRune = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const cp = input.codePointAt(pos)!;
    return String.fromCodePoint(cp);
  };
  const atTerminator = (): boolean => {
    const r = peekRune();
    if (r === undefined || isSpace(r)) return true;
    if ('.,|:)('.includes(r)) return true;
    return r === RIGHT[0];
  };

  // Each state returns false when lexing must stop (EOF emitted or error).
  const lexText = (): 'leftDelim' | 'done' => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      emit('eof');
      return 'done';
    }
    pos = x;
    let trimmed = pos;
    if (hasLeftTrimMarker(input, pos + LEFT.length)) {
      while (trimmed > start && isSpace(input[trimmed - 1])) trimmed--;
    }
    if (trimmed > start) {
      const save = pos;
      pos = trimmed;
      emit('text');
      pos = save;
    }
    start = pos;
    return 'leftDelim';
  };

  // Returns 'action' to continue inside an action, 'text' after a comment, 'stop' on error.
  const lexLeftDelim = (): 'action' | 'text' | 'stop' => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input, pos);
    const afterMarker = trim ? TRIM_MARKER_LEN : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      return lexComment() ? 'text' : 'stop';
    }
    emit('leftDelim');
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    return 'action';
  };

  const lexComment = (): boolean => {
    pos += LEFT_COMMENT.length;
    const i = input.indexOf(RIGHT_COMMENT, pos);
    if (i < 0) {
      fail('unclosed comment');
      return false;
    }
    pos = i + RIGHT_COMMENT.length;
    const { delim, trim } = atRightDelim();
    if (!delim) {
      fail('comment ends before closing delimiter');
      return false;
    }
    if (trim) pos += TRIM_MARKER_LEN;
    pos += RIGHT.length;
    if (trim) skipLeadingSpace();
    start = pos;
    return true;
  };

  const lexRightDelim = (trim: boolean): void => {
    if (trim) {
      pos += TRIM_MARKER_LEN;
      start = pos;
    }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) {
      skipLeadingSpace();
      start = pos;
    }
  };

  const scanNumber = (): boolean => {
    const accept = (valid: string): boolean => {
      const c = input[pos];
      if (c !== undefined && valid.includes(c)) {
        pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (valid: string): void => {
      while (accept(valid));
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peekRune())) {
      pos += peekRune()!.length;
      return false;
    }
    return true;
  };

  const lexQuoted = (quote: string, type: TokenType, unterminated: string, stopAtNewline: boolean): boolean => {
    for (;;) {
      const c = input[pos];
      if (c === undefined || (stopAtNewline && c === '\n')) {
        fail(unterminated);
        return false;
      }
      pos++;
      if (c === '\\' && quote !== '`') {
        const n = input[pos];
        if (n === undefined || n === '\n') {
          fail(unterminated);
          return false;
        }
        pos++;
        continue;
      }
      if (c === quote) break;
    }
    emit(type);
    return true;
  };

  // Consumes a run of alphanumerics, which must end at a terminator.
  const scanWord = (): boolean => {
    let r: string | undefined;
    for (;;) {
      r = peekRune();
      if (!isAlphaNumeric(r)) break;
      pos += r!.length;
    }
    if (!atTerminator()) {
      fail(`bad character ${runeDescription(r!)}`);
      return false;
    }
    return true;
  };

  const lexFieldOrVariable = (type: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(type === 'variable' ? 'variable' : 'dot');
      return true;
    }
    if (!scanWord()) return false;
    emit(type);
    return true;
  };

  const lexIdentifier = (): boolean => {
    if (!scanWord()) return false;
    const word = input.slice(start, pos);
    const keyword = KEYWORDS.get(word);
    if (keyword !== undefined && keyword !== 'dot') {
      const demoted =
        (keyword === 'break' && !options.breakIsKeyword) || (keyword === 'continue' && !options.continueIsKeyword);
      emit(demoted ? 'identifier' : keyword);
    } else if (word === 'true' || word === 'false') {
      emit('bool');
    } else {
      emit('identifier');
    }
    return true;
  };

  // Returns 'text' once the right delimiter was consumed, 'stop' on error.
  const lexInsideAction = (): 'text' | 'stop' => {
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (parenDepth === 0) {
          lexRightDelim(trim);
          return 'text';
        }
        fail('unclosed left paren');
        return 'stop';
      }
      const r = peekRune();
      if (r === undefined) {
        fail('unclosed action');
        return 'stop';
      }
      if (isSpace(r)) {
        // A run of spaces; a " -}}" after it belongs to the closing delimiter.
        let n = 0;
        while (isSpace(input[pos])) {
          pos++;
          n++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + TRIM_MARKER_LEN)) {
          pos--;
          if (n === 1) continue; // only the marker's own space: go straight to the delimiter
        }
        emit('space');
        continue;
      }
      pos += r.length;
      switch (r) {
        case '=':
          emit('assign');
          continue;
        case ':':
          if (input[pos] !== '=') {
            fail('expected :=');
            return 'stop';
          }
          pos++;
          emit('declare');
          continue;
        case '|':
          emit('pipe');
          continue;
        case '"':
          if (!lexQuoted('"', 'string', 'unterminated quoted string', true)) return 'stop';
          continue;
        case '`':
          if (!lexQuoted('`', 'rawString', 'unterminated raw quoted string', false)) return 'stop';
          continue;
        case "'":
          if (!lexQuoted("'", 'charConstant', 'unterminated character constant', true)) return 'stop';
          continue;
        case '$':
          if (!lexFieldOrVariable('variable')) return 'stop';
          continue;
        case '(':
          emit('leftParen');
          parenDepth++;
          continue;
        case ')':
          emit('rightParen');
          parenDepth--;
          if (parenDepth < 0) {
            fail(`unexpected right paren ${runeDescription(r)}`);
            return 'stop';
          }
          continue;
      }
      if (r === '.' && pos < input.length && !isDigit(input[pos])) {
        if (!lexFieldOrVariable('field')) return 'stop';
        continue;
      }
      if (r === '.' || r === '+' || r === '-' || isDigit(r)) {
        pos -= r.length;
        if (!scanNumber()) {
          fail(`bad number syntax: ${goQuoteSimple(input.slice(start, pos))}`);
          return 'stop';
        }
        const sign = input[pos];
        if (sign === '+' || sign === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i') {
            fail(`bad number syntax: ${goQuoteSimple(input.slice(start, pos))}`);
            return 'stop';
          }
          emit('complex');
        } else {
          emit('number');
        }
        continue;
      }
      if (isAlphaNumeric(r)) {
        pos -= r.length;
        if (!lexIdentifier()) return 'stop';
        continue;
      }
      const cp = r.codePointAt(0)!;
      if (cp <= 0x7f && cp >= 0x20 && cp !== 0x7f) {
        emit('char');
        continue;
      }
      fail(`unrecognized character in action: ${runeDescription(r)}`);
      return 'stop';
    }
  };

  for (;;) {
    if (lexText() === 'done') return tokens;
    const next = lexLeftDelim();
    if (next === 'stop') return tokens;
    if (next === 'text') continue;
    if (lexInsideAction() === 'stop') return tokens;
  }
}
