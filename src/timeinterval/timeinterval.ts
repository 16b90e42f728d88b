/**
 * Alertmanager time intervals (`time_intervals` and legacy `mute_time_intervals`): parse one
 * interval object from parsed YAML, and decide whether an instant falls inside it.
 *
 * Semantics follow Alertmanager 0.25's timeinterval package, learned from its behaviour and
 * docs; the one deliberate difference is `daysInMonth`, which is computed on the calendar
 * (0.25 derived it from elapsed hours, so a spring-forward month came out one day short —
 * fixed upstream later; see the test "days_of_month -1 is March 31 in Europe/Berlin").
 */
import { DateTime } from 'luxon';
import { AlertrouterError } from '../util/errors.js';

/** Inclusive on both ends. */
export interface InclusiveRange {
  readonly begin: number;
  readonly end: number;
}

/** Minutes since local midnight, start inclusive, end exclusive (end may be 1440 = 24:00). */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/**
 * One parsed time interval. A field that is undefined matches any instant; a field that is
 * present (even empty, as Alertmanager does for `weekdays: []`) must have a range that matches.
 */
export interface TimeInterval {
  readonly times?: readonly TimeRange[];
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekdays?: readonly InclusiveRange[];
  /** 1-based; negative counts from the month's end (-1 = last day). */
  readonly daysOfMonth?: readonly InclusiveRange[];
  /** 1 = January; Alertmanager does not range-check numbers, so 0 or 13 parse and never match. */
  readonly months?: readonly InclusiveRange[];
  readonly years?: readonly InclusiveRange[];
  /** IANA zone name, 'UTC' (the default) or 'Local' (the process' zone). */
  readonly location: string;
}

/** A time interval that Alertmanager would refuse; `keyPath` points inside the interval object. */
export class TimeIntervalError extends AlertrouterError {
  readonly keyPath: readonly (string | number)[];
  constructor(keyPath: readonly (string | number)[], message: string, options?: { cause?: unknown }) {
    super('bad_time_interval', message, options);
    this.keyPath = Object.freeze([...keyPath]);
  }
}

type KeyPath = readonly (string | number)[];

const FIELDS = ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location'] as const;
const TIME_RANGE_FIELDS = ['start_time', 'end_time'] as const;

const WEEKDAYS: ReadonlyMap<string, number> = new Map(
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d, i) => [d, i]),
);
const MONTHS: ReadonlyMap<string, number> = new Map(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].map(
    (m, i) => [m, i + 1],
  ),
);

// HH:MM from 00:00 to 23:59, or exactly 24:00 (two-digit hours and minutes, nothing around them).
const TIME_RE = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
// Go's strconv.Atoi: optional sign, decimal digits, within int64.
const INT_RE = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses one element of a named time interval's `time_intervals:` list (parsed YAML) into a
 * frozen TimeInterval, refusing exactly what Alertmanager 0.25 refuses; throws TimeIntervalError.
 */
export function parseTimeInterval(raw: unknown): TimeInterval {
  // A null element decodes to the zero interval in Alertmanager: it matches every instant.
  if (raw === null || raw === undefined) return Object.freeze({ location: 'UTC' });
  if (!isPlainObject(raw)) {
    throw new TimeIntervalError([], `a time interval must be a mapping (got ${describe(raw)})`);
  }
  rejectUnknownKeys(raw, FIELDS, []);
  const interval: {
    times?: readonly TimeRange[];
    weekdays?: readonly InclusiveRange[];
    daysOfMonth?: readonly InclusiveRange[];
    months?: readonly InclusiveRange[];
    years?: readonly InclusiveRange[];
    location: string;
  } = { location: parseLocation(raw['location']) };
  const times = parseList(raw, 'times', parseTimeRange, ZERO_TIME_RANGE);
  if (times) interval.times = times;
  const weekdays = parseList(raw, 'weekdays', parseWeekdayRange, ZERO_RANGE);
  if (weekdays) interval.weekdays = weekdays;
  const daysOfMonth = parseList(raw, 'days_of_month', parseDayOfMonthRange, ZERO_RANGE);
  if (daysOfMonth) interval.daysOfMonth = daysOfMonth;
  const months = parseList(raw, 'months', parseMonthRange, ZERO_RANGE);
  if (months) interval.months = months;
  const years = parseList(raw, 'years', parseYearRange, ZERO_RANGE);
  if (years) interval.years = years;
  return Object.freeze(interval);
}

