/**
 * API v2 silence operations as Alertmanager 0.25 serves them: POST /silences (create, or
 * update by id), GET /silences (filter=), GET and DELETE /silence/{id}. Bodies are checked in
 * go-openapi's order so the same bad request gets the same status: JSON and type errors 400,
 * schema violations 422, the handler's own refusals 400/404 with a JSON-string message.
 *
 * Differences on purpose: DELETE of an unknown id answers 404 (as Alertmanager 0.26+ does;
 * 0.25 answers 500 "silence not found"); a refused update leaves the old silence untouched; a
 * regex valid alone but not anchored (an unclosed `\Q`) is refused 400 "silence invalid: …" like
 * any other bad regex (0.25 stores it, then fails every silence query).
 * Extension: `expireWhenResolved: true` on POST (clients that do not know it ignore it in
 * answers, where it appears only when set).
 */
import express, { type Request, type Response, type Router } from 'express';
import { lazy, zod } from '../../util/lazy.js';
import type { Matcher } from '../../labels/matcher.js';
import { parseMatcher } from '../../labels/parse.js';
import type { SilenceExtras } from '../../silence/repository.js';
import {
  SilenceError,
  matchTypeOf,
  silenceState,
  type Silence,
  type SilenceDraft,
  type SilenceMatcher,
  type SilenceState,
} from '../../silence/silence.js';
import type { Clock } from '../../util/clock.js';
import { formatApiTime } from '../../util/gotime.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { sendJson } from './routes.js';
import { parseApiTime } from './time.js';

/** What the silence routes need from the repository (silence/repository.ts SilenceRepository). */
export interface SilenceStore {
  get(id: string): Silence | undefined;
  list(): Iterable<Silence>;
  extras(id: string): SilenceExtras;
  set(draft: SilenceDraft, options: { readonly nowMs: number; readonly extras?: SilenceExtras }): string;
  expire(id: string, nowMs: number): void;
}

export interface SilencesApiDeps {
  readonly clock: Clock;
  readonly silences: SilenceStore;
  /** Largest POST body accepted, in bytes (default 1 MiB: a silence is small). */
  readonly maxBodyBytes?: number;
}

/** A decoded POST /api/v2/silences body. */
export interface PostableSilence {
  readonly draft: SilenceDraft;
  readonly extras: SilenceExtras;
}

// Go's JSON decoder turns unpaired surrogates (`"\udcff"`) into U+FFFD; JSON.parse keeps them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');

const SILENCE_FIELDS = ['id', 'matchers', 'startsAt', 'endsAt', 'createdBy', 'comment', 'expireWhenResolved'] as const;
const MATCHER_FIELDS = ['name', 'value', 'isRegex', 'isEqual'] as const;

// Go's encoding/json fills struct fields from keys matched case-insensitively; the last wins.
function canonicalKeys(item: unknown, fields: readonly string[]): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    out[fields.find((f) => f.toLowerCase() === key.toLowerCase()) ?? key] = value;
  }
  return out;
}

/** Built on first use (util/lazy.ts: zod is not loaded at startup). */
const schemas = lazy(() => {
  const { z } = zod();
  const matcherSchema = z.looseObject({
    name: z.string().nullish(),
    value: z.string().nullish(),
    isRegex: z.boolean().nullish(),
    isEqual: z.boolean().nullish(),
  });
  const silenceSchema = z
    .looseObject({
      id: z.string().nullish(),
      matchers: z.array(matcherSchema.nullable()).nullish(),
      startsAt: z.string().nullish(),
      endsAt: z.string().nullish(),
      createdBy: z.string().nullish(),
      comment: z.string().nullish(),
      expireWhenResolved: z.boolean().nullish(),
    })
    .nullable();
  return { silenceSchema };
});

function badBody(reason: string): ApiError {
  return new ApiError(400, `parsing silence body failed: ${reason}`, { shape: 'openapi' });
}

function required(what: string): ApiError {
  return new ApiError(422, `${what} in body is required`, { shape: 'openapi', apiCode: 602 });
}

function decodeTime(value: string, field: string): number {
  try {
    return parseApiTime(value);
  } catch (err) {
    throw badBody(`${field}: ${(err as Error).message}`);
  }
}

/**
 * Decodes a POST /api/v2/silences body (raw text) in go-openapi's order: empty body 422;
 * bad JSON, wrong types or unparsable times 400; then required fields (comment, createdBy,
 * endsAt, matchers with at least one item each having isRegex, name, value; startsAt) 422.
 * `isEqual` defaults to true.
 */
