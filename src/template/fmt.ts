// Go's fmt for template values: Sprint, Sprintln, Sprintf, and the `%v` rendering the
// template engine uses to print values (`[a b]`, `map[a:b]`, `{firing map[…] …}`).

import { goQuote } from '../util/goquote.js';
import { formatGoFloat } from './strconv.js';
import {
  GoMap,
  GoSlice,
  GoStruct,
  kindOf,
  numberOf,
  stringOf,
  typeOf,
  type GoType,
  type GoValue,
} from './values.js';
import { compareStrings } from '../labels/labels.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number | undefined;
  prec: number | undefined;
}

function noFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: undefined,
    prec: undefined,
  };
}

const utf8 = new TextEncoder();

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

class Printer {
  out = '';
  f: Flags = noFlags();
  private erroring = false;

  private writePadding(n: number, zero: boolean): void {
    if (n > 0) this.out += (zero ? '0' : ' ').repeat(n);
  }

  /** Writes s padded to the width, honouring the minus and zero flags. */
  pad(s: string): void {
    if (this.f.wid === undefined || this.f.wid === 0) {
      this.out += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width, this.f.zero);
      this.out += s;
    } else {
      this.out += s;
      this.writePadding(width, false);
    }
  }

  private padNoZero(s: string): void {
    const zero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = zero;
  }

  private truncate(s: string): string {
    if (this.f.prec === undefined) return s;
    return [...s].slice(0, this.f.prec).join('');
  }

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.pad(goQuote(s));
        else this.pad(this.truncate(s));
        return;
      case 's':
        this.pad(this.truncate(s));
        return;
      case 'x':
      case 'X':
        this.fmtHex(utf8.encode(this.truncate(s)), verb);
        return;
      case 'q': {
        // Go's fmtQ: truncate first; %#q backquotes what strconv.CanBackquote allows; %+q is ASCII-only.
        const t = this.truncate(s);
        this.pad(this.f.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff\ud800-\udfff]/u.test(t) ? '`' + t + '`' : goQuote(t, this.f.plus));
        return;
      }
      default:
        this.badVerb(verb, s);
    }
  }

  private fmtHex(bytes: Uint8Array, verb: string): void {
    const digits = verb === 'x' ? '0123456789abcdef' : '0123456789ABCDEF';
    let s = '';
    bytes.forEach((b, i) => {
      if (this.f.space && i > 0) s += ' ';
      if (this.f.sharp && (this.f.space || i === 0)) s += verb === 'x' ? '0x' : '0X';
      s += digits[b >> 4]! + digits[b & 15]!;
    });
    this.pad(s);
  }

  private fmtBool(b: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.pad(b ? 'true' : 'false');
    else this.badVerb(verb, b);
  }

  private fmtInteger(n: number, verb: string, value: GoValue): void {
    const neg = n < 0;
    const abs = Math.abs(n);
    let base = 10;
    let digits: string;
    switch (verb) {
      case 'v':
      case 'd':
        break;
      case 'b':
        base = 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'x':
      case 'X':
        base = 16;
        break;
      case 'c':
        this.pad(String.fromCodePoint(validRune(n)));
        return;
      case 'q':
        this.pad(quoteRune(validRune(n), this.f.plus));
        return;
      case 'U': {
        let s = 'U+' + abs.toString(16).toUpperCase().padStart(4, '0');
        if (this.f.sharp && n >= 0 && n <= 0x10ffff) s += ` '${String.fromCodePoint(n)}'`;
        this.padNoZero(s);
        return;
      }
      default:
        this.badVerb(verb, value);
        return;
    }
    digits = abs.toString(base);
    if (verb === 'X') digits = digits.toUpperCase();
    let prec = this.f.prec;
    if (prec === undefined && this.f.zero && this.f.wid !== undefined && !this.f.minus) {
      prec = this.f.wid;
      if (neg || this.f.plus || this.f.space) prec--;
    }
    if (prec !== undefined) {
      if (prec === 0 && n === 0) {
        this.padNoZero('');
        return;
      }
      digits = digits.padStart(prec, '0');
    }
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits;
      if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
      if (base === 16) digits = (verb === 'x' ? '0x' : '0X') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    const sign = neg ? '-' : this.f.plus ? '+' : this.f.space ? ' ' : '';
    this.padNoZero(sign + digits);
  }

  private fmtFloat(x: number, verb: string, value: GoValue): void {
    let fmtVerb: 'e' | 'E' | 'f' | 'g' | 'G';
    let prec: number;
    switch (verb) {
      case 'v':
        fmtVerb = 'g';
        prec = -1;
        break;
      case 'g':
      case 'G':
        fmtVerb = verb;
        prec = -1;
        break;
      case 'f':
      case 'F':
        fmtVerb = 'f';
        prec = 6;
        break;
      case 'e':
      case 'E':
        fmtVerb = verb;
        prec = 6;
        break;
      default:
        this.badVerb(verb, value);
        return;
    }
    if (this.f.prec !== undefined) prec = this.f.prec;
    let num = formatGoFloat(x, fmtVerb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.padNoZero(num);
      return;
    }
    if (this.f.sharp) num = sharpFloat(num, fmtVerb === 'g' || fmtVerb === 'G' ? (prec === -1 ? 6 : prec) : 0);
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && this.f.wid !== undefined && this.f.wid > num.length) {
        this.out += num[0];
        this.writePadding(this.f.wid - num.length, true);
        this.out += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  /** `%!verb(type=value)`, Go's report of a verb that does not fit the operand. */
  badVerb(verb: string, value: GoValue): void {
    this.erroring = true;
    this.out += '%!' + verb + '(';
    if (value === undefined || value === null) {
      this.out += '<nil>';
    } else {
      this.out += typeOf(value).name + '=';
      const saved = this.f;
      this.f = noFlags();
      this.printValue(value, 'v', 0);
      this.f = saved;
    }
    this.out += ')';
    this.erroring = false;
  }

  /** `%#v` of a map, slice or struct: Go syntax, `template.KV{"a":"b"}`, `T{Name:"x", …}`. */
  private goSyntax(v: GoValue, type: GoType, depth: number): void {
    if (type.goStringer) {
      this.out += type.goStringer(v);
      return;
    }
    const list = (items: readonly string[]): string => items.join(', ');
    const sub = (x: GoValue): string => {
      const p = new Printer();
      p.f.sharpV = true;
      p.printValue(x, 'v', depth + 1);
      return p.out;
    };
    switch (kindOf(v)) {
      case 'map': {
        const m = v as GoMap;
        const keys = [...m.entries.keys()].sort(compareStrings);
        this.out += `${type.name}{${list(keys.map((k) => `${sub(k)}:${sub(m.entries.get(k))}`))}}`;
        return;
      }
      case 'slice':
        this.out += `${type.name}{${list((v as GoSlice).items.map(sub))}}`;
        return;
      default: {
        const s = v as GoStruct;
        if (s instanceof GoStruct && s.pointer) {
          if (depth > 0) {
            this.out += `(${type.name})(0xc000010000)`;
            return;
          }
          this.out += '&';
        }
        const name = type.name.replace(/^\*/, '');
        const fields = (type.fields ?? []).map((f: string) => `${f}:${sub(s instanceof GoStruct ? s.fields.get(f) : undefined)}`);
        this.out += `${name}{${list(fields)}}`;
      }
    }
  }

  /** Go's printArg/printValue: formats one operand for a verb. */
  printValue(v: GoValue, verb: string, depth: number): void {
    if (v === undefined || v === null) {
      if (verb === 'v' || verb === 'T') this.padNoZero('<nil>');
      else this.badVerb(verb, v);
      return;
    }
    if (verb === 'T') {
      this.fmtString(typeOf(v).name, 's');
      return;
    }
    const type = typeOf(v);
    // Stringer: time.Time, time.Duration, time.Month print through String().
    if (!this.erroring && type.stringer && !this.f.sharpV && 'vsxXq'.includes(verb)) {
      this.fmtString(type.stringer(v), verb);
      return;
    }
    if (this.f.sharpV && verb === 'v' && (kindOf(v) === 'map' || kindOf(v) === 'slice' || kindOf(v) === 'struct')) {
      this.goSyntax(v, type, depth);
      return;
    }
    switch (kindOf(v)) {
      case 'bool':
        this.fmtBool(v as boolean, verb);
        return;
      case 'int':
        this.fmtInteger(numberOf(v), verb, v);
        return;
      case 'float64':
        this.fmtFloat(numberOf(v), verb, v);
        return;
      case 'string':
        this.fmtString(stringOf(v), verb);
        return;
      case 'map': {
        const m = v as GoMap;
        this.out += 'map[';
        const keys = [...m.entries.keys()].sort(compareStrings);
        keys.forEach((k, i) => {
          if (i > 0) this.out += ' ';
          this.printValue(k, verb, depth + 1);
          this.out += ':';
          this.printValue(m.entries.get(k), verb, depth + 1);
        });
        this.out += ']';
        return;
      }
      case 'struct': {
        const s = v as GoStruct;
        if (s instanceof GoStruct && s.pointer) {
          if (depth > 0) {
            this.out += '0xc000010000';
            return;
          }
          this.out += '&';
        }
        this.out += '{';
        const names = type.fields ?? [];
        names.forEach((name, i) => {
          if (i > 0) this.out += ' ';
          if (this.f.plusV || this.f.sharpV) this.out += name + ':';
          this.printValue(s instanceof GoStruct ? s.fields.get(name) : undefined, verb, depth + 1);
        });
        this.out += '}';
        return;
      }
      case 'slice': {
        const items = (v as GoSlice).items;
        this.out += '[';
        items.forEach((item, i) => {
          if (i > 0) this.out += ' ';
          this.printValue(item, verb, depth + 1);
        });
        this.out += ']';
        return;
      }
      case 'func':
        this.out += '0x4a5b60';
        return;
      default:
        this.badVerb(verb, v);
    }
  }
}

