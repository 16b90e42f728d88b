/**
 * YAML text → a small positioned tree that behaves as Go's gopkg.in/yaml.v2 sees the document
 * (Alertmanager decodes its config with yaml.v2 UnmarshalStrict): YAML 1.1 plain-scalar typing
 * (`yes`/`no`/`on`/`off`/`y`/`n` are booleans), `<<` merge keys, aliases expanded, duplicate keys
 * refused, only the first document read. Every node keeps its 1-based line and column so each
 * later error can point at the spot.
 */
import { Alias, LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node as YamlNode, Pair, Document } from 'yaml';
import { ConfigError } from './errors.js';

export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** How yaml.v2 resolves a scalar; `str` also covers timestamps and other text. */
export type ScalarTag = 'null' | 'bool' | 'int' | 'float' | 'str';

export interface YScalar {
  readonly kind: 'scalar';
  readonly tag: ScalarTag;
  /** The scalar's text as Go sees it (`n.value`): what a Go string field receives. */
  readonly text: string;
  /** For `bool`, `int` (bigint) and `float`: the resolved value. */
  readonly value: boolean | bigint | number | null;
  readonly pos: Pos;
}

export interface YEntry {
  readonly key: YScalar;
  readonly value: YNode;
  /** Came in through a `<<` merge key (exempt from the duplicate-key check). */
  readonly merged: boolean;
}

export interface YMap {
  readonly kind: 'map';
  /** In document order, merged entries where the `<<` key stood; the last entry of a name wins. */
  readonly entries: readonly YEntry[];
  readonly pos: Pos;
}

export interface YSeq {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
  readonly pos: Pos;
}

