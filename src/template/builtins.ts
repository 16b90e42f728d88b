// Go text/template's predefined functions (Go 1.19): and or not len index slice print printf
// println eq ne lt le gt ge html js urlquery call — with Go's error texts.

import type { TemplateFunc } from './exec.js';
import { queryEscape } from '../util/gourl.js';
import { evalArgsString, sprint, sprintf, sprintln } from './fmt.js';
import {
  assignable,
  canBeNil,
  FuncCallError,
  GoFunc,
  GoMap,
  GoSlice,
  isTrue,
  kindOf,
  numberOf,
  stringOf,
  T_ANY,
  T_REFLECT,
  T_STRING,
  typeOf,
  zeroOf,
  type GoValue,
} from './values.js';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function fail(message: string): never {
  throw new FuncCallError(message);
}

// --- comparison (Go's basicKind rules) --------------------------------------------------

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: GoValue): BasicKind {
  switch (kindOf(v)) {
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float64':
      return 'float';
    case 'string':
      return 'string';
    default:
      return 'invalid';
  }
}

const BAD_COMPARISON = 'incompatible types for comparison';
const BAD_COMPARISON_TYPE = 'invalid type for comparison';

function scalar(v: GoValue): string | number | boolean {
  switch (basicKind(v)) {
    case 'bool':
      return v as boolean;
    case 'string':
      return stringOf(v);
    default:
      return numberOf(v);
  }
}

/** Go's eq: arg1 == arg2 || arg1 == arg3 …; non-basic values compare by identity. */
function eq(arg1: GoValue, rest: readonly GoValue[]): boolean {
  if (rest.length === 0) fail('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth: boolean;
    if (k1 !== k2) {
      const valid1 = arg1 !== undefined && arg1 !== null;
      const valid2 = arg !== undefined && arg !== null;
      if (valid1 && valid2) fail(BAD_COMPARISON);
      truth = false;
    } else if (k1 === 'invalid') {
      const nil1 = arg1 === undefined || arg1 === null;
      const nil2 = arg === undefined || arg === null;
      if (nil1 || nil2) {
        truth = nil1 === nil2;
      } else {
        const t1 = typeOf(arg1);
        if (t1.kind === 'slice' || t1.kind === 'map' || t1.kind === 'func') {
          fail(`non-comparable type ${sprint([arg1])}: ${t1.name}`);
        }
        truth = arg1 === arg;
      }
    } else {
      truth = scalar(arg1) === scalar(arg);
    }
    if (truth) return true;
  }
  return false;
}

/** Go's lt. */
function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid') fail(BAD_COMPARISON_TYPE);
  const k2 = basicKind(b);
  if (k2 === 'invalid') fail(BAD_COMPARISON_TYPE);
  if (k1 !== k2) fail(BAD_COMPARISON);
  if (k1 === 'bool') fail(BAD_COMPARISON_TYPE);
  return scalar(a) < scalar(b);
}

// --- indexing ----------------------------------------------------------------------------

function indexArg(index: GoValue, cap: number): number {
  if (index === undefined || index === null) fail('cannot index slice/array with nil');
  if (kindOf(index) !== 'int') fail(`cannot index slice/array with type ${typeOf(index).name}`);
  const x = numberOf(index);
  if (x < 0 || x > cap) fail(`index out of range: ${x}`);
  return x;
}

function index(item: GoValue, indexes: readonly GoValue[]): GoValue {
  if (item === undefined || item === null) fail('index of untyped nil');
  for (const idx of indexes) {
    if (item === undefined || item === null) fail('index of nil pointer');
    const kind = kindOf(item);
    if (kind === 'slice') {
      const items: readonly GoValue[] = (item as GoSlice).items;
      const x = indexArg(idx, items.length);
      if (x === items.length) fail('reflect: slice index out of range');
      item = items[x];
    } else if (kind === 'string') {
      const bytes = utf8.encode(stringOf(item));
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) fail('reflect: string index out of range');
      item = bytes[x]!; // a byte (uint8), printed as a number
    } else if (kind === 'map') {
      const m = item as GoMap;
      let key = idx;
      if (key === undefined || key === null) fail(`value is nil; should be of type string`);
      if (!assignable(key, T_STRING) || kindOf(key) !== 'string') {
        fail(`value has type ${typeOf(key).name}; should be string`);
      }
      const k = stringOf(key);
      item = m.entries.has(k) ? m.entries.get(k) : zeroOf(m.type.elem ?? T_ANY);
      if (item === null) item = undefined;
    } else {
      fail(`can't index item of type ${typeOf(item).name}`);
    }
  }
  return item;
}

