// The parts of Go's strconv that templates need: literal unquoting, integer/float parsing
// with Go's syntax, and float formatting with Go's rounding (%e %f %g and shortest).

/** Thrown for malformed literals; the message is Go's (`invalid syntax`, `value out of range`). */
export class StrconvError extends Error {}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

function hexValue(s: string): number | undefined {
  return /^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : undefined;
}

/**
 * Decodes one (possibly escaped) character at `s[i]` as Go's strconv.UnquoteChar; returns the
 * decoded text and the index after it. Throws StrconvError on a bad escape.
 */
function unquoteChar(s: string, i: number, quote: string): { value: string; next: number } {
  const c = s[i];
  if (c === undefined || c === quote) throw new StrconvError('invalid syntax');
  if (c !== '\\') {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    return { value: ch, next: i + ch.length };
  }
  const e = s[i + 1];
  if (e === undefined) throw new StrconvError('invalid syntax');
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { value: simple, next: i + 2 };
  if (e === "'" || e === '"') {
    if (e !== quote) throw new StrconvError('invalid syntax');
    return { value: e, next: i + 2 };
  }
  const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (width > 0) {
    const v = hexValue(s.slice(i + 2, i + 2 + width));
    if (v === undefined || s.slice(i + 2, i + 2 + width).length !== width) throw new StrconvError('invalid syntax');
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new StrconvError('invalid syntax');
    // \xHH is a byte in Go; a JS string cannot hold a lone byte, so bytes ≥ 0x80 become U+0080..U+00FF.
    return { value: String.fromCodePoint(v), next: i + 2 + width };
  }
  if (e >= '0' && e <= '7') {
    const digits = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) throw new StrconvError('invalid syntax');
    const v = parseInt(digits, 8);
    if (v > 255) throw new StrconvError('invalid syntax');
    return { value: String.fromCodePoint(v), next: i + 4 };
  }
  throw new StrconvError('invalid syntax');
}

/** Go's strconv.Unquote for "…", `…` and '…' literals. */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new StrconvError('invalid syntax');
  const body = lit.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new StrconvError('invalid syntax');
    return body.replace(/\r/g, ''); // Go drops carriage returns from raw strings
  }
  if (q !== '"' && q !== "'") throw new StrconvError('invalid syntax');
  if (body.includes('\n')) throw new StrconvError('invalid syntax');
  let out = '';
  for (let i = 0; i < body.length; ) {
    const { value, next } = unquoteChar(body, i, q);
    out += value;
    i = next;
  }
  if (q === "'" && [...out].length !== 1) throw new StrconvError('invalid syntax');
  return out;
}

/** The rune of a character literal like 'a' or '\n'; Go's parse.newNumber rules. */
export function unquoteCharLiteral(lit: string): number {
  const { value, next } = unquoteChar(lit, 1, "'");
  if (lit.slice(next) !== "'") throw new StrconvError(`malformed character constant: ${lit}`);
  return value.codePointAt(0)!;
}

// Underscores must separate digits (or follow a base prefix), as Go's underscoreOK.
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

function parseBigInt(text: string, allowSign: boolean): bigint {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    if (!allowSign) throw new StrconvError('invalid syntax');
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) {
    base = 16;
    digits = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    base = 8;
    digits = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    base = 2;
    digits = s.slice(2);
  } else if (s.length > 1 && s[0] === '0') {
    base = 8;
    digits = s.slice(1);
  }
  if (s.includes('_')) {
    if (!underscoreOK(text)) throw new StrconvError('invalid syntax');
    digits = digits.replace(/_/g, '');
  }
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!valid.test(digits)) throw new StrconvError('invalid syntax');
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const v = BigInt(prefix + digits);
  return neg ? -v : v;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(s, 0, 64); the result as a JS number (exact up to 2^53). */
export function parseGoInt(text: string): number {
  const v = parseBigInt(text, true);
  if (v < INT64_MIN || v > INT64_MAX) throw new StrconvError('value out of range');
  return Number(v);
}

/** strconv.ParseUint(s, 0, 64). */
export function parseGoUint(text: string): number {
  const v = parseBigInt(text, false);
  if (v > UINT64_MAX) throw new StrconvError('value out of range');
  return Number(v);
}