export type YNode = YScalar | YMap | YSeq;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `route` + `group_by` → `route.group_by`; keys that are not identifiers are quoted: `headers["X-A"]`. */
export function joinKeyPath(path: string, key: string): string {
  if (!IDENT.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const INFS = new Map([
  ['.inf', Infinity], ['.Inf', Infinity], ['.INF', Infinity],
  ['+.inf', Infinity], ['+.Inf', Infinity], ['+.INF', Infinity],
  ['-.inf', -Infinity], ['-.Inf', -Infinity], ['-.INF', -Infinity],
  ['.nan', NaN], ['.NaN', NaN], ['.NAN', NaN],
]);
// Go's strconv.ParseInt(s, 0, 64) forms, after yaml.v2 dropped the underscores.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
// yaml.v2's yamlStyleFloat.
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function goIntValue(plain: string): bigint {
  const neg = plain.startsWith('-');
  let body = plain.replace(/^[-+]/, '');
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1); // Go's leading-zero octal
  const v = BigInt(body);
  return neg ? -v : v;
}

/** Resolves a plain (unquoted) scalar the way yaml.v2's resolve() does. */
export function resolvePlainScalar(text: string): { tag: ScalarTag; value: YScalar['value'] } {
  if (NULLS.has(text)) return { tag: 'null', value: null };
  if (TRUES.has(text)) return { tag: 'bool', value: true };
  if (FALSES.has(text)) return { tag: 'bool', value: false };
  const inf = INFS.get(text);
  if (inf !== undefined) return { tag: 'float', value: inf };
  if (!/^[-+0-9.]/.test(text)) return { tag: 'str', value: null };
  const plain = text.replace(/_/g, '');
  if (GO_INT.test(plain)) {
    const v = goIntValue(plain);
    if (v >= INT64_MIN && v <= UINT64_MAX) return { tag: 'int', value: v };
  }
  if (GO_FLOAT.test(plain)) return { tag: 'float', value: Number(plain) };
  return { tag: 'str', value: null };
}

const GO_TAGS: Readonly<Record<string, ScalarTag>> = {
  'tag:yaml.org,2002:str': 'str',
  'tag:yaml.org,2002:null': 'null',
  'tag:yaml.org,2002:bool': 'bool',
  'tag:yaml.org,2002:int': 'int',
  'tag:yaml.org,2002:float': 'float',
};

class TreeBuilder {
  private readonly memo = new Map<YamlNode, YNode>();
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  pos(offset: number | undefined): Pos {
    const p = this.lines.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  }

  fail(pos: Pos, path: string, problem: string, seen: string, wanted: string): never {
    throw new ConfigError({ file: this.file, line: pos.line, column: pos.column, keyPath: path, problem, seen, wanted });
  }

  /** Builds the node found at key path `path` (used in messages only). */
  node(n: unknown, fallback: Pos, path: string): YNode {
    if (n === null || n === undefined) return { kind: 'scalar', tag: 'null', text: '', value: null, pos: fallback };
    if (isAlias(n)) {
      const at = this.pos((n as Alias).range?.[0]);
      const target = (n as Alias).resolve(this.doc);
      if (!target) this.fail(at, path, 'alias refers to no anchor', `*${(n as Alias).source}`, 'an anchor defined earlier');
      return this.node(target, at, path);
    }
    const known = this.memo.get(n as YamlNode);
    if (known) return known;
    let built: YNode;
    if (isScalar(n)) {
      const pos = this.pos(n.range?.[0]);
      const text = String(n.value ?? '');
      const explicit = n.tag ? GO_TAGS[n.tag] : undefined;
      if (explicit !== undefined && explicit !== 'str') {
        // `!!bool "true"`: an explicit tag types even a quoted scalar, if the text fits it.
        const r = resolvePlainScalar(text);
        const fits = r.tag === explicit || (explicit === 'float' && r.tag === 'int');
        if (!fits) this.fail(pos, path, `cannot decode the text as !!${explicit}`, JSON.stringify(text), `a ${explicit} value`);
        built = { kind: 'scalar', tag: explicit, text, value: explicit === 'float' ? Number(r.value) : r.value, pos };
      } else if (n.type === 'PLAIN' && explicit === undefined) {
        const r = resolvePlainScalar(text);
        built = { kind: 'scalar', tag: r.tag, text, value: r.value, pos };
      } else {
        built = { kind: 'scalar', tag: 'str', text, value: null, pos };
      }
    } else if (isSeq(n)) {
      const pos = this.pos(n.range?.[0]);
      built = { kind: 'seq', items: n.items.map((it, i) => this.node(it, pos, `${path}[${i}]`)), pos };
    } else if (isMap(n)) {
      built = this.map(n.items as Pair[], this.pos(n.range?.[0]), path);
    } else {
      this.fail(fallback, path, 'unsupported YAML node', String(n), 'a mapping, a list or a scalar');
    }
    this.memo.set(n as YamlNode, built);
    return built;
  }

  private map(pairs: readonly Pair[], pos: Pos, path: string): YMap {
    const entries: YEntry[] = [];
    const explicit = new Map<string, Pos>();
    for (const pair of pairs) {
      const keyNode = this.node(pair.key, pos, path);
      if (keyNode.kind !== 'scalar') this.fail(keyNode.pos, path, 'mapping key is not text', keyNode.kind === 'map' ? 'a mapping' : 'a list', 'a plain key');
      const keyPath = joinKeyPath(path, keyNode.text);
      const value = this.node(pair.value, keyNode.pos, keyPath);
      const isMerge = keyNode.tag === 'str' && keyNode.text === '<<' && isScalar(pair.key) && pair.key.type === 'PLAIN';
      if (isMerge) {
        entries.push(...this.mergeEntries(value, path));
        continue;
      }
      const seenAt = explicit.get(keyNode.text);
      if (seenAt) {
        this.fail(keyNode.pos, keyPath, `key "${keyNode.text}" is set twice (first on line ${seenAt.line})`, JSON.stringify(keyNode.text), 'each key once per mapping');
      }
      explicit.set(keyNode.text, keyNode.pos);
      entries.push({ key: keyNode, value, merged: false });
    }
    return { kind: 'map', entries, pos };
  }

  // yaml.v2 merges a mapping, or a list of mappings with earlier ones taking precedence.
  private mergeEntries(value: YNode, path: string): YEntry[] {
    const asMerged = (m: YMap): YEntry[] => m.entries.map((e) => ({ ...e, merged: true }));
    const wanted = 'a mapping or a list of mappings';
    if (value.kind === 'map') return asMerged(value);
    if (value.kind === 'seq') {
      const out: YEntry[] = [];
      for (const item of [...value.items].reverse()) {
        if (item.kind !== 'map') this.fail(item.pos, joinKeyPath(path, '<<'), 'map merge needs mappings', describeNode(item), wanted);
        out.push(...asMerged(item));
      }
      return out;
    }
    return this.fail(value.pos, joinKeyPath(path, '<<'), 'map merge needs mappings', describeNode(value), wanted);
  }
}

/**
 * Parses `text` as yaml.v2 would; returns undefined for an empty document. Throws ConfigError
 * for YAML syntax errors (keyPath empty) and duplicate keys, with the line and column.
 */
export function parseYamlTree(text: string, file: string): YNode | undefined {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: false, // checked here, with Go's notion of a key and a better message
    schema: 'failsafe', // every scalar stays text; resolvePlainScalar types it as Go does
    version: '1.1',
    merge: false,
  });
  // Go's yaml.v2 reads the first document only.
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return undefined;
  const err = doc.errors[0];
  if (err) {
    const [line, column] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [undefined, undefined];
    const lineText = line !== undefined ? (text.split(/\r?\n/)[line - 1] ?? '') : '';
    throw new ConfigError({
      file,
      line,
      column,
      keyPath: '',
      problem: `YAML syntax error: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      seen: JSON.stringify(lineText.trim()),
      wanted: 'well-formed YAML',
    });
  }
  if (doc.contents === null) return undefined;
  return new TreeBuilder(doc, lines, file).node(doc.contents, { line: 1, column: 1 }, '');
}

/**
 * Short description of a node for error messages: a scalar's text quoted, a short list of
 * scalars written out, else its kind.
 */
export function describeNode(node: YNode | undefined): string {
  if (node === undefined) return 'nothing';
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') {
    const plain = node.items.every((i) => i.kind === 'scalar') ? JSON.stringify(toPlain(node)) : '';
    return plain !== '' && plain.length <= 80 ? plain : 'a list';
  }
  if (node.tag === 'null') return 'null';
  return JSON.stringify(node.text);
}

/**
 * The value each key of a mapping ends up with. yaml.v2 applies a merge where its `<<` stands, so
 * the last write wins, merged or not.
 */
export function mapValues(m: YMap): Map<string, YEntry> {
  const out = new Map<string, YEntry>();
  for (const e of m.entries) out.set(e.key.text, e);
  return out;
}

/**
 * Plain JavaScript value of a node with Go's string view of scalars (`1` → "1", `yes` → "yes",
 * null → null): what a Go field that unmarshals into a string would receive.
 */
export function toPlain(node: YNode): unknown {
  if (node.kind === 'scalar') return node.tag === 'null' ? null : node.text;
  if (node.kind === 'seq') return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, e] of mapValues(node)) out[k] = toPlain(e.value);
  return out;
}

/** The node at a relative key path like `times[0].start_time`, or the deepest one found on the way. */
export function nodeAtPath(root: YNode, relPath: string): YNode {
  let node = root;
  for (const part of relPath.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (part.startsWith('[') && node.kind === 'seq') {
      const next = node.items[Number(part.slice(1, -1))];
      if (!next) break;
      node = next;
    } else if (node.kind === 'map') {
      const e = mapValues(node).get(part);
      if (!e) break;
      node = e.value;
    } else {
      break;
    }
  }
  return node;
}
