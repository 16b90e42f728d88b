/**
 * Time text as Alertmanager's Go code writes it. Alertmanager uses two printers: the API's
 * strfmt.DateTime (RFC 3339, always three fraction digits) and Go's time.Time JSON form in
 * webhook payloads (RFC 3339 with trailing fraction zeros trimmed). Times here are UTC epoch
 * milliseconds, so both print with `Z`.
 */

/** Go's zero time.Time as JSON; Alertmanager and Prometheus send and read it as "unset". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's zero time in epoch milliseconds. */
export const GO_ZERO_TIME_MS = -62_135_596_800_000;

function isoParts(ms: number): { base: string; fraction: string } {
  // toISOString gives `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 0..9999, the range Go prints plainly.
  const iso = new Date(ms).toISOString();
  return { base: iso.slice(0, 19), fraction: iso.slice(20, 23) };
}

// Years 0000..9999, where toISOString already prints strfmt's layout.
const FOUR_DIGIT_YEARS_FROM_MS = -62_167_219_200_000;
const FOUR_DIGIT_YEARS_TO_MS = 253_402_300_799_999;

// Listings print three times per alert and alerts share times (a batch shares its receive
// time): recently printed times, bounded and cleared when full.
const API_TIME_CACHE_MAX = 4096;
const apiTimes = new Map<number, string>();

/** As strfmt.DateTime marshals (Alertmanager API v2): `2006-01-02T15:04:05.000Z`. */
export function formatApiTime(ms: number): string {
  let text = apiTimes.get(ms);
  if (text !== undefined) return text;
  if (ms >= FOUR_DIGIT_YEARS_FROM_MS && ms <= FOUR_DIGIT_YEARS_TO_MS) {
    text = new Date(ms).toISOString();
  } else {
    const { base, fraction } = isoParts(ms);
    text = `${base}.${fraction}Z`;
  }
  if (apiTimes.size >= API_TIME_CACHE_MAX) apiTimes.clear();
  apiTimes.set(ms, text);
  return text;
}

/** As Go's time.Time marshals to JSON (RFC3339Nano, zeros trimmed): `2006-01-02T15:04:05.1Z`. */
export function formatGoTime(ms: number): string {
  const { base, fraction } = isoParts(ms);
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? `${base}Z` : `${base}.${trimmed}Z`;
}
