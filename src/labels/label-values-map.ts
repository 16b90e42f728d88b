/**
 * A map keyed by the values a label set has for a fixed list of label names, held as nested
 * Maps (one level per name). Looking up an alert's group or routing answer then costs one Map
 * lookup per name on strings whose hashes V8 caches, where a composite string key would be
 * built and hashed afresh for every alert.
 */
import type { Labels } from './labels.js';

type Level<V> = Map<string | undefined, Level<V> | V>;

export interface LabelValuesMapOptions {
  /**
   * The key part of a label the set lacks: `''` when absent must equal empty (as matchers read
   * labels), `undefined` when absent and empty differ (as group labels do).
   */
  readonly absentAs: '' | undefined;
}

export class LabelValuesMap<V> {
  readonly names: readonly string[];
  readonly #absentAs: '' | undefined;
  readonly #root: Level<V> = new Map();
  #size = 0;

  constructor(names: readonly string[], options: LabelValuesMapOptions) {
    this.names = names;
    this.#absentAs = options.absentAs;
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** The entry for the values `labels` has for the names, if any. */
  get(labels: Labels): V | undefined {
    let level: Level<V> | undefined = this.#root;
    const last = this.names.length - 1;
    for (let i = 0; i < last; i++) {
      level = level.get(this.#value(labels, i)) as Level<V> | undefined;
      if (level === undefined) return undefined;
    }
    return level.get(last < 0 ? undefined : this.#value(labels, last)) as V | undefined;
  }

  /** Sets the entry for the values `labels` has for the names. */
  set(labels: Labels, value: V): void {
    let level = this.#root;
    const last = this.names.length - 1;
    for (let i = 0; i < last; i++) {
      const key = this.#value(labels, i);
      let next = level.get(key) as Level<V> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    const key = last < 0 ? undefined : this.#value(labels, last);
    if (!level.has(key)) this.#size++;
    level.set(key, value);
  }

  /** Removes the entry for the values `labels` has, dropping levels left empty; whether there was one. */
  delete(labels: Labels): boolean {
    const path: Level<V>[] = [this.#root];
    const keys: (string | undefined)[] = [];
    for (let i = 0; i < this.names.length; i++) keys.push(this.#value(labels, i));
    for (let i = 0; i < keys.length - 1; i++) {
      const next = path[i]!.get(keys[i]) as Level<V> | undefined;
      if (next === undefined) return false;
      path.push(next);
    }
    const lastKey = keys.length === 0 ? undefined : keys[keys.length - 1];
    if (!path[path.length - 1]!.delete(lastKey)) return false;
    this.#size--;
    for (let i = path.length - 1; i > 0 && path[i]!.size === 0; i--) path[i - 1]!.delete(keys[i - 1]);
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.#root.clear();
    this.#size = 0;
  }

  /** Every entry's value, in no particular order. */
  *values(): IterableIterator<V> {
    yield* this.#leaves(this.#root, this.names.length);
  }

  *#leaves(level: Level<V>, depth: number): IterableIterator<V> {
    if (depth <= 1) {
      yield* level.values() as IterableIterator<V>;
      return;
    }
    for (const next of level.values()) yield* this.#leaves(next as Level<V>, depth - 1);
  }

  #value(labels: Labels, i: number): string | undefined {
    const name = this.names[i]!;
    // hasOwn: a label set is a plain object, and `labels.constructor` must not read as a value.
    return Object.hasOwn(labels, name) ? labels[name] : this.#absentAs;
  }
}
