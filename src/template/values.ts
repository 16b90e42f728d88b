// A small model of Go values, enough for templates to behave as they do under Go's reflect:
// named types (template.KV, template.Alerts, time.Time), methods callable from templates,
// the difference between int and float64, and type names for error messages.
//
// JS ↔ Go:
//   undefined  → the invalid reflect.Value ("<no value>" when printed)
//   null       → a nil interface ("<nil>" inside fmt)
//   string     → string          boolean → bool
//   number     → int when integral, else float64 (GoFloat forces float64)
//   GoNamed    → a named scalar type (template.HTML, time.Duration, time.Month)
//   GoSlice / GoMap / GoStruct → slices, map[string]T, structs (optionally behind a pointer)
//   GoTime     → time.Time       GoFunc → a function value (for `call`)
// Plain JS arrays and objects are converted by `fromJs` to []interface {} and
// map[string]interface {}, so only what the data offers is reachable (no prototypes).

export type Kind = 'bool' | 'int' | 'float64' | 'string' | 'slice' | 'map' | 'struct' | 'func' | 'interface' | 'reflect';

export interface GoType {
  /** The type as Go's reflect prints it: `template.KV`, `[]string`, `map[string]interface {}`. */
  readonly name: string;
  readonly kind: Kind;
  /** Named types (declared with `type X …`) are only assignable to identical types or unnamed ones with the same underlying type. */
  readonly named: boolean;
  /** The underlying unnamed type's name (equals `name` for unnamed types). */
  readonly underlying: string;
  /** Element type of slices and maps. */
  readonly elem?: GoType;
  /** Struct field names in declaration order (exported fields only). */
  readonly fields?: readonly string[];
  /** JSON names of the fields (their `json:"…"` tags), for toJson. */
  readonly jsonNames?: readonly string[];
  /** Methods by name; each receives the receiver as `this` argument. */
  readonly methods?: ReadonlyMap<string, GoMethod>;
  /** The String() method, which fmt uses to print the value. */
  readonly stringer?: (v: GoValue) => string;
  /** GoStringer: what `%#v` prints (time.Time's `time.Date(…)`). */
  readonly goStringer?: (v: GoValue) => string;
}

/** A Go function or method signature plus its implementation. */
export interface GoFuncSpec {
  readonly params: readonly GoType[];
  /** Element type of a trailing variadic parameter. */
  readonly variadic?: GoType;
  /** Implementation; throws FuncCallError for Go's (value, error) results. */
  readonly impl: (args: GoValue[], env: CallEnv) => GoValue;
}

export interface GoMethod extends GoFuncSpec {
  readonly impl: (args: GoValue[], env: CallEnv, receiver?: GoValue) => GoValue;
  /**
   * For a Go method templates cannot call because it returns several values (time.Time's
   * Date, Clock, Zone…): how many. Calling it fails as in Go; `impl` is never run.
   */
  readonly results?: number;
}

/** What functions may read from the execution: the injected clock. */
export interface CallEnv {
  readonly nowMs: number;
}

/** A function's returned error: execution stops with `error calling <name>: <message>`. */
export class FuncCallError extends Error {}

/** Every non-primitive Go value carries its type. */
export abstract class GoBox {
  abstract readonly type: GoType;
}

export class GoFloat extends GoBox {
  readonly type: GoType = T_FLOAT64;
  constructor(readonly value: number) {
    super();
  }
}

export class GoNamed extends GoBox {
  constructor(
    readonly type: GoType,
    readonly value: string | number,
  ) {
    super();
  }
}

export class GoSlice extends GoBox {
  constructor(
    readonly type: GoType,
    readonly items: readonly GoValue[],
  ) {
    super();
  }
}

export class GoMap extends GoBox {
  constructor(
    readonly type: GoType,
    readonly entries: ReadonlyMap<string, GoValue>,
  ) {
    super();
  }
}

export class GoStruct extends GoBox {
  constructor(
    readonly type: GoType,
    readonly fields: ReadonlyMap<string, GoValue>,
    /** Held through a pointer (`*template.Data`): printed as `&{…}`, named `*T` in errors. */
    readonly pointer = false,
  ) {
    super();
  }
}

export class GoFunc extends GoBox {
  readonly type: GoType = T_FUNC;
  constructor(
    readonly name: string,
    readonly spec: GoFuncSpec,
  ) {
    super();
  }
}

export type GoValue =
  | undefined
  | null
  | string
  | boolean
  | number
  | GoFloat
  | GoNamed
  | GoSlice
  | GoMap
  | GoStruct
  | GoFunc
  | GoBox;

function basic(name: string, kind: Kind): GoType {
  return { name, kind, named: false, underlying: name };
}

