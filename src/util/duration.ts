import { AlertrouterError } from './errors.js';

/** A duration string that is not in Prometheus' format (`1h30m`, `90s`, `1d`, `1w`, `0`). */
export class DurationError extends AlertrouterError {
  constructor(input: string) {
    super('bad_duration', `not a valid duration string: "${input}" (want e.g. "30s", "5m", "1h30m", "1d")`);
  }
}

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
// Units must appear in this order, each at most once (Prometheus' model.ParseDuration).
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS_IN_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Parses a Prometheus duration (`0`, `90s`, `1h30m`, `1d`) into milliseconds; throws DurationError. */
export function parseDuration(input: string): number {
  if (input === '0') return 0;
  if (input === '') throw new DurationError(input);
  const m = DURATION_RE.exec(input);
  if (!m) throw new DurationError(input);
  let ms = 0;
  UNITS_IN_ORDER.forEach((unit, i) => {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[unit]!;
  });
  if (!Number.isSafeInteger(ms)) throw new DurationError(input);
  return ms;
}

/** Formats milliseconds as Prometheus does (`model.Duration.String()`): `1h30m`, `4h`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of UNITS_IN_ORDER) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
