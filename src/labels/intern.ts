/**
 * One shared copy of strings that repeat across alerts, such as a rule's generator URL. V8
 * already shares JSON keys and JSON string values of up to 10 characters; a longer value gets a
 * fresh copy per occurrence (~56 bytes per alert for a typical generatorURL).
 *
 * The pool is bounded and emptied when full; values that never repeat then only cause an
 * occasional fresh start, after which common values are shared again. Label and annotation
 * values are not passed through it: in measurements most long ones were unique (instances,
 * ids, texts with values in them), and hashing them cost more than sharing the rest saved.
 */
const POOL_MAX = 65_536;
// Longer values rarely repeat, and hashing them costs more than a copy saves.
const VALUE_MAX_LENGTH = 128;
const pool = new Map<string, string>();

/** The shared copy of `value` (itself, the first time it is seen). */
export function intern(value: string): string {
  // V8 already shares JSON string values of up to 10 characters.
  if (value.length <= 10 || value.length > VALUE_MAX_LENGTH) return value;
  const shared = pool.get(value);
  if (shared !== undefined) return shared;
  if (pool.size >= POOL_MAX) pool.clear();
  pool.set(value, value);
  return value;
}