export const T_STRING = basic('string', 'string');
export const T_BOOL = basic('bool', 'bool');
export const T_INT = basic('int', 'int');
export const T_FLOAT64 = basic('float64', 'float64');
/** interface{}: any value; an invalid one becomes nil. */
export const T_ANY = basic('interface {}', 'interface');
/** reflect.Value parameters of Go's builtins: anything, including the invalid value. */
export const T_REFLECT = basic('reflect.Value', 'reflect');
export const T_STRINGS: GoType = { ...basic('[]string', 'slice'), elem: T_STRING };
export const T_ANY_SLICE: GoType = { ...basic('[]interface {}', 'slice'), elem: T_ANY };
export const T_ANY_MAP: GoType = { ...basic('map[string]interface {}', 'map'), elem: T_ANY };
export const T_FUNC = basic('func', 'func');

/** The number inside an int/float value (named numeric types included). */
export function numberOf(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat) return v.value;
  if (v instanceof GoNamed && typeof v.value === 'number') return v.value;
  throw new Error('not a number');
}

/** The Go type of a (valid) value. */
export function typeOf(v: GoValue): GoType {
  if (v === undefined || v === null) return T_ANY;
  switch (typeof v) {
    case 'string':
      return T_STRING;
    case 'boolean':
      return T_BOOL;
    case 'number':
      return Number.isInteger(v) ? T_INT : T_FLOAT64;
  }
  if (v instanceof GoStruct && v.pointer) return { ...v.type, name: '*' + v.type.name, underlying: '*' + v.type.name };
  return v.type;
}

/** The reflect Kind used by truth, comparison and printing. */
export function kindOf(v: GoValue): Kind | 'invalid' {
  if (v === undefined || v === null) return 'invalid';
  return typeOf(v).kind;
}

/** The string inside a string-kind value (plain or named). */
export function stringOf(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoNamed && typeof v.value === 'string') return v.value;
  throw new Error('not a string');
}

/** Go's assignability for the value to a parameter of type `t` (interface params accept all). */
export function assignable(v: GoValue, t: GoType): boolean {
  if (t.kind === 'interface' || t.kind === 'reflect') return true;
  const vt = typeOf(v);
  if (vt.name === t.name) return true;
  return vt.underlying === t.underlying && (!vt.named || !t.named);
}

/** Whether an untyped nil may be assigned to the type (Go's canBeNil). */
export function canBeNil(t: GoType): boolean {
  return t.kind === 'slice' || t.kind === 'map' || t.kind === 'interface' || t.kind === 'func' || t.kind === 'reflect';
}

/** The zero value of a type, as Go's reflect.Zero. */
export function zeroOf(t: GoType): GoValue {
  switch (t.kind) {
    case 'string':
      return t.named ? new GoNamed(t, '') : '';
    case 'bool':
      return false;
    case 'int':
      return t.named ? new GoNamed(t, 0) : 0;
    case 'float64':
      return new GoFloat(0);
    case 'slice':
      return new GoSlice(t, []);
    case 'map':
      return new GoMap(t, new Map());
    case 'interface':
      return null;
    default:
      return undefined;
  }
}

/** Go's truth for if/with/and/or/not: not the zero value of its type. `ok` is false for values with no truth. */
export function isTrue(v: GoValue): { truth: boolean; ok: boolean } {
  if (v === undefined || v === null) return { truth: false, ok: true };
  switch (kindOf(v)) {
    case 'string':
      return { truth: stringOf(v).length > 0, ok: true };
    case 'bool':
      return { truth: v === true, ok: true };
    case 'int':
    case 'float64':
      return { truth: numberOf(v) !== 0, ok: true };
    case 'slice':
      return { truth: (v as GoSlice).items.length > 0, ok: true };
    case 'map':
      return { truth: (v as GoMap).entries.size > 0, ok: true };
    case 'struct':
      return { truth: true, ok: true };
    case 'func':
      return { truth: true, ok: true };
    default:
      return { truth: false, ok: false };
  }
}

const MAX_DEPTH = 64;

/**
 * Converts plain JS data into Go values: arrays → []interface {}, plain objects →
 * map[string]interface {} (own enumerable keys only), null → nil. Go values pass through.
 */
export function fromJs(v: unknown, depth = 0): GoValue {
  if (depth > MAX_DEPTH) throw new Error('template data nests too deeply');
  if (v === undefined || v === null) return v;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v instanceof GoBox) return v;
  if (Array.isArray(v)) return new GoSlice(T_ANY_SLICE, v.map((x) => fromJs(x, depth + 1)));
  if (v instanceof Map) {
    const m = new Map<string, GoValue>();
    for (const [k, x] of v) m.set(String(k), fromJs(x, depth + 1));
    return new GoMap(T_ANY_MAP, m);
  }
  const m = new Map<string, GoValue>();
  for (const k of Object.keys(v)) m.set(k, fromJs((v as Record<string, unknown>)[k], depth + 1));
  return new GoMap(T_ANY_MAP, m);
}

/** Builds a method table. */
export function methods(entries: Record<string, GoMethod>): ReadonlyMap<string, GoMethod> {
  return new Map(Object.entries(entries));
}