function validRune(n: number): number {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? n : 0xfffd;
}

/**
 * Go's `#` flag on a formatted float (sign first): always a decimal point, and for %g the
 * trailing zeros kept up to `digits` significant digits (`%#g` of 1.0 is 1.00000).
 */
function sharpFloat(num: string, digits: number): string {
  const exp = num.search(/[eE]/);
  let mant = exp < 0 ? num : num.slice(0, exp);
  const tail = exp < 0 ? '' : num.slice(exp);
  let sawNonzero = false;
  for (const c of mant.slice(1)) {
    if (c === '.') continue;
    if (c !== '0') sawNonzero = true;
    if (sawNonzero) digits--;
  }
  if (!mant.includes('.')) {
    // A lone leading 0 counts once.
    if (mant.length === 2 && mant[1] === '0') digits--;
    mant += '.';
  }
  return mant + '0'.repeat(Math.max(0, digits)) + tail;
}

function quoteRune(r: number, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(r);
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const q = goQuote(ch, asciiOnly);
  return "'" + q.slice(1, -1) + "'";
}

/** Whether fmt treats the operand as a string (Sprint puts no space next to strings). */
function isStringOperand(v: GoValue): boolean {
  return v !== undefined && v !== null && kindOf(v) === 'string';
}

/** Go's fmt.Sprint. */
export function sprint(args: readonly GoValue[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = isStringOperand(arg);
    if (i > 0 && !isString && !prevString) p.out += ' ';
    p.printValue(arg, 'v', 0);
    prevString = isString;
  });
  return p.out;
}