export function decodePostableSilence(text: string): PostableSilence {
  if (text.trim() === '') throw required('silence');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw badBody((err as Error).message);
  }
  raw = canonicalKeys(raw, SILENCE_FIELDS);
  if (raw !== null && typeof raw === 'object' && Array.isArray((raw as { matchers?: unknown }).matchers)) {
    const r = raw as { matchers: unknown[] };
    raw = { ...r, matchers: r.matchers.map((m) => canonicalKeys(m, MATCHER_FIELDS)) };
  }
  const parsed = schemas().silenceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    throw badBody(`${where}: ${issue.message} (want an object with string id, createdBy, comment, startsAt, endsAt and matchers)`);
  }
  const body = parsed.data ?? {};
  // Times are parsed while decoding, before the schema's required checks (as Go does).
  const startsAtMs = body.startsAt == null ? undefined : decodeTime(body.startsAt, 'startsAt');
  const endsAtMs = body.endsAt == null ? undefined : decodeTime(body.endsAt, 'endsAt');

  if (body.comment == null) throw required('comment');
  if (body.createdBy == null) throw required('createdBy');
  if (endsAtMs === undefined) throw required('endsAt');
  if (body.matchers == null) throw required('matchers');
  if (body.matchers.length === 0) {
    throw new ApiError(422, 'matchers in body should have at least 1 items', { shape: 'openapi', apiCode: 612 });
  }
  const matchers: SilenceMatcher[] = body.matchers.map((m, i) => {
    if (m === null) throw required(`matchers.${i}`);
    if (m.isRegex == null) throw required(`matchers.${i}.isRegex`);
    if (m.name == null) throw required(`matchers.${i}.name`);
    if (m.value == null) throw required(`matchers.${i}.value`);
    return { name: wellFormed(m.name), value: wellFormed(m.value), isRegex: m.isRegex, isEqual: m.isEqual ?? true };
  });
  if (startsAtMs === undefined) throw required('startsAt');
  return {
    draft: {
      id: wellFormed(body.id ?? ''),
      matchers,
      startsAtMs,
      endsAtMs,
      createdBy: wellFormed(body.createdBy),
      comment: wellFormed(body.comment),
    },
    extras: body.expireWhenResolved == null ? {} : { expireWhenResolved: body.expireWhenResolved },
  };
}

/** gettableSilence, field for field and in Alertmanager's key order. */
export interface GettableSilence {
  id: string;
  status: { state: SilenceState };
  updatedAt: string;
  comment: string;
  createdBy: string;
  endsAt: string;
  matchers: { isEqual: boolean; isRegex: boolean; name: string; value: string }[];
  startsAt: string;
  expireWhenResolved?: boolean;
}

/** The API v2 JSON of a silence, its state computed at `nowMs`. */
export function toGettableSilence(silence: Silence, options: { readonly nowMs: number; readonly extras?: SilenceExtras }): GettableSilence {
  const out: GettableSilence = {
    id: silence.id,
    status: { state: silenceState(silence, options.nowMs) },
    updatedAt: formatApiTime(silence.updatedAtMs),
    comment: silence.comment,
    createdBy: silence.createdBy,
    endsAt: formatApiTime(silence.endsAtMs),
    matchers: silence.matchers.map((m) => ({ isEqual: m.isEqual, isRegex: m.isRegex, name: m.name, value: m.value })),
    startsAt: formatApiTime(silence.startsAtMs),
  };
  if (options.extras?.expireWhenResolved) out.expireWhenResolved = true;
  return out;
}

/**
 * Alertmanager's GET /silences filter: a silence is listed when every filter matcher appears
 * among its matchers with the same name, operator and value (not when it would match labels).
 */
export function silenceMatchesFilter(silence: Silence, filter: readonly Matcher[]): boolean {
  return filter.every((f) => silence.matchers.some((m) => m.name === f.name && m.value === f.value && matchTypeOf(m) === f.type));
}

const STATE_ORDER: Readonly<Record<SilenceState, number>> = { active: 1, pending: 2, expired: 3 };

/**
 * Alertmanager's SortSilences: active first, soonest end first; then pending, soonest start
 * first; then expired, latest end first. 0 for equal times (see listSilences for ties).
 */
export function compareSilencesForListing(a: Silence, b: Silence, nowMs: number): number {
  const sa = silenceState(a, nowMs);
  const sb = silenceState(b, nowMs);
  if (sa !== sb) return STATE_ORDER[sa] - STATE_ORDER[sb];
  if (sa === 'active') return a.endsAtMs - b.endsAtMs;
  if (sa === 'pending') return a.startsAtMs - b.startsAtMs;
  return b.endsAtMs - a.endsAtMs;
}