function slice(item: GoValue, indexes: readonly GoValue[]): GoValue {
  if (item === undefined || item === null) fail('slice of untyped nil');
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(item);
  let length: number;
  if (kind === 'string') {
    if (indexes.length === 3) fail('cannot 3-index slice a string');
    length = utf8.encode(stringOf(item)).length;
  } else if (kind === 'slice') {
    length = (item as GoSlice).items.length;
  } else {
    fail(`can't slice item of type ${typeOf(item).name}`);
  }
  const idx = [0, length, length];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, length);
  });
  if (idx[0]! > idx[1]!) fail(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) fail(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (kind === 'string') return utf8Decoder.decode(utf8.encode(stringOf(item)).subarray(idx[0], idx[1]));
  const s = item as GoSlice;
  return new GoSlice(s.type, s.items.slice(idx[0], idx[1]));
}

function length(item: GoValue): number {
  if (item === undefined || item === null) fail('len of untyped nil');
  switch (kindOf(item)) {
    case 'string':
      return utf8.encode(stringOf(item)).length;
    case 'slice':
      return (item as GoSlice).items.length;
    case 'map':
      return (item as GoMap).entries.size;
  }
  fail(`len of type ${typeOf(item).name}`);
}

// --- escaping ------------------------------------------------------------------------------

/** text/template's HTMLEscapeString. */
export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);
}
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** text/template's JSEscapeString. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80 || PRINTABLE.test(ch)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

// --- call ----------------------------------------------------------------------------------

function call(fn: GoValue, args: readonly GoValue[], env: Parameters<TemplateFunc['impl']>[1]): GoValue {
  if (fn === undefined || fn === null) fail('call of nil');
  if (!(fn instanceof GoFunc)) fail(`non-function of type ${typeOf(fn).name}`);
  const { params, variadic } = fn.spec;
  if (variadic) {
    if (args.length < params.length) fail(`wrong number of args: got ${args.length} want at least ${params.length}`);
  } else if (args.length !== params.length) {
    fail(`wrong number of args: got ${args.length} want ${params.length}`);
  }
  const argv = args.map((a, i) => {
    const t = i < params.length ? params[i]! : variadic!;
    if (a === undefined || a === null) {
      if (!canBeNil(t)) fail(`arg ${i}: value is nil; should be of type ${t.name}`);
      return zeroOf(t);
    }
    if (!assignable(a, t)) fail(`arg ${i}: value has type ${typeOf(a).name}; should be ${t.name}`);
    return a;
  });
  return fn.spec.impl(argv, env);
}

// --- the table ---------------------------------------------------------------------------

const R = T_REFLECT;

/** Go's builtin template functions. */
export const BUILTINS: ReadonlyMap<string, TemplateFunc> = new Map<string, TemplateFunc>([
  ['and', { params: [R], variadic: R, shortCircuit: 'and', impl: () => undefined }],
  ['or', { params: [R], variadic: R, shortCircuit: 'or', impl: () => undefined }],
  ['not', { params: [R], impl: (a) => !isTrue(a[0]).truth }],
  ['len', { params: [R], impl: (a) => length(a[0]) }],
  ['index', { params: [R], variadic: R, impl: (a) => index(a[0], a.slice(1)) }],
  ['slice', { params: [R], variadic: R, impl: (a) => slice(a[0], a.slice(1)) }],
  ['call', { params: [R], variadic: R, impl: (a, env) => call(a[0], a.slice(1), env) }],
  ['print', { params: [], variadic: T_ANY, impl: (a) => sprint(a) }],
  ['printf', { params: [T_STRING], variadic: T_ANY, impl: (a) => sprintf(a[0] as string, a.slice(1)) }],
  ['println', { params: [], variadic: T_ANY, impl: (a) => sprintln(a) }],
  ['eq', { params: [R], variadic: R, impl: (a) => eq(a[0], a.slice(1)) }],
  ['ne', { params: [R, R], impl: (a) => !eq(a[0], [a[1]]) }],
  ['lt', { params: [R, R], impl: (a) => lt(a[0], a[1]) }],
  ['le', { params: [R, R], impl: (a) => lt(a[0], a[1]) || eq(a[0], [a[1]]) }],
  ['gt', { params: [R, R], impl: (a) => !(lt(a[0], a[1]) || eq(a[0], [a[1]])) }],
  ['ge', { params: [R, R], impl: (a) => !lt(a[0], a[1]) }],
  ['html', { params: [], variadic: T_ANY, impl: (a) => htmlEscapeString(evalArgsString(a)) }],
  ['js', { params: [], variadic: T_ANY, impl: (a) => jsEscapeString(evalArgsString(a)) }],
  ['urlquery', { params: [], variadic: T_ANY, impl: (a) => queryEscape(evalArgsString(a)) }],
]);
