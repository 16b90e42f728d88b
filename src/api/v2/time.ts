/**
 * Parsing `date-time` fields of API v2 bodies the way Alertmanager 0.25 accepts them
 * (go-openapi strfmt 0.21: a list of RFC 3339 / ISO 8601 layouts tried in turn, Go's time.Parse
 * leniencies included: a fraction after the seconds in any digit count, one-digit hours).
 * Sub-millisecond digits are dropped, as alertrouter keeps epoch milliseconds.
 */
import { AlertrouterError } from '../../util/errors.js';

/** A date-time field that matches none of the accepted layouts. */
export class ApiTimeError extends AlertrouterError {
  constructor(input: string) {
    super(
      'bad_time',
      `cannot parse ${JSON.stringify(input)} as a date-time (want RFC 3339, e.g. "2006-01-02T15:04:05Z" or "2006-01-02T15:04:05.000+02:00")`,
    );
  }
}

const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const CLOCK = String.raw`(\d{1,2}):(\d{2}):(\d{2})`;

interface Layout {
  readonly re: RegExp;
  /** Whether the seconds group exists (reduced-precision layouts stop at minutes). */
  readonly seconds: boolean;
}

// The layouts strfmt 0.21 tries, folded where Go's parser makes two of them accept the same text.
// Go (since 1.17) takes a comma as well as a point before the fraction of a second.
const LAYOUTS: readonly Layout[] = [
  // RFC3339 / RFC3339Nano / RFC3339Millis / RFC3339Micro: zone `Z` or `±hh:mm`.
  { re: new RegExp(`^${DATE}T${CLOCK}(?:[.,](\\d+))?(Z|[+-]\\d{2}:\\d{2})$`), seconds: true },
  // RFC3339MillisNoColon / RFC3339MicroNoColon: exactly 3 or 6 fraction digits, zone `Z` or `±hhmm`.
  { re: new RegExp(`^${DATE}T${CLOCK}[.,](\\d{3}|\\d{6})(Z|[+-]\\d{4})$`), seconds: true },
  // ISO8601LocalTime: no zone, read as UTC.
  { re: new RegExp(`^${DATE}T${CLOCK}(?:[.,](\\d+))?()$`), seconds: true },
  // ISO8601TimeWithReducedPrecision (literal Z) and its local-time form.
  { re: new RegExp(`^${DATE}T(\\d{1,2}):(\\d{2})()()(Z?)$`), seconds: false },
  // ISO8601TimeUniversalSortableDateTimePattern: a space instead of T, no zone.
  { re: new RegExp(`^${DATE} ${CLOCK}(?:[.,](\\d+))?()$`), seconds: true },
];

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the month's last day; 2000 and 2001 stand in for leap and common years.
  return new Date(Date.UTC(isLeap(year) ? 2000 : 2001, month, 0)).getUTCDate();
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function zoneOffsetMs(zone: string): number | undefined {
  if (zone === '' || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  // Go 1.19 (Alertmanager 0.25's) checks neither part; strfmt's validation then refuses an
  // offset of 100 hours or more, which no longer prints as ±hh:mm.
  if (hours * 60 + minutes >= 100 * 60) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * Epoch milliseconds of a date-time as Alertmanager's API reads it; the empty string is the
 * Unix epoch (strfmt's quirk). Throws ApiTimeError for anything else it would refuse.
 */
export function parseApiTime(input: string): number {
  if (input === '') return 0;
  for (const { re, seconds } of LAYOUTS) {
    const m = re.exec(input);
    if (!m) continue;
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = seconds ? Number(s) : 0;
    const offset = zoneOffsetMs(zone ?? '');
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) break;
    if (hour > 23 || minute > 59 || second > 59 || offset === undefined) break;
    const date = new Date(0);
    // setUTCFullYear, unlike Date.UTC, does not map years 0..99 onto 1900..1999.
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, Number((frac ?? '').padEnd(3, '0').slice(0, 3)));
    return date.getTime() - offset;
  }
  throw new ApiTimeError(input);
}