/** True when the instant `atMs` (Unix ms) satisfies every field of `interval`, in its location. */
export function intervalContains(interval: TimeInterval, atMs: number): boolean {
  const t = DateTime.fromMillis(atMs, { zone: luxonZone(interval.location) });
  if (interval.times) {
    const minute = t.hour * 60 + t.minute;
    if (!interval.times.some((r) => minute >= r.startMinute && minute < r.endMinute)) return false;
  }
  if (interval.daysOfMonth) {
    const daysInMonth = t.daysInMonth ?? 31;
    if (!interval.daysOfMonth.some((r) => dayOfMonthMatches(r, t.day, daysInMonth))) return false;
  }
  if (interval.months && !interval.months.some((r) => inRange(r, t.month))) return false;
  // luxon numbers weekdays 1 = Monday … 7 = Sunday; Alertmanager 0 = Sunday.
  if (interval.weekdays && !interval.weekdays.some((r) => inRange(r, t.weekday % 7))) return false;
  if (interval.years && !interval.years.some((r) => inRange(r, t.year))) return false;
  return true;
}

/** True when any of `intervals` contains `atMs` (how a named time interval is evaluated). */
export function anyIntervalContains(intervals: readonly TimeInterval[], atMs: number): boolean {
  return intervals.some((interval) => intervalContains(interval, atMs));
}

function inRange(r: InclusiveRange, n: number): boolean {
  return n >= r.begin && n <= r.end;
}

// Negative days count back from the month's end; a range starting after the month's last day
// is skipped, and the ends are clamped to the month so `1:31` covers all of February.
function dayOfMonthMatches(r: InclusiveRange, day: number, daysInMonth: number): boolean {
  const begin = r.begin < 0 ? daysInMonth + r.begin + 1 : r.begin;
  const end = r.end < 0 ? daysInMonth + r.end + 1 : r.end;
  if (begin > daysInMonth) return false;
  return day >= clamp(begin, -daysInMonth, daysInMonth) && day <= clamp(end, -daysInMonth, daysInMonth);
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}

function luxonZone(location: string): string {
  if (location === 'Local') return 'local';
  if (location === 'UTC') return 'utc';
  return location;
}

// --- parsing helpers ---------------------------------------------------------------------

// A null list element is never validated by Alertmanager: yaml.v2 leaves Go's zero value
// there ({0, 0}: 00:00-00:00 matches nothing, weekday 0 is Sunday, day/month 0 never match).
// We keep the same zero so such configs load and behave identically.
const ZERO_TIME_RANGE: TimeRange = Object.freeze({ startMinute: 0, endMinute: 0 });
const ZERO_RANGE: InclusiveRange = Object.freeze({ begin: 0, end: 0 });

function parseList<T>(
  obj: Record<string, unknown>,
  key: string,
  parseItem: (item: unknown, path: KeyPath) => T,
  zero: T,
): readonly T[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new TimeIntervalError([key], `${key} must be a list (got ${describe(value)})`);
  }
  return Object.freeze(value.map((item, i) => (item === null ? zero : Object.freeze(parseItem(item, [key, i])))));
}

function parseTimeRange(item: unknown, path: KeyPath): TimeRange {
  if (!isPlainObject(item)) {
    throw new TimeIntervalError(path, `time range must be a mapping with start_time and end_time (got ${describe(item)})`);
  }
  rejectUnknownKeys(item, TIME_RANGE_FIELDS, path);
  const start = scalarText(item['start_time'], [...path, 'start_time'], 'start_time') ?? '';
  const end = scalarText(item['end_time'], [...path, 'end_time'], 'end_time') ?? '';
  if (start === '' || end === '') {
    const missing = start === '' && end === '' ? path : [...path, start === '' ? 'start_time' : 'end_time'];
    throw new TimeIntervalError(missing, `time range needs both start_time and end_time (got start_time ${JSON.stringify(start)}, end_time ${JSON.stringify(end)})`);
  }
  const startMinute = parseClock(start, [...path, 'start_time'], 'start_time');
  const endMinute = parseClock(end, [...path, 'end_time'], 'end_time');
  if (startMinute >= endMinute) {
    throw new TimeIntervalError(
      [...path, 'end_time'],
      `end_time "${end}" must be after start_time "${start}" (ranges within one day; use 24:00 for midnight)`,
    );
  }
  return { startMinute, endMinute };
}

