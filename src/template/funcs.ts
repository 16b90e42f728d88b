// Alertmanager's template functions: those of 0.25 (toUpper toLower title join match
// reReplaceAll safeHtml stringSlice) and harmless later additions (trimSpace date tz since
// humanizeDuration urlUnescape toJson safeUrl). Regexes use RE2 (re2js) with Go's semantics.

import { RE2JS } from 're2js';
import type { TemplateFunc } from './exec.js';
import { duration, GoTime, loadLocation, subNs, T_DURATION, T_TIME } from './gotime.js';
import { formatGoFloat, parseGoFloat, StrconvError } from './strconv.js';
import {
  FuncCallError,
  GoFloat,
  GoMap,
  GoNamed,
  GoSlice,
  GoStruct,
  kindOf,
  numberOf,
  stringOf,
  T_ANY,
  T_STRING,
  T_STRINGS,
  typeOf,
  type GoType,
  type GoValue,
} from './values.js';
import { compareStrings } from '../labels/labels.js';

/** html/template's HTML type: content that is not escaped in HTML text. */
export const T_HTML: GoType = { name: 'template.HTML', kind: 'string', named: true, underlying: 'string' };
/** html/template's URL type: a URL trusted not to need filtering. */
export const T_URL: GoType = { name: 'template.URL', kind: 'string', named: true, underlying: 'string' };

// --- case mapping: Go maps one rune at a time (simple case mapping) ----------------------

function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    // Where the full mapping expands (ß → SS), Go's simple mapping keeps the rune.
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

/** strings.ToUpper. */
export function goToUpper(s: string): string {
  return mapRunes(s, (c) => c.toUpperCase());
}

/** strings.ToLower. */
export function goToLower(s: string): string {
  return mapRunes(s, (c) => (c === '\u0130' ? 'i' : c.toLowerCase()));
}

// Title-case forms that differ from the upper case (digraphs, ligatures, ß).
const TITLE_SPECIAL: Readonly<Record<string, string>> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
  ß: 'Ss',
  ﬀ: 'Ff',
  ﬁ: 'Fi',
  ﬂ: 'Fl',
  ﬃ: 'Ffi',
  ﬄ: 'Ffl',
  ﬅ: 'St',
  ﬆ: 'St',
};

function isCased(ch: string): boolean {
  return /\p{Lu}|\p{Ll}|\p{Lt}/u.test(ch) || ch.toUpperCase() !== ch.toLowerCase();
}
// Word-internal punctuation (Unicode word-break MidLetter/MidNumLet/Single_Quote).
function isMid(ch: string): boolean {
  return "'.:·’‘\u2024\uFE52\uFF07\uFF0E\u00B7\u0387\u05F4\u2027\uFE13\uFE55\uFF1A".includes(ch);
}
// What keeps a word going: letters of cased scripts, marks, digits, connector punctuation.
function continuesWord(ch: string): boolean {
  return /[\p{M}\p{Nd}\p{Pc}]/u.test(ch) || (/\p{L}/u.test(ch) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u.test(ch));
}

/**
 * cases.Title(language.AmericanEnglish): the first cased letter of each word in title case,
 * the rest of the word lowered; words break at spaces and most punctuation, not at `.` `'` `:`
 * between letters, `_` or digits.
 */
export function goTitle(s: string): string {
  let out = '';
  let midWord = false;
  let word = '';
  let wasMid = false;
  const flush = (): void => {
    out += word.toLowerCase();
    word = '';
  };
  for (const ch of s) {
    if (wasMid && isMid(ch)) midWord = false;
    const mid = isMid(ch);
    if (isCased(ch)) {
      if (!midWord) {
        flush();
        out += TITLE_SPECIAL[ch] ?? ch.toUpperCase();
        midWord = true;
      } else {
        word += ch;
      }
    } else {
      flush();
      out += ch;
      if (!mid && !continuesWord(ch)) midWord = false;
    }
    wasMid = mid;
  }
  flush();
  return out;
}

const SPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/g;

/** strings.TrimSpace (Go's unicode.IsSpace, which differs from JS trim around U+0085 and U+FEFF). */
export function goTrimSpace(s: string): string {
  return s.replace(SPACE, '');
}

// --- regular expressions ------------------------------------------------------------------

const regexCache = new Map<string, RE2JS>();

