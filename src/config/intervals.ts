/**
 * `time_intervals` and the legacy `mute_time_intervals`: named lists of time intervals, each
 * element parsed by timeinterval/, names unique across both sections.
 */
import { TimeIntervalError, parseTimeInterval, type TimeInterval } from '../timeinterval/timeinterval.js';
import { Cursor } from './cursor.js';
import { joinKeyPath, nodeAtPath, toPlain } from './yamltree.js';

function relativePath(keyPath: readonly (string | number)[]): string {
  return keyPath.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : joinKeyPath(p, k)), '');
}

function readInterval(c: Cursor): TimeInterval {
  try {
    // Go decodes these fields through strings, so scalars are handed over as their text.
    return parseTimeInterval(c.node === undefined ? null : toPlain(c.node));
  } catch (err) {
    if (!(err instanceof TimeIntervalError) || c.node === undefined) throw err;
    const rel = relativePath(err.keyPath);
    const at = new Cursor(nodeAtPath(c.node, rel), rel === '' ? c.path : c.path + (rel.startsWith('[') ? '' : '.') + rel, c.file, c.pos);
    return at.failWith(err);
  }
}

/**
 * Reads one of the two sections into `into` (name → intervals). `section` is the YAML key, used
 * in messages; a name already present (from either section) is refused.
 */
export function readNamedIntervals(c: Cursor, section: 'time_intervals' | 'mute_time_intervals', into: Map<string, readonly TimeInterval[]>): void {
  const what = section === 'time_intervals' ? 'time interval' : 'mute time interval';
  for (const item of c.list() ?? []) {
    const f = item.fields(['name', 'time_intervals'] as const, what);
    if (!f) return item.fail(`empty ${what}`, 'a mapping with name and time_intervals');
    const name = f.name.text();
    if (name === undefined) return f.name.fail(`missing name in ${what}`, 'a name routes can refer to');
    if (into.has(name)) return f.name.fail(`${what} "${name}" is not unique`, 'each time interval name once across time_intervals and mute_time_intervals');
    into.set(name, Object.freeze((f.time_intervals.list() ?? []).map(readInterval)));
  }
}