function parseClock(text: string, path: KeyPath, field: string): number {
  if (!TIME_RE.test(text)) {
    throw new TimeIntervalError(path, `${field} "${text}" is not a valid time (want HH:MM between 00:00 and 24:00)`);
  }
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

function parseWeekdayRange(item: unknown, path: KeyPath): InclusiveRange {
  const r = parseRange(item, path, 'weekday', (member) => WEEKDAYS.get(member), 'a day name like "monday"');
  if (r.begin > r.end) {
    throw new TimeIntervalError(path, `weekday range "${text(item)}" ends before it starts (want start:end within sunday:saturday)`);
  }
  return r;
}

function parseDayOfMonthRange(item: unknown, path: KeyPath): InclusiveRange {
  const r = parseRange(item, path, 'day of month', parseInt64, 'a day number like 1 or -1');
  for (const n of [r.begin, r.end]) {
    if (n === 0 || n < -31 || n > 31) {
      throw new TimeIntervalError(path, `day of month ${n} in "${text(item)}" is out of range (want 1 to 31, or -31 to -1 counting from the month's end)`);
    }
  }
  if (r.begin < 0 && r.end > 0) {
    throw new TimeIntervalError(path, `day of month range "${text(item)}" starts counting from the month's end but ends counting from its start (want the end negative too)`);
  }
  // Negative days move with the month's length; refuse only ranges empty in every month,
  // judged on the shortest month (28 days), as Alertmanager does.
  const shortBegin = r.begin < 0 ? 28 + r.begin : r.begin;
  const shortEnd = r.end < 0 ? 28 + r.end : r.end;
  if (shortBegin > shortEnd) {
    throw new TimeIntervalError(path, `day of month range "${text(item)}" always ends before it starts (want start:end with start no later than end in a 28-day month)`);
  }
  return r;
}

function parseMonthRange(item: unknown, path: KeyPath): InclusiveRange {
  const r = parseRange(item, path, 'month', (m) => MONTHS.get(m) ?? parseInt64(m), 'a month name like "january" or a number');
  if (r.begin > r.end) {
    throw new TimeIntervalError(path, `month range "${text(item)}" ends before it starts (want start:end within january:december)`);
  }
  return r;
}

function parseYearRange(item: unknown, path: KeyPath): InclusiveRange {
  const r = parseRange(item, path, 'year', parseInt64, 'a year like 2024');
  if (r.begin > r.end) {
    throw new TimeIntervalError(path, `year range "${text(item)}" ends before it starts (want start:end with start no later than end)`);
  }
  return r;
}

/** `member` or `start:end`, compared case-insensitively. */
function parseRange(
  item: unknown,
  path: KeyPath,
  what: string,
  member: (text: string) => number | undefined,
  want: string,
): InclusiveRange {
  const raw = scalarText(item, path, what) ?? '';
  const parts = raw.toLowerCase().split(':');
  if (parts.length > 2) {
    throw new TimeIntervalError(path, `${what} range "${raw}" has more than one ":" (want ${want}, or start:end)`);
  }
  const values = parts.map((p) => {
    const v = member(p);
    if (v === undefined) {
      const seen = parts.length === 1 ? `"${raw}"` : `"${p}" in range "${raw}"`;
      throw new TimeIntervalError(path, `${what} ${seen} is not valid (want ${want}, or start:end)`);
    }
    return v;
  });
  return { begin: values[0]!, end: values[values.length - 1]! };
}

function parseInt64(s: string): number | undefined {
  if (!INT_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : Number(n);
}

function parseLocation(value: unknown): string {
  if (value === undefined || value === null) return 'UTC';
  const name = scalarText(value, ['location'], 'location') ?? '';
  // Go's time.LoadLocation: "" and "UTC" are UTC, "Local" is the process' zone, anything else
  // a case-sensitive tz database name.
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return 'Local';
  if (!isKnownZone(name)) {
    throw new TimeIntervalError(['location'], `location "${name}" is not a known time zone (want an IANA name like "Europe/Berlin", or "UTC" or "Local"; names are case-sensitive)`);
  }
  return name;
}

// Intl accepts zone names case-insensitively, but Go opens the tz database file by its exact
// name. A name whose canonical form differs only in case is refused. Aliases resolve to another
// name, so for them we check the spelling rules tz database names follow: every segment starts
// with a capital, and the only all-capital words are these (collected from tzdata 2025b).
// This refuses "us/eastern", "US/EASTERN", "ETC/UTC" and "ZULU" as Go does.
const TZ_CAPITAL_WORDS: ReadonlySet<string> = new Set(
  'ACT CDT CET CHAT CST EDT EET EST GB GMT HST IN LHI MDT MET MST NSW NZ PDT PRC PST ROC ROK SU UCT US UTC WET'.split(' '),
);

function isKnownZone(name: string): boolean {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return false;
  if (!name.split('/').every((segment) => /^[A-Z]/.test(segment))) return false;
  return name
    .split(/[^A-Za-z]+/)
    .every((word) => word.length < 2 || !/^[A-Z]+$/.test(word) || TZ_CAPITAL_WORDS.has(word));
}

// yaml.v2 decodes any scalar into a Go string as its text, so numbers and booleans become
// their spelling ("2024", "true"); collections are refused.
function scalarText(value: unknown, path: KeyPath, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  throw new TimeIntervalError(path, `${what} must be a string (got ${describe(value)})`);
}

function text(item: unknown): string {
  return typeof item === 'string' ? item : String(item);
}

function rejectUnknownKeys(obj: Record<string, unknown>, known: readonly string[], path: KeyPath): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new TimeIntervalError([...path, key], `unknown field "${key}" (want one of ${known.join(', ')})`);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}
