// Go's time.Time and time.Duration as templates see them: printing (`2024-01-02
// 15:04:05.123 +0000 UTC`), `.Format` with Go reference layouts, the accessor methods, and
// time zones for Alertmanager's `tz` function.

import { readFileSync } from 'node:fs';
import {
  FuncCallError,
  GoBox,
  GoFloat,
  GoNamed,
  methods,
  T_INT,
  T_STRING,
  type GoType,
  type GoValue,
} from './values.js';

/** A time zone: its name and, for any instant, the offset and abbreviation in force. */
export interface Zone {
  readonly name: string;
  lookup(unixSec: number): { offsetSec: number; abbrev: string };
}

export const UTC: Zone = { name: 'UTC', lookup: () => ({ offsetSec: 0, abbrev: 'UTC' }) };

/** A zone with a fixed offset, as Go's time.FixedZone; `name` "" prints the offset (`+0200`). */
export function fixedZone(name: string, offsetSec: number): Zone {
  return { name, lookup: () => ({ offsetSec, abbrev: name }) };
}

const NS_PER_SEC = 1_000_000_000;
/** Unix seconds of Go's zero time, January 1, year 1, 00:00:00 UTC. */
export const ZERO_TIME_UNIX_SEC = -62_135_596_800;

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const T_MONTH: GoType = {
  name: 'time.Month',
  kind: 'int',
  named: true,
  underlying: 'int',
  stringer: (v) => LONG_MONTHS[Number((v as GoNamed).value) - 1] ?? `%!Month(${String((v as GoNamed).value)})`,
};
export const T_WEEKDAY: GoType = {
  name: 'time.Weekday',
  kind: 'int',
  named: true,
  underlying: 'int',
  stringer: (v) => LONG_DAYS[Number((v as GoNamed).value)] ?? `%!Weekday(${String((v as GoNamed).value)})`,
};

/** Go's Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  const frac = (value: number, prec: number): { text: string; rest: number } => {
    // Digits after the point, trailing zeros (and a bare point) dropped.
    let text = '';
    let printed = false;
    for (let i = 0; i < prec; i++) {
      const digit = value % 10;
      printed = printed || digit !== 0;
      if (printed) text = String(digit) + text;
      value = Math.floor(value / 10);
    }
    return { text: printed ? '.' + text : '', rest: value };
  };
  let out: string;
  if (u < NS_PER_SEC) {
    let unit: string;
    let prec: number;
    if (u < 1000) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1_000_000) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const f = frac(u, prec);
    out = String(f.rest) + f.text + unit;
  } else {
    const f = frac(u, 9);
    u = f.rest;
    out = String(u % 60) + f.text + 's';
    u = Math.floor(u / 60);
    if (u > 0) {
      out = String(u % 60) + 'm' + out;
      u = Math.floor(u / 60);
      if (u > 0) out = String(u) + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}

// T_DURATION cannot name itself while being defined; an equal descriptor serves for its parameters.
const DURATION_PARAM: GoType = { name: 'time.Duration', kind: 'int', named: true, underlying: 'int64' };

export const T_DURATION: GoType = {
  name: 'time.Duration',
  kind: 'int',
  named: true,
  underlying: 'int64',
  stringer: (v) => formatGoDuration(Number((v as GoNamed).value)),
  methods: methods({
    String: { params: [], impl: (_a, _e, r) => formatGoDuration(durationNs(r)) },
    Seconds: { params: [], impl: (_a, _e, r) => new GoFloat(durationNs(r) / NS_PER_SEC) },
    Minutes: { params: [], impl: (_a, _e, r) => new GoFloat(durationNs(r) / (60 * NS_PER_SEC)) },
    Hours: { params: [], impl: (_a, _e, r) => new GoFloat(durationNs(r) / (3600 * NS_PER_SEC)) },
    Milliseconds: { params: [], impl: (_a, _e, r) => Math.trunc(durationNs(r) / 1e6) },
    Nanoseconds: { params: [], impl: (_a, _e, r) => durationNs(r) },
    Microseconds: { params: [], impl: (_a, _e, r) => Math.trunc(durationNs(r) / 1e3) },
    Truncate: { params: [DURATION_PARAM], impl: (a, _e, r) => duration(truncateDuration(durationNs(r), durationNs(a[0]))) },
    Round: { params: [DURATION_PARAM], impl: (a, _e, r) => duration(roundDuration(durationNs(r), durationNs(a[0]))) },
    Abs: { params: [], impl: (_a, _e, r) => duration(Math.abs(durationNs(r))) },
  }),
};

/** Go's Duration.Truncate: toward zero to a multiple of m; m ≤ 0 leaves d as it is. */
function truncateDuration(d: number, m: number): number {
  return m <= 0 ? d : d - (d % m);
}