/** Go's fmt.Sprintln. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.out += ' ';
    p.printValue(arg, 'v', 0);
  });
  return p.out + '\n';
}

/** Go's fmt.Sprintf, including its in-band error reports (`%!d(string=x)`, `%!s(MISSING)`). */
export function sprintf(format: string, args: readonly GoValue[]): string {
  const p = new Printer();
  let argNum = 0;
  let reordered = false;
  let afterIndex = false;
  let goodArgNum = true;
  const end = format.length;

  // `[n]` explicit argument index.
  const argNumber = (i: number): { i: number } => {
    if (format[i] !== '[') return { i };
    reordered = true;
    const close = format.indexOf(']', i);
    if (close < 0) {
      goodArgNum = false;
      return { i: end };
    }
    const n = Number(format.slice(i + 1, close));
    if (!/^\d+$/.test(format.slice(i + 1, close)) || n < 1 || n > args.length) {
      goodArgNum = false;
      return { i: close + 1 };
    }
    argNum = n - 1;
    afterIndex = true;
    return { i: close + 1 };
  };
  const intArg = (): number | undefined => {
    if (argNum >= args.length) return undefined;
    const a = args[argNum++];
    return kindOf(a) === 'int' ? numberOf(a) : undefined;
  };

  let i = 0;
  while (i < end) {
    goodArgNum = true;
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      p.out += format.slice(i);
      break;
    }
    p.out += format.slice(i, pct);
    i = pct + 1;
    p.f = noFlags();
    // Flags.
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') p.f.sharp = true;
      else if (c === '0') p.f.zero = !p.f.minus;
      else if (c === '+') p.f.plus = true;
      else if (c === '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c === ' ') p.f.space = true;
      else break;
    }
    // Width.
    ({ i } = argNumber(i));
    afterIndex = false;
    if (format[i] === '*') {
      i++;
      const w = intArg();
      if (w === undefined) p.out += '%!(BADWIDTH)';
      else if (w < 0) {
        p.f.minus = true;
        p.f.zero = false;
        p.f.wid = -w;
      } else p.f.wid = w;
      afterIndex = false;
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        if (afterIndex) goodArgNum = false;
        p.f.wid = Number(m[0]);
        i += m[0].length;
      }
    }
    // Precision.
    if (format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      ({ i } = argNumber(i));
      if (format[i] === '*') {
        i++;
        const pr = intArg();
        if (pr === undefined || pr < 0) {
          p.f.prec = undefined;
          p.out += '%!(BADPREC)';
        } else p.f.prec = pr;
        afterIndex = false;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        p.f.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (!afterIndex) ({ i } = argNumber(i));
    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      p.out += '%';
      continue;
    }
    if (!goodArgNum) {
      p.out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      p.out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      p.f.sharpV = p.f.sharp;
      p.f.sharp = false;
      p.f.plusV = p.f.plus;
      p.f.plus = false;
    }
    p.printValue(args[argNum++], verb, 0);
  }
  if (!reordered && argNum < args.length) {
    p.f = noFlags();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((a, k) => {
      if (k > 0) p.out += ', ';
      if (a === undefined || a === null) p.out += '<nil>';
      else {
        p.out += typeOf(a).name + '=';
        p.printValue(a, 'v', 0);
      }
    });
    p.out += ')';
  }
  return p.out;
}

/** Go's printableValue: a pointer prints as what it points to. */
export function printable(v: GoValue): GoValue {
  return v instanceof GoStruct && v.pointer ? new GoStruct(v.type, v.fields, false) : v;
}

/** Go's evalArgs: the text of the arguments as fmt.Sprint prints them (one string stays as is). */
export function evalArgsString(args: readonly GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map(printable));
}
