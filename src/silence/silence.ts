/**
 * Alertmanager 0.25's silence model, pure: the silence record, its state at a given time,
 * validation, and the rules of `Silences.Set` (update in place, or expire and replace) and
 * `Silences.Expire`. The repository applies the plans these functions return.
 *
 * Times are epoch milliseconds. One deliberate difference from Go: a silence is active on the
 * half-open interval [startsAt, endsAt). Alertmanager's interval is closed, but its clock has
 * nanoseconds, so a silence expired "now" reads as expired a nanosecond later; with millisecond
 * times the closed interval would keep it active for a whole millisecond after DELETE.
 */
import { RE2JS } from 're2js';
import { anchorRegex, isValidLabelName, newMatcher, type Matcher, type MatchType } from '../labels/matcher.js';
import { AlertrouterError } from '../util/errors.js';
import { goQuote } from '../util/goquote.js';

/** One matcher as the API carries it: `isEqual` false negates, `isRegex` makes the value an RE2 regex. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

export interface Silence {
  /** UUID v4, assigned when the silence is created. */
  readonly id: string;
  /** In the order given; all must match for the silence to apply. */
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  /** When this version of the silence was stored. */
  readonly updatedAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** What a client posts: without `id` (or with '') a new silence, with `id` an update of that silence. */