/** Compiles an RE2 pattern with Go's syntax; throws FuncCallError with Go's message. */
function compile(pattern: string, mustCompile: boolean): RE2JS {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    const msg = (e as Error).message;
    // regexp.MustCompile panics; text/template reports the panic's text.
    throw new FuncCallError(mustCompile ? `regexp: Compile(${goQuoteRegexp(pattern)}): ${msg}` : msg);
  }
  if (regexCache.size > 256) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

function goQuoteRegexp(s: string): string {
  // regexp.quote: strconv.CanBackquote ? `s` : strconv.Quote(s)
  return /[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s) ? JSON.stringify(s) : '`' + s + '`';
}

/** regexp.MatchString: an unanchored search. */
export function goMatch(pattern: string, s: string): boolean {
  return compile(pattern, false).matcher(s).find(0);
}

// Go's regexp.extract for a `$name` / `${name}` reference in a replacement template.
function extractRef(t: string): { name: string; num: number; rest: string } | undefined {
  let s = t;
  const brace = s.startsWith('{');
  if (brace) s = s.slice(1);
  const m = /^[\p{L}\p{Nd}_]+/u.exec(s);
  if (!m) return undefined;
  const name = m[0];
  let rest = s.slice(name.length);
  if (brace) {
    if (!rest.startsWith('}')) return undefined;
    rest = rest.slice(1);
  }
  let num = /^[0-9]+$/.test(name) && name.length <= 8 ? Number(name) : -1;
  if (name.length > 1 && name.startsWith('0')) num = -1;
  return { name, num, rest };
}

/** Go's Regexp.ReplaceAllString: `$1`, `${1}`, `$name` expand; `$$` is a dollar. */
export function goReplaceAll(pattern: string, repl: string, src: string): string {
  const re = compile(pattern, true);
  const names = re.namedGroups();
  const groups = re.groupCount();
  const m = re.matcher(src);
  const expand = (): string => {
    let out = '';
    let t = repl;
    for (;;) {
      const i = t.indexOf('$');
      if (i < 0) break;
      out += t.slice(0, i);
      t = t.slice(i + 1);
      if (t.startsWith('$')) {
        out += '$';
        t = t.slice(1);
        continue;
      }
      const ref = extractRef(t);
      if (!ref) {
        out += '$';
        continue;
      }
      t = ref.rest;
      const g = ref.num >= 0 ? ref.num : names[ref.name];
      if (g !== undefined && g <= groups && m.start(g) >= 0) out += m.group(g) ?? '';
    }
    return out + t;
  };
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    if (!m.find(searchPos)) break;
    const start = m.start(0);
    const end = m.end(0);
    out += src.slice(lastMatchEnd, start);
    // No replacement for an empty match right after the previous match.
    if (end > lastMatchEnd || start === 0) out += expand();
    lastMatchEnd = end;
    const width = searchPos < src.length ? String.fromCodePoint(src.codePointAt(searchPos)!).length : 0;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + src.slice(lastMatchEnd);
}

// --- URLs and JSON ----------------------------------------------------------------------

