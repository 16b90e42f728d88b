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

/** As strfmt.DateTime marshals (Alertmanager API v2): `2006-01-02T15:04:05.000Z`. */
export function formatApiTime(ms: number): string {
  const { base, fraction } = isoParts(ms);
  return `${base}.${fraction}Z`;
}

/** As Go's time.Time marshals to JSON (RFC3339Nano, zeros trimmed): `2006-01-02T15:04:05.1Z`. */
export function formatGoTime(ms: number): string {
  const { base, fraction } = isoParts(ms);
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? `${base}Z` : `${base}.${trimmed}Z`;
}