export interface SilenceDraft {
  readonly id?: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export type SilenceErrorCode = 'silence_invalid' | 'silence_not_found';

/**
 * A silence refused or not found. Messages are Alertmanager's wording (clients such as amtool
 * show them verbatim), which already says what is wrong and where.
 */
export class SilenceError extends AlertrouterError {
  declare readonly code: SilenceErrorCode;
  constructor(code: SilenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The state of a silence at `nowMs`: pending before startsAt, expired from endsAt on, active between. */
export function silenceState(silence: Pick<Silence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): SilenceState {
  if (nowMs < silence.startsAtMs) return 'pending';
  if (nowMs >= silence.endsAtMs) return 'expired';
  return 'active';
}

/** The label-matcher operator a silence matcher stands for. */
export function matchTypeOf(m: SilenceMatcher): MatchType {
  if (m.isRegex) return m.isEqual ? '=~' : '!~';
  return m.isEqual ? '=' : '!=';
}

/** Compiles a valid silence's matchers for matching label sets (throws MatcherError on a bad regex). */
export function compileSilenceMatchers(matchers: readonly SilenceMatcher[]): Matcher[] {
  return matchers.map((m) => newMatcher(matchTypeOf(m), m.name, m.value));
}

// Go's utf8.ValidString fails on what a JS string can hold only as an unpaired surrogate.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Alertmanager's ValidateMatcher: label name, value encoding, regex syntax; returns the reason or undefined. */
function matcherProblem(m: SilenceMatcher): string | undefined {
  if (!isValidLabelName(m.name)) return `invalid label name ${goQuote(m.name)}`;
  if (!m.isRegex) {
    if (LONE_SURROGATE.test(m.value)) return `invalid label value ${goQuote(m.value)}`;
    return undefined;
  }
  try {
    // Alertmanager checks the expression as written, before anchoring it: `a)|(b` is refused here
    // although `^(?:a)|(b)$` would compile.
    RE2JS.compile(m.value);
  } catch (err) {
    return `invalid regular expression ${goQuote(m.value)}: ${(err as Error).message}`;
  }
  try {
    // Matching uses the anchored form, which can fail where the bare one compiles: an unclosed
    // `\Q` quotes the `)$` that anchoring appends. Alertmanager 0.25 stores such a silence and
    // then fails every silence query; refusing it here keeps it out of the database.
    RE2JS.compile(anchorRegex(m.value));
  } catch (err) {
    const fix = m.value.includes('\\Q') ? ': close \\Q with \\E' : '';
    return `invalid regular expression ${goQuote(m.value)}: ${(err as Error).message} (the value is matched anchored, as ^(?:…)$${fix})`;
  }
  return undefined;
}

// Only `=` and `=~` count: Alertmanager treats `a!="x"` as not matching the empty string,
// although an alert without label `a` satisfies it.
function matchesEmpty(m: SilenceMatcher): boolean {
  if (!m.isEqual) return false;
  if (!m.isRegex) return m.value === '';
  return newMatcher('=~', m.name, m.value).matches('');
}

/**
 * Alertmanager 0.25's validateSilence: at least one matcher, every matcher valid, not all of
 * them matching the empty string, and endsAt not before startsAt. Throws SilenceError
 * `silence_invalid` with Alertmanager's message ("silence invalid: …").
 */
export function validateSilence(silence: Pick<Silence, 'matchers' | 'startsAtMs' | 'endsAtMs'>): void {
  const refuse = (reason: string): never => {
    throw new SilenceError('silence_invalid', `silence invalid: ${reason}`);
  };
  if (silence.matchers.length === 0) refuse('at least one matcher required');
  let allMatchEmpty = true;
  silence.matchers.forEach((m, i) => {
    const problem = matcherProblem(m);
    if (problem !== undefined) refuse(`invalid label matcher ${i}: ${problem}`);
    allMatchEmpty = allMatchEmpty && matchesEmpty(m);
  });
  if (allMatchEmpty) refuse('at least one matcher must not match the empty string');
  if (!Number.isFinite(silence.startsAtMs)) refuse('invalid zero start timestamp');
  if (!Number.isFinite(silence.endsAtMs)) refuse('invalid zero end timestamp');
  if (silence.endsAtMs < silence.startsAtMs) refuse('end time must not be before start time');
}

/** True when both lists hold the same matchers in the same order (Go's reflect.DeepEqual on them). */
export function sameMatchers(a: readonly SilenceMatcher[], b: readonly SilenceMatcher[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((m, i) => {
    const n = b[i]!;
    return m.name === n.name && m.value === n.value && m.isRegex === n.isRegex && m.isEqual === n.isEqual;
  });
}

const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Alertmanager's canUpdate: whether `next` may replace `prev` in place without rewriting what
 * was silenced in the past. Matchers must be unchanged; an active silence keeps its start (to
 * the second) and may not end in the past; a pending one may not start in the past; an expired
 * one never changes.
 */
export function canUpdate(prev: Silence, next: Pick<Silence, 'matchers' | 'startsAtMs' | 'endsAtMs'>, nowMs: number): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, nowMs)) {
    case 'active':
      return unixSeconds(next.startsAtMs) === unixSeconds(prev.startsAtMs) && next.endsAtMs >= nowMs;
    case 'pending':
      return next.startsAtMs >= nowMs;
    case 'expired':
      return false;
  }
}

/**
 * The silence expired at `nowMs` (an active one ends now; a pending one starts and ends now,
 * so it never was active), or undefined when it is already expired: expiring is idempotent.
 */
export function expireSilence(silence: Silence, nowMs: number): Silence | undefined {
  switch (silenceState(silence, nowMs)) {
    case 'expired':
      return undefined;
    case 'active':
      return { ...silence, endsAtMs: nowMs, updatedAtMs: nowMs };
    case 'pending':
      return { ...silence, startsAtMs: nowMs, endsAtMs: nowMs, updatedAtMs: nowMs };
  }
}

/** What storing a draft does: change a silence in place, or create one (expiring the one it replaces). */
export type SetPlan =
  | { readonly kind: 'update'; readonly silence: Silence }
  | { readonly kind: 'create'; readonly silence: Silence; readonly expire?: Silence };

export interface PlanSetOptions {
  /** The silence stored under `draft.id`, when the draft has an id and it is known. */
  readonly prev: Silence | undefined;
  readonly nowMs: number;
  /** Makes the id of a created silence (a UUID v4 in production). */
  readonly newId: () => string;
}

/**
 * Alertmanager 0.25's `Silences.Set`, as a plan. A draft with an unknown id is refused
 * (`silence_not_found`). With a known id the silence is updated in place when canUpdate allows;
 * otherwise a new silence with a new id is created and the old one, unless already expired, is
 * expired. A created silence never starts before now. The result is validated before anything
 * is planned (Alertmanager expires the old silence even when the new one is then refused;
 * here a refused draft changes nothing). Throws SilenceError.
 */
export function planSet(draft: SilenceDraft, options: PlanSetOptions): SetPlan {
  const { prev, nowMs } = options;
  const id = draft.id ?? '';
  if (id !== '' && prev === undefined) throw new SilenceError('silence_not_found', 'silence not found');
  const fields = {
    matchers: draft.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })),
    startsAtMs: draft.startsAtMs,
    endsAtMs: draft.endsAtMs,
    createdBy: draft.createdBy,
    comment: draft.comment,
    updatedAtMs: nowMs,
  };
  if (prev !== undefined && canUpdate(prev, fields, nowMs)) {
    const silence: Silence = { id: prev.id, ...fields };
    validateSilence(silence);
    return { kind: 'update', silence };
  }
  const silence: Silence = { id: options.newId(), ...fields, startsAtMs: Math.max(fields.startsAtMs, nowMs) };
  validateSilence(silence);
  const expire = prev === undefined ? undefined : expireSilence(prev, nowMs);
  return expire === undefined ? { kind: 'create', silence } : { kind: 'create', silence, expire };
}