/** strconv.ParseFloat(s, 64) for decimal and hexadecimal float syntax. */
export function parseGoFloat(text: string): number {
  let s = text;
  if (s.includes('_')) {
    if (!underscoreOK(s)) throw new StrconvError('invalid syntax');
    s = s.replace(/_/g, '');
  }
  const lower = s.toLowerCase();
  const signless = lower.replace(/^[+-]/, '');
  const neg = lower.startsWith('-');
  if (signless === 'inf' || signless === 'infinity') return neg ? -Infinity : Infinity;
  if (signless === 'nan') return NaN;
  const hex = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?p([+-]?\d+)$/.exec(lower);
  if (hex) {
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? '';
    if (intPart === '' && frac === '') throw new StrconvError('invalid syntax');
    const mantissa = parseInt((intPart + frac) || '0', 16);
    const v = mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
    return hex[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) throw new StrconvError('invalid syntax');
  const v = Number(lower);
  if (!Number.isFinite(v)) throw new StrconvError('value out of range');
  return v;
}

/** A decimal number 0.d1d2d3… × 10^dp with no leading or trailing zero digits ("" is zero). */
interface Decimal {
  digits: string;
  dp: number;
}

function trimDecimal(digits: string, dp: number): Decimal {
  const lead = digits.length - digits.replace(/^0+/, '').length;
  const d = digits.slice(lead).replace(/0+$/, '');
  return d === '' ? { digits: '', dp: 0 } : { digits: d, dp: dp - lead };
}

/** The shortest digits that read back as `x` (what Go's 'g' with precision -1 uses). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mant, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  return trimDecimal(mant.replace('.', ''), Number(exp) + 1);
}

/** The exact decimal value of the double `x`. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (expBits === 0) {
    e2 = -1074;
  } else {
    mant |= 1n << 52n;
    e2 = expBits - 1075;
  }
  if (e2 >= 0) {
    const s = (mant << BigInt(e2)).toString();
    return trimDecimal(s, s.length);
  }
  // mant × 2^e2 = mant × 5^-e2 / 10^-e2
  const s = (mant * 5n ** BigInt(-e2)).toString();
  return trimDecimal(s, s.length + e2);
}

/** Rounds to `nd` significant digits, half to even on exact ties (Go's decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: 0 };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === d.digits.length) {
    up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) return trimDecimal(d.digits.slice(0, nd), d.dp);
  // Round up: increment the kept digits.
  const kept = d.digits.slice(0, nd).split('').map(Number);
  let i = kept.length - 1;
  while (i >= 0 && kept[i] === 9) {
    kept[i] = 0;
    i--;
  }
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  kept[i]!++;
  return trimDecimal(kept.join(''), d.dp);
}

function digitAt(d: Decimal, i: number): string {
  return d.digits[i] ?? '0';
}

function fmtE(neg: boolean, d: Decimal, prec: number, e: 'e' | 'E'): string {
  let out = neg ? '-' : '';
  out += digitAt(d, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return out + e + sign + (abs < 10 ? '0' : '') + String(abs);
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      out += j < 0 ? '0' : digitAt(d, j);
    }
  }
  return out;
}

/**
 * Go's strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f g G; prec -1 means the
 * shortest representation that reads back as x.
 */
export function formatGoFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(x);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(d.digits.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(d.digits.length - d.dp, 0);
        break;
      default:
        prec = d.digits.length;
    }
  } else {
    const exact = exactDecimal(x);
    switch (fmt) {
      case 'e':
      case 'E':
        d = roundDecimal(exact, prec + 1);
        break;
      case 'f':
        d = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        d = roundDecimal(exact, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, d, prec, fmt);
    case 'f':
      return fmtF(neg, d, prec);
    default: {
      let eprec = prec;
      const nd = d.digits.length;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (d.digits !== '' && (exp < -4 || exp >= eprec)) {
        if (prec > nd) prec = nd;
        return fmtE(neg, d, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > d.dp) prec = nd;
      return fmtF(neg, d, Math.max(prec - d.dp, 0));
    }
  }
}