/** Go's Duration.Round: to the nearest multiple of m, halfway away from zero; m ≤ 0 leaves d. */
function roundDuration(d: number, m: number): number {
  if (m <= 0) return d;
  const r = Math.abs(d % m);
  if (r + r < m) return d < 0 ? d + r : d - r;
  return d < 0 ? d - m + r : d + m - r;
}

/** A time.Duration value of `ns` nanoseconds. */
export function duration(ns: number): GoNamed {
  return new GoNamed(T_DURATION, ns);
}

function durationNs(v: GoValue): number {
  return Number((v as GoNamed).value);
}

/** Days since 1970-01-01 → proleptic Gregorian civil date (H. Hinnant's algorithm). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

interface Civil {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nsec: number;
  weekday: number; // 0 = Sunday
  yday: number; // 1..366
  offsetSec: number;
  abbrev: string;
}

export class GoTime extends GoBox {
  readonly type: GoType = T_TIME;
  /**
   * @param sec whole seconds since the Unix epoch (may be negative)
   * @param nsec nanoseconds within that second, 0..999999999
   */
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly zone: Zone = UTC,
  ) {
    super();
  }

  /** A UTC time from epoch milliseconds. */
  static fromMs(ms: number, zone: Zone = UTC): GoTime {
    const sec = Math.floor(ms / 1000);
    return new GoTime(sec, Math.round((ms - sec * 1000) * 1e6), zone);
  }

  static zero(): GoTime {
    return new GoTime(ZERO_TIME_UNIX_SEC, 0, UTC);
  }

  get ms(): number {
    return this.sec * 1000 + Math.floor(this.nsec / 1e6);
  }

  isZero(): boolean {
    return this.sec === ZERO_TIME_UNIX_SEC && this.nsec === 0;
  }

  in(zone: Zone): GoTime {
    return new GoTime(this.sec, this.nsec, zone);
  }

  civil(): Civil {
    const { offsetSec, abbrev } = this.zone.lookup(this.sec);
    const local = this.sec + offsetSec;
    const days = Math.floor(local / 86400);
    const secOfDay = local - days * 86400;
    const { year, month, day } = civilFromDays(days);
    const yday = DAYS_BEFORE[month - 1]! + day + (month > 2 && isLeap(year) ? 1 : 0);
    return {
      year,
      month,
      day,
      hour: Math.floor(secOfDay / 3600),
      minute: Math.floor((secOfDay % 3600) / 60),
      second: secOfDay % 60,
      nsec: this.nsec,
      weekday: (((days + 4) % 7) + 7) % 7,
      yday,
      offsetSec,
      abbrev,
    };
  }

  /** Go's Time.Format with a reference-time layout. */
  format(layout: string): string {
    return formatLayout(this.civil(), layout);
  }

  /** Go's Time.String(). */
  override toString(): string {
    return this.format('2006-01-02 15:04:05.999999999 -0700 MST');
  }
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