/** url.QueryUnescape. */
export function goQueryUnescape(s: string): string {
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new FuncCallError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else if (c === '+') {
      bytes.push(0x20);
      i++;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...utf8.encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

// encoding/json string escaping: HTML-sensitive characters and U+2028/9 as \u escapes.
function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** json.Marshal of a template value. */
export function goToJson(v: GoValue): string {
  if (v === undefined || v === null) return 'null';
  if (v instanceof GoTime) return JSON.stringify(v.format('2006-01-02T15:04:05.999999999Z07:00'));
  switch (kindOf(v)) {
    case 'string':
      return jsonString(stringOf(v));
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return String(numberOf(v));
    case 'float64': {
      const x = numberOf(v);
      if (!Number.isFinite(x)) throw new FuncCallError(`json: unsupported value: ${formatGoFloat(x, 'g', -1)}`);
      const abs = Math.abs(x);
      return abs !== 0 && (abs < 1e-6 || abs >= 1e21)
        ? formatGoFloat(x, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2')
        : formatGoFloat(x, 'f', -1);
    }
    case 'slice':
      return '[' + (v as GoSlice).items.map(goToJson).join(',') + ']';
    case 'map': {
      const m = v as GoMap;
      const keys = [...m.entries.keys()].sort(compareStrings);
      return '{' + keys.map((k) => jsonString(k) + ':' + goToJson(m.entries.get(k))).join(',') + '}';
    }
    case 'struct': {
      const s = v as GoStruct;
      const t = s.type;
      const names = t.fields ?? [];
      return (
        '{' +
        names.map((f, i) => jsonString(t.jsonNames?.[i] ?? f) + ':' + goToJson(s.fields.get(f))).join(',') +
        '}'
      );
    }
    default:
      throw new FuncCallError(`json: unsupported type: ${typeOf(v).name}`);
  }
}

// --- prometheus/common's HumanizeDuration ---------------------------------------------------

function toFloat(v: GoValue): number {
  if (v instanceof GoNamed && v.type.name === 'time.Duration') return Number(v.value) / 1e9;
  switch (kindOf(v)) {
    case 'float64':
    case 'int':
      if (v instanceof GoNamed) break;
      return numberOf(v);
    case 'string':
      if (v instanceof GoNamed) break;
      try {
        return parseGoFloat(stringOf(v));
      } catch (e) {
        if (e instanceof StrconvError) {
          throw new FuncCallError(`strconv.ParseFloat: parsing ${JSON.stringify(stringOf(v))}: ${e.message}`);
        }
        throw e;
      }
  }
  throw new FuncCallError(`can't convert ${v === undefined || v === null ? '<nil>' : typeOf(v).name} to float`);
}

/** Prometheus' humanizeDuration: seconds → `1d 2h 3m 4s`, `1.5s`, `150ms`. */
export function humanizeDuration(v: GoValue): string {
  let x = toFloat(v);
  const g4 = (n: number): string => formatGoFloat(n, 'g', 4);
  if (Number.isNaN(x) || !Number.isFinite(x)) return g4(x);
  if (x === 0) return g4(x) + 's';
  if (Math.abs(x) >= 1) {
    const sign = x < 0 ? '-' : '';
    x = Math.abs(x);
    const total = Math.trunc(x);
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(x)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return `${g4(x)}${prefix}s`;
}

// --- the table ---------------------------------------------------------------------------

const str = (v: GoValue): string => v as string;

/** Alertmanager's template functions (added on top of Go's builtins). */
export const ALERTMANAGER_FUNCS: ReadonlyMap<string, TemplateFunc> = new Map<string, TemplateFunc>([
  ['toUpper', { params: [T_STRING], impl: (a) => goToUpper(str(a[0])) }],
  ['toLower', { params: [T_STRING], impl: (a) => goToLower(str(a[0])) }],
  ['title', { params: [T_STRING], impl: (a) => goTitle(str(a[0])) }],
  ['trimSpace', { params: [T_STRING], impl: (a) => goTrimSpace(str(a[0])) }],
  // join takes the separator first so that `.Values | join ", "` reads well.
  ['join', { params: [T_STRING, T_STRINGS], impl: (a) => ((a[1] as GoSlice).items as string[]).join(str(a[0])) }],
  ['match', { params: [T_STRING, T_STRING], impl: (a) => goMatch(str(a[0]), str(a[1])) }],
  ['reReplaceAll', { params: [T_STRING, T_STRING, T_STRING], impl: (a) => goReplaceAll(str(a[0]), str(a[1]), str(a[2])) }],
  ['safeHtml', { params: [T_STRING], impl: (a) => new GoNamed(T_HTML, str(a[0])) }],
  ['safeUrl', { params: [T_STRING], impl: (a) => new GoNamed(T_URL, str(a[0])) }],
  ['urlUnescape', { params: [T_STRING], impl: (a) => goQueryUnescape(str(a[0])) }],
  ['stringSlice', { params: [], variadic: T_STRING, impl: (a) => new GoSlice(T_STRINGS, a as string[]) }],
  ['date', { params: [T_STRING, T_TIME], impl: (a) => (a[1] as GoTime).format(str(a[0])) }],
  ['tz', { params: [T_STRING, T_TIME], impl: (a) => (a[1] as GoTime).in(loadLocation(str(a[0]))) }],
  ['since', { params: [T_TIME], impl: (a, env) => duration(subNs(GoTime.fromMs(env.nowMs), a[0] as GoTime)) }],
  ['humanizeDuration', { params: [T_ANY], impl: (a) => humanizeDuration(a[0]) }],
  ['toJson', { params: [T_ANY], impl: (a) => goToJson(a[0]) }],
]);

