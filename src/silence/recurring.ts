/**
 * Recurring silences (an alertrouter extension): a cron schedule in an IANA time zone opens a
 * window of a fixed duration at each occurrence, and each window becomes an ordinary silence,
 * created ahead of time so that amtool and dashboards see it (as pending, then active).
 *
 * Pure: schedule validation and window arithmetic. Daylight-saving rules, decided here:
 *  - a start in a skipped local hour (02:30 on a spring-forward night) moves forward by the
 *    gap, to 03:30, as Temporal and luxon resolve such times; the window still happens;
 *  - a start in a repeated local hour (02:30 on a fall-back night) happens once, at the first
 *    occurrence, for a daily schedule; a sub-hourly schedule fires at each absolute occurrence;
 *  - `duration` is elapsed time, so a window across a fall-back ends one wall-clock hour
 *    "earlier" than naive local arithmetic suggests (01:00 + 3h ends at 03:00 local, not 04:00).
 */
import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { AlertrouterError } from '../util/errors.js';
import { validateSilence, type SilenceMatcher } from './silence.js';

export interface RecurringSilenceSpec {
  readonly matchers: readonly SilenceMatcher[];
  /** Five cron fields: minute hour day-of-month month day-of-week. */
  readonly schedule: string;
  /** Length of each window. */
  readonly durationMs: number;
  /** IANA zone the schedule is read in, e.g. "Europe/Berlin" or "UTC". */
  readonly timeZone: string;
  readonly createdBy: string;
  readonly comment: string;
  /** Each window's silence expires once the alerts it matched have resolved. */
  readonly expireWhenResolved: boolean;
}

export interface RecurringSilence extends RecurringSilenceSpec {
  readonly id: string;
  readonly createdAtMs: number;
}

/** One occurrence of a schedule: the silence it becomes starts and ends at these times. */
export interface SilenceWindow {
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

/** A recurring silence refused; the message says which field and why. */
export class RecurringSilenceError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_recurring_silence', message, options);
  }
}

/** createdBy of the silences made from a recurring silence: names the schedule they come from. */
export function windowCreatedBy(recurringId: string): string {
  return `recurring-silence:${recurringId}`;
}

// Windows are searched from here; a schedule matching nothing for years is treated as broken.
const MAX_SEARCH_STEPS = 100_000;

function parseSchedule(schedule: string, timeZone: string, fromMs: number) {
  return CronExpressionParser.parse(schedule, { tz: timeZone, currentDate: new Date(fromMs) });
}

/**
 * Checks a spec; throws RecurringSilenceError naming the field: matchers as for any silence,
 * a five-field cron schedule that occurs at all, a duration above zero, a known IANA zone.
 */
export function validateRecurringSpec(spec: RecurringSilenceSpec, nowMs: number): void {
  try {
    validateSilence({ matchers: spec.matchers, startsAtMs: nowMs, endsAtMs: nowMs + 1 });
  } catch (err) {
    throw new RecurringSilenceError(`matchers: ${(err as Error).message}`, { cause: err });
  }
  if (!IANAZone.isValidZone(spec.timeZone)) {
    throw new RecurringSilenceError(`timeZone: unknown time zone ${JSON.stringify(spec.timeZone)} (want an IANA name such as "Europe/Berlin" or "UTC")`);
  }
  const fields = spec.schedule.trim().split(/\s+/);
  if (fields.length !== 5 || spec.schedule.trim() === '') {
    throw new RecurringSilenceError(
      `schedule: ${JSON.stringify(spec.schedule)} has ${spec.schedule.trim() === '' ? 0 : fields.length} fields (want 5: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6")`,
    );
  }
  try {
    parseSchedule(spec.schedule, spec.timeZone, nowMs).next();
  } catch (err) {
    throw new RecurringSilenceError(`schedule: ${JSON.stringify(spec.schedule)} is not a valid cron expression: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!Number.isSafeInteger(spec.durationMs) || spec.durationMs <= 0) {
    throw new RecurringSilenceError(`duration: must be above zero (got ${spec.durationMs}ms)`);
  }
}

/**
 * The windows still open at `fromMs` or opening up to `toMs` (inclusive), oldest first, at most
 * `limit` of them: every window with endsAt > fromMs and startsAt <= toMs.
 */
export function windowsBetween(
  spec: Pick<RecurringSilenceSpec, 'schedule' | 'timeZone' | 'durationMs'>,
  range: { readonly fromMs: number; readonly toMs: number; readonly limit: number },
): SilenceWindow[] {
  // next() is strictly after its current date, so starting at from - duration yields exactly the
  // windows whose end lies after `fromMs`.
  const it = parseSchedule(spec.schedule, spec.timeZone, range.fromMs - spec.durationMs);
  const out: SilenceWindow[] = [];
  for (let step = 0; step < MAX_SEARCH_STEPS && out.length < range.limit; step++) {
    const startsAtMs = it.next().getTime();
    if (startsAtMs > range.toMs) break;
    out.push({ startsAtMs, endsAtMs: startsAtMs + spec.durationMs });
  }
  return out;
}

export interface MaterializeOptions {
  readonly nowMs: number;
  /** How far ahead windows are created (e.g. 24h). */
  readonly lookaheadMs: number;
  /** How many not-yet-started windows may exist at once (besides the open ones). */
  readonly maxPendingWindows: number;
  /** Start times of the windows already turned into silences (never made twice, even if expired by hand). */
  readonly known: ReadonlySet<number>;
}

/**
 * The windows to turn into silences now: every window open at `nowMs`, and the next
 * `maxPendingWindows` that start within the lookahead; minus those already made.
 */
export function windowsToMaterialize(spec: Pick<RecurringSilenceSpec, 'schedule' | 'timeZone' | 'durationMs'>, options: MaterializeOptions): SilenceWindow[] {
  const { nowMs } = options;
  // Overlapping windows (duration longer than the schedule's period) can be open together.
  const open = windowsBetween(spec, { fromMs: nowMs, toMs: nowMs, limit: 1000 });
  const upcoming = windowsBetween(spec, { fromMs: nowMs, toMs: nowMs + options.lookaheadMs, limit: open.length + options.maxPendingWindows })
    .filter((w) => w.startsAtMs > nowMs)
    .slice(0, options.maxPendingWindows);
  return [...open, ...upcoming].filter((w) => !options.known.has(w.startsAtMs));
}