type Std =
  | { kind: 'longMonth' | 'month' | 'numMonth' | 'zeroMonth' | 'longWeekDay' | 'weekDay' }
  | { kind: 'day' | 'underDay' | 'zeroDay' | 'underYearDay' | 'zeroYearDay' }
  | { kind: 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond' }
  | { kind: 'longYear' | 'year' | 'PM' | 'pm' | 'tz' }
  | { kind: 'numTZ'; iso: boolean; colon: boolean; seconds: boolean; short: boolean }
  | { kind: 'frac'; digits: number; trim: boolean; sep: string };

// Finds the next reference-time element in a layout, as Go's nextStdChunk.
function nextStdChunk(layout: string): { prefix: string; std: Std | undefined; suffix: string } {
  const at = (i: number, s: string): boolean => layout.startsWith(s, i);
  const lowerAt = (i: number): boolean => {
    const c = layout[i];
    return c !== undefined && c >= 'a' && c <= 'z';
  };
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const hit = (std: Std, len: number): { prefix: string; std: Std; suffix: string } => ({
      prefix: layout.slice(0, i),
      std,
      suffix: layout.slice(i + len),
    });
    switch (c) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return hit({ kind: 'longMonth' }, 7);
          if (!lowerAt(i + 3)) return hit({ kind: 'month' }, 3);
        }
        break;
      case 'M':
        if (at(i, 'Mon')) {
          if (at(i, 'Monday')) return hit({ kind: 'longWeekDay' }, 6);
          if (!lowerAt(i + 3)) return hit({ kind: 'weekDay' }, 3);
        }
        if (at(i, 'MST')) return hit({ kind: 'tz' }, 3);
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') {
          const kinds = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'] as const;
          return hit({ kind: kinds[Number(n) - 1]! } as Std, 2);
        }
        if (at(i, '002')) return hit({ kind: 'zeroYearDay' }, 3);
        break;
      }
      case '1':
        if (at(i, '15')) return hit({ kind: 'hour' }, 2);
        return hit({ kind: 'numMonth' }, 1);
      case '2':
        if (at(i, '2006')) return hit({ kind: 'longYear' }, 4);
        return hit({ kind: 'day' }, 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (at(i + 1, '2006')) {
            return { prefix: layout.slice(0, i + 1), std: { kind: 'longYear' }, suffix: layout.slice(i + 5) };
          }
          return hit({ kind: 'underDay' }, 2);
        }
        if (at(i, '__2')) return hit({ kind: 'underYearDay' }, 3);
        break;
      case '3':
        return hit({ kind: 'hour12' }, 1);
      case '4':
        return hit({ kind: 'minute' }, 1);
      case '5':
        return hit({ kind: 'second' }, 1);
      case 'P':
        if (layout[i + 1] === 'M') return hit({ kind: 'PM' }, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return hit({ kind: 'pm' }, 2);
        break;
      case '-':
      case 'Z': {
        const iso = c === 'Z';
        const tz = (colon: boolean, seconds: boolean, short: boolean): Std => ({ kind: 'numTZ', iso, colon, seconds, short });
        if (at(i, c + '070000')) return hit(tz(false, true, false), 7);
        if (at(i, c + '07:00:00')) return hit(tz(true, true, false), 9);
        if (at(i, c + '0700')) return hit(tz(false, false, false), 5);
        if (at(i, c + '07:00')) return hit(tz(true, false, false), 6);
        if (at(i, c + '07')) return hit(tz(false, false, true), 3);
        break;
      }
      case '.':
      case ',': {
        const d = layout[i + 1];
        if (d === '0' || d === '9') {
          let j = i + 1;
          while (layout[j] === d) j++;
          const after = layout[j];
          if (!(after !== undefined && after >= '0' && after <= '9')) {
            return hit({ kind: 'frac', digits: j - (i + 1), trim: d === '9', sep: c }, j - i);
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: undefined, suffix: '' };
}

function formatLayout(t: Civil, layout: string): string {
  let out = '';
  for (;;) {
    const { prefix, std, suffix } = nextStdChunk(layout);
    out += prefix;
    if (std === undefined) return out;
    layout = suffix;
    const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
    switch (std.kind) {
      case 'year':
        out += pad(((t.year % 100) + 100) % 100, 2);
        break;
      case 'longYear':
        out += pad(t.year, 4);
        break;
      case 'month':
        out += LONG_MONTHS[t.month - 1]!.slice(0, 3);
        break;
      case 'longMonth':
        out += LONG_MONTHS[t.month - 1]!;
        break;
      case 'numMonth':
        out += String(t.month);
        break;
      case 'zeroMonth':
        out += pad(t.month, 2);
        break;
      case 'weekDay':
        out += LONG_DAYS[t.weekday]!.slice(0, 3);
        break;
      case 'longWeekDay':
        out += LONG_DAYS[t.weekday]!;
        break;
      case 'day':
        out += String(t.day);
        break;
      case 'underDay':
        out += String(t.day).padStart(2, ' ');
        break;
      case 'zeroDay':
        out += pad(t.day, 2);
        break;
      case 'underYearDay':
        out += String(t.yday).padStart(3, ' ');
        break;
      case 'zeroYearDay':
        out += pad(t.yday, 3);
        break;
      case 'hour':
        out += pad(t.hour, 2);
        break;
      case 'hour12':
        out += String(hour12);
        break;
      case 'zeroHour12':
        out += pad(hour12, 2);
        break;
      case 'minute':
        out += String(t.minute);
        break;
      case 'zeroMinute':
        out += pad(t.minute, 2);
        break;
      case 'second':
        out += String(t.second);
        break;
      case 'zeroSecond':
        out += pad(t.second, 2);
        break;
      case 'PM':
        out += t.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += t.hour >= 12 ? 'pm' : 'am';
        break;
      case 'tz':
        if (t.abbrev !== '') {
          out += t.abbrev;
        } else {
          // No abbreviation known: Go prints the offset as -0700.
          const m = Math.trunc(t.offsetSec / 60);
          out += (m < 0 ? '-' : '+') + pad(Math.trunc(Math.abs(m) / 60), 2) + pad(Math.abs(m) % 60, 2);
        }
        break;
      case 'numTZ': {
        if (std.iso && t.offsetSec === 0) {
          out += 'Z';
          break;
        }
        const abs = Math.abs(t.offsetSec);
        out += t.offsetSec < 0 ? '-' : '+';
        out += pad(Math.floor(abs / 3600), 2);
        if (!std.short) {
          if (std.colon) out += ':';
          out += pad(Math.floor((abs % 3600) / 60), 2);
        }
        if (std.seconds) {
          if (std.colon) out += ':';
          out += pad(abs % 60, 2);
        }
        break;
      }
      case 'frac': {
        const digits = String(t.nsec).padStart(9, '0').slice(0, std.digits);
        if (std.trim) {
          const trimmed = digits.replace(/0+$/, '');
          if (trimmed !== '') out += std.sep + trimmed;
        } else {
          out += std.sep + digits;
        }
        break;
      }
    }
  }
}

function asTime(v: GoValue): GoTime {
  return v as GoTime;
}

export const T_TIME: GoType = {
  name: 'time.Time',
  kind: 'struct',
  named: true,
  underlying: 'struct time.Time',
  fields: [],
  stringer: (v) => asTime(v).toString(),
  goStringer: (v) => goStringTime(asTime(v)),
  methods: methods({
    String: { params: [], impl: (_a, _e, r) => asTime(r).toString() },
    Format: { params: [T_STRING], impl: (a, _e, r) => asTime(r).format(a[0] as string) },
    Unix: { params: [], impl: (_a, _e, r) => asTime(r).sec },
    UnixMilli: { params: [], impl: (_a, _e, r) => asTime(r).sec * 1000 + Math.floor(asTime(r).nsec / 1e6) },
    UnixNano: { params: [], impl: (_a, _e, r) => asTime(r).sec * NS_PER_SEC + asTime(r).nsec },
    UnixMicro: { params: [], impl: (_a, _e, r) => asTime(r).sec * 1_000_000 + Math.floor(asTime(r).nsec / 1e3) },
    GoString: { params: [], impl: (_a, _e, r) => goStringTime(asTime(r)) },
    // Several results: Go's templates cannot call these; they are here for Go's error.
    Date: { params: [], results: 3, impl: () => undefined },
    Clock: { params: [], results: 3, impl: () => undefined },
    ISOWeek: { params: [], results: 2, impl: () => undefined },
    Zone: { params: [], results: 2, impl: () => undefined },
    ZoneBounds: { params: [], results: 2, impl: () => undefined },
    IsDST: { params: [], impl: (_a, _e, r) => isDst(asTime(r)) },
    AddDate: { params: [T_INT, T_INT, T_INT], impl: (a, _e, r) => addDate(asTime(r), a[0] as number, a[1] as number, a[2] as number) },
    UTC: { params: [], impl: (_a, _e, r) => asTime(r).in(UTC) },
    Local: { params: [], impl: (_a, _e, r) => asTime(r).in(localZone()) },
    IsZero: { params: [], impl: (_a, _e, r) => asTime(r).isZero() },
    Year: { params: [], impl: (_a, _e, r) => asTime(r).civil().year },
    Month: { params: [], impl: (_a, _e, r) => new GoNamed(T_MONTH, asTime(r).civil().month) },
    Day: { params: [], impl: (_a, _e, r) => asTime(r).civil().day },
    Weekday: { params: [], impl: (_a, _e, r) => new GoNamed(T_WEEKDAY, asTime(r).civil().weekday) },
    YearDay: { params: [], impl: (_a, _e, r) => asTime(r).civil().yday },
    Hour: { params: [], impl: (_a, _e, r) => asTime(r).civil().hour },
    Minute: { params: [], impl: (_a, _e, r) => asTime(r).civil().minute },
    Second: { params: [], impl: (_a, _e, r) => asTime(r).civil().second },
    Nanosecond: { params: [], impl: (_a, _e, r) => asTime(r).nsec },
    Before: { params: [timeParam()], impl: (a, _e, r) => compareTimes(asTime(r), asTime(a[0])) < 0 },
    After: { params: [timeParam()], impl: (a, _e, r) => compareTimes(asTime(r), asTime(a[0])) > 0 },
    Equal: { params: [timeParam()], impl: (a, _e, r) => compareTimes(asTime(r), asTime(a[0])) === 0 },
    Sub: { params: [timeParam()], impl: (a, _e, r) => duration(subNs(asTime(r), asTime(a[0]))) },
    Add: {
      params: [T_DURATION],
      impl: (a, _e, r) => addNs(asTime(r), Number((a[0] as GoNamed).value)),
    },
    Truncate: { params: [T_DURATION], impl: (a, _e, r) => roundTime(asTime(r), durationNs(a[0]), false) },
    Round: { params: [T_DURATION], impl: (a, _e, r) => roundTime(asTime(r), durationNs(a[0]), true) },
  }),
};

/**
 * Go's Time.Truncate / Time.Round: to a multiple of d counted from the zero time (1 January of
 * year 1, UTC, not the Unix epoch: it matters for d that is not a divisor of a day), halfway
 * rounding up; d ≤ 0 leaves t as it is. The zone is kept.
 */
function roundTime(t: GoTime, d: number, round: boolean): GoTime {
  if (d <= 0) return t;
  const dn = BigInt(d);
  const abs = BigInt(t.sec - ZERO_TIME_UNIX_SEC) * BigInt(NS_PER_SEC) + BigInt(t.nsec);
  const r = Number(((abs % dn) + dn) % dn);
  return addNs(t, round && r + r >= d ? d - r : -r);
}

/** Civil date → days since 1970-01-01 (H. Hinnant's algorithm); month and day may overflow. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

/**
 * Go's Time.AddDate: the civil date moved by years, months and days in t's zone, then
 * normalised (October 31 + 1 month is December 1), clock and zone kept.
 */
function addDate(t: GoTime, years: number, months: number, days: number): GoTime {
  const c = t.civil();
  const m0 = c.month - 1 + months;
  const year = c.year + years + Math.floor(m0 / 12);
  const month = (((m0 % 12) + 12) % 12) + 1;
  const local = (daysFromCivil(year, month, 1) + c.day - 1 + days) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
  // Go's Date: the offset at the local time read as UTC, corrected once if the instant it gives falls elsewhere.
  const guess = t.zone.lookup(local).offsetSec;
  const offset = t.zone.lookup(local - guess).offsetSec;
  return new GoTime(local - offset, t.nsec, t.zone);
}

/** Whether t's zone is on summer time then: its offset is above the year's lower one (January or July). */
function isDst(t: GoTime): boolean {
  const year = t.civil().year;
  const jan = t.zone.lookup(daysFromCivil(year, 1, 1) * 86400).offsetSec;
  const jul = t.zone.lookup(daysFromCivil(year, 7, 1) * 86400).offsetSec;
  return t.zone.lookup(t.sec).offsetSec > Math.min(jan, jul);
}

/** Go's Time.GoString: `time.Date(2024, time.January, 2, 15, 4, 5, 0, time.UTC)`. */
function goStringTime(t: GoTime): string {
  const c = t.civil();
  const zone = t.zone === UTC ? 'time.UTC' : t.zone.name === 'Local' ? 'time.Local' : `time.Location(${JSON.stringify(t.zone.name)})`;
  return `time.Date(${c.year}, time.${LONG_MONTHS[c.month - 1]}, ${c.day}, ${c.hour}, ${c.minute}, ${c.second}, ${c.nsec}, ${zone})`;
}

// T_TIME cannot name itself while being defined; an equal descriptor serves for its parameters.
function timeParam(): GoType {
  return { name: 'time.Time', kind: 'struct', named: true, underlying: 'struct time.Time' };
}

/** Orders two instants (zones do not matter), like Go's Time.Compare. */
export function compareTimes(a: GoTime, b: GoTime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** a − b in nanoseconds. */
export function subNs(a: GoTime, b: GoTime): number {
  return (a.sec - b.sec) * NS_PER_SEC + (a.nsec - b.nsec);
}

function addNs(t: GoTime, ns: number): GoTime {
  const total = t.nsec + (ns % NS_PER_SEC);
  let sec = t.sec + Math.trunc(ns / NS_PER_SEC) + Math.floor(total / NS_PER_SEC);
  let nsec = ((total % NS_PER_SEC) + NS_PER_SEC) % NS_PER_SEC;
  if (nsec < 0) {
    nsec += NS_PER_SEC;
    sec--;
  }
  return new GoTime(sec, nsec, t.zone);
}

// --- Time zones -----------------------------------------------------------------------

const ZONEINFO_DIRS = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/'];
const zoneCache = new Map<string, Zone>();

/** Abbreviations a TZif file lists for each UTC offset, latest use last (for `MST` in layouts). */
function readTzifAbbrevs(name: string): Map<number, string> | undefined {
  for (const dir of [process.env.ZONEINFO ? process.env.ZONEINFO + '/' : undefined, ...ZONEINFO_DIRS]) {
    if (dir === undefined) continue;
    let buf: Buffer;
    try {
      buf = readFileSync(dir + name);
    } catch {
      continue;
    }
    if (buf.subarray(0, 4).toString('latin1') !== 'TZif') return undefined;
    const counts = (at: number): number[] => [0, 1, 2, 3, 4, 5].map((i) => buf.readUInt32BE(at + 20 + i * 4));
    let at = 0;
    let [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = counts(at) as [number, number, number, number, number, number];
    let timeSize = 4;
    if (buf[4]! >= 0x32) {
      // Skip the 32-bit block; the 64-bit one follows with its own header.
      at = 44 + timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt;
      [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = counts(at) as [number, number, number, number, number, number];
      timeSize = 8;
    }
    const data = at + 44;
    const idxStart = data + timecnt * timeSize;
    const typesStart = idxStart + timecnt;
    const charsStart = typesStart + typecnt * 6;
    const abbrevAt = (i: number): string => {
      const end = buf.indexOf(0, charsStart + i);
      return buf.subarray(charsStart + i, end < 0 ? charsStart + charcnt : end).toString('latin1');
    };
    const byOffset = new Map<number, string>();
    // Types in order of use by transitions, so later transitions win.
    const order: number[] = [];
    for (let i = 0; i < typecnt; i++) order.push(i);
    for (let i = 0; i < timecnt; i++) order.push(buf[idxStart + i]!);
    for (const ti of order) {
      const p = typesStart + ti * 6;
      byOffset.set(buf.readInt32BE(p), abbrevAt(buf[p + 5]!));
    }
    return byOffset;
  }
  return undefined;
}

function intlOffsetSec(fmt: Intl.DateTimeFormat, unixSec: number): number {
  const ms = Math.max(-8.64e15, Math.min(8.64e15, unixSec * 1000));
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(ms))) {
    if (p.type !== 'literal' && p.type !== 'era' && p.type !== 'dayPeriod') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 1000);
}

/** Go's time.LoadLocation: "" and "UTC" are UTC, "Local" the process's zone, else an IANA name. */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localZone();
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) throw new FuncCallError('time: invalid location name');
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new FuncCallError(`unknown time zone ${name}`);
  }
  const abbrevs = readTzifAbbrevs(name);
  const zone: Zone = {
    name,
    lookup(unixSec) {
      const offsetSec = intlOffsetSec(fmt, unixSec);
      return { offsetSec, abbrev: abbrevs?.get(offsetSec) ?? numericAbbrev(offsetSec) };
    },
  };
  zoneCache.set(name, zone);
  return zone;
}

// tzdata's own spelling for zones without a letter abbreviation: +03, -0330.
function numericAbbrev(offsetSec: number): string {
  const abs = Math.abs(offsetSec);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = Math.floor((abs % 3600) / 60);
  return (offsetSec < 0 ? '-' : '+') + h + (m !== 0 ? pad(m, 2) : '');
}

let local: Zone | undefined;
/** The zone Go would call Local: $TZ, else the system's. */
export function localZone(): Zone {
  if (local) return local;
  const name = process.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  let zone: Zone;
  try {
    zone = name && name !== 'UTC' && name !== 'Etc/UTC' ? loadLocation(name) : UTC;
  } catch {
    zone = UTC;
  }
  local = { name: 'Local', lookup: zone.lookup };
  return local;
}