/**
 * GET /api/v2/silences: the silences passing the filter, as JSON, in Alertmanager's order.
 * `silences` come least recently written first; equal times (same millisecond) keep that order,
 * reversed among expired ones, as Alertmanager's nanosecond times would order them.
 */
export function listSilences(
  silences: Iterable<Silence>,
  options: { readonly filter: readonly Matcher[]; readonly nowMs: number; readonly extras: (id: string) => SilenceExtras },
): GettableSilence[] {
  const { nowMs } = options;
  return [...silences]
    .filter((s) => silenceMatchesFilter(s, options.filter))
    .map((silence, written) => ({ silence, written }))
    .sort(
      (a, b) =>
        compareSilencesForListing(a.silence, b.silence, nowMs) ||
        (silenceState(a.silence, nowMs) === 'expired' ? b.written - a.written : a.written - b.written),
    )
    .map(({ silence }) => toGettableSilence(silence, { nowMs, extras: options.extras(silence.id) }));
}

/** Reads the `filter` query parameters; throws ApiError 400 (JSON string) for one that is not a matcher. */
export function parseSilenceFilter(query: Readonly<Record<string, unknown>>): Matcher[] {
  const raw = query.filter;
  const texts = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  return texts.map((text) => {
    try {
      return parseMatcher(text);
    } catch (err) {
      throw new ApiError(400, (err as Error).message, { shape: 'payload', cause: err });
    }
  });
}

// go-openapi's strfmt UUID check (hyphens optional, any case); lookups then use the text as given.
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function silenceIdParam(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!UUID.test(id)) {
    throw new ApiError(422, `silenceID in path must be of type uuid: ${JSON.stringify(id)}`, { shape: 'openapi', apiCode: 601 });
  }
  return id;
}


function notFound(res: Response): void {
  res.status(404).end();
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The silence routes, to mount at `<route prefix>/api/v2` (paths `/silences` and
 * `/silence/:id`). Errors are thrown as ApiError for the app's error middleware.
 */
export function silencesRouter(deps: SilencesApiDeps): Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  router
    .route('/silences')
    // Declared before GET so that HEAD is refused as Alertmanager does instead of served as GET.
    .head(methodNotAllowed('GET,POST'))
    .get((req, res) => {
      const filter = parseSilenceFilter(req.query);
      const { silences, clock } = deps;
      sendJson(res, listSilences(silences.list(), { filter, nowMs: clock.nowMs(), extras: (id) => silences.extras(id) }));
    })
    .post(express.text({ type: () => true, limit }), (req, res) => {
      if (!req.is('application/json')) {
        const type = req.headers['content-type'] || 'application/octet-stream';
        throw new ApiError(415, `unsupported media type ${JSON.stringify(type)}, only [application/json] are allowed`, {
          shape: 'openapi',
        });
      }
      const { draft, extras } = decodePostableSilence(typeof req.body === 'string' ? req.body : '');
      const nowMs = deps.clock.nowMs();
      if (draft.startsAtMs >= draft.endsAtMs) {
        throw new ApiError(400, 'Failed to create silence: start time must be before end time', { shape: 'payload' });
      }
      if (draft.endsAtMs < nowMs) {
        throw new ApiError(400, "Failed to create silence: end time can't be in the past", { shape: 'payload' });
      }
      let id: string;
      try {
        id = deps.silences.set(draft, { nowMs, extras });
      } catch (err) {
        if (!(err instanceof SilenceError)) throw err;
        throw new ApiError(err.code === 'silence_not_found' ? 404 : 400, err.message, { shape: 'payload', cause: err });
      }
      sendJson(res, { silenceID: id });
    })
    .all(methodNotAllowed('GET,POST'));

  router
    .route('/silence/:id')
    .head(methodNotAllowed('GET,DELETE'))
    .get((req, res) => {
      const silence = deps.silences.get(silenceIdParam(req));
      if (silence === undefined) return notFound(res);
      sendJson(res, toGettableSilence(silence, { nowMs: deps.clock.nowMs(), extras: deps.silences.extras(silence.id) }));
    })
    .delete((req, res) => {
      const id = silenceIdParam(req);
      if (deps.silences.get(id) === undefined) return notFound(res);
      deps.silences.expire(id, deps.clock.nowMs());
      res.status(200).end();
    })
    .all(methodNotAllowed('GET,DELETE'));

  return router;
}
