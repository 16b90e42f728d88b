/**
 * alertrouter's recurring-silence API (not part of Alertmanager's): under `/api/ext/v1`,
 * GET and POST `/recurring-silences`, GET and DELETE `/recurring-silences/:id`. Each window of
 * a recurring silence also appears as an ordinary silence in /api/v2/silences.
 *
 * Errors use the `{"code","message"}` shape: 400 for a malformed or invalid body, 404 for an
 * unknown id, 415 for a body that is not JSON.
 */
import express, { type Request, type Router } from 'express';
import { lazy, zod } from '../../util/lazy.js';
import { RecurringSilenceError, type RecurringSilence, type RecurringSilenceSpec, type SilenceWindow } from '../../silence/recurring.js';
import type { Clock } from '../../util/clock.js';
import { DurationError, formatDuration, parseDuration } from '../../util/duration.js';
import { formatApiTime } from '../../util/gotime.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { sendJson } from '../v2/routes.js';

/** What the routes need (silence/recurring-store.ts RecurringSilences satisfies it). */
export interface RecurringSilenceStore {
  create(spec: RecurringSilenceSpec): RecurringSilence;
  get(id: string): RecurringSilence | undefined;
  list(): RecurringSilence[];
  delete(id: string): boolean;
  windowSilenceIds(id: string): string[];
  nextWindows(recurring: RecurringSilence, options: { readonly nowMs: number; readonly count: number }): SilenceWindow[];
}

export interface RecurringSilencesApiDeps {
  readonly clock: Clock;
  readonly recurring: RecurringSilenceStore;
}

/** Built on first use (util/lazy.ts: zod is not loaded at startup). */
const schemas = lazy(() => {
  const { z } = zod();
  const bodySchema = z.object({
    matchers: z
      .array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().default(true) }))
      .min(1),
    schedule: z.string(),
    duration: z.string(),
    timeZone: z.string().default('UTC'),
    createdBy: z.string(),
    comment: z.string(),
    expireWhenResolved: z.boolean().default(false),
  });
  return { bodySchema };
});

function badRequest(message: string, cause?: unknown): ApiError {
  return new ApiError(400, message, { shape: 'openapi', cause });
}

/**
 * Decodes a POST body into a spec (fields checked, not yet the schedule's meaning). Throws
 * ApiError 400 naming the first bad field.
 */
export function decodeRecurringSilence(text: string): RecurringSilenceSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw badRequest(`parsing recurring silence body failed: ${(err as Error).message}`, err);
  }
  const parsed = schemas().bodySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    throw badRequest(
      `${where}: ${issue.message} (want {matchers: [{name, value, isRegex, isEqual?}], schedule, duration, timeZone?, createdBy, comment, expireWhenResolved?})`,
    );
  }
  const body = parsed.data;
  let durationMs: number;
  try {
    durationMs = parseDuration(body.duration);
  } catch (err) {
    if (err instanceof DurationError) throw badRequest(`duration: ${err.message}`, err);
    throw err;
  }
  return {
    matchers: body.matchers,
    schedule: body.schedule,
    durationMs,
    timeZone: body.timeZone,
    createdBy: body.createdBy,
    comment: body.comment,
    expireWhenResolved: body.expireWhenResolved,
  };
}

/** A recurring silence as the API shows it, with its next windows and the silences made so far. */
export interface GettableRecurringSilence {
  id: string;
  matchers: { isEqual: boolean; isRegex: boolean; name: string; value: string }[];
  schedule: string;
  duration: string;
  timeZone: string;
  createdBy: string;
  comment: string;
  expireWhenResolved: boolean;
  createdAt: string;
  nextWindows: { startsAt: string; endsAt: string }[];
  silenceIds: string[];
}

const NEXT_WINDOWS = 3;

function toGettable(store: RecurringSilenceStore, r: RecurringSilence, nowMs: number): GettableRecurringSilence {
  return {
    id: r.id,
    matchers: r.matchers.map((m) => ({ isEqual: m.isEqual, isRegex: m.isRegex, name: m.name, value: m.value })),
    schedule: r.schedule,
    duration: formatDuration(r.durationMs),
    timeZone: r.timeZone,
    createdBy: r.createdBy,
    comment: r.comment,
    expireWhenResolved: r.expireWhenResolved,
    createdAt: formatApiTime(r.createdAtMs),
    nextWindows: store
      .nextWindows(r, { nowMs, count: NEXT_WINDOWS })
      .map((w) => ({ startsAt: formatApiTime(w.startsAtMs), endsAt: formatApiTime(w.endsAtMs) })),
    silenceIds: store.windowSilenceIds(r.id),
  };
}

function notFound(req: Request): ApiError {
  return new ApiError(404, `recurring silence ${JSON.stringify(req.params.id)} not found`, { shape: 'openapi' });
}

/** The routes, to mount at `<route prefix>/api/ext/v1`. */
export function recurringSilencesRouter(deps: RecurringSilencesApiDeps): Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  const { recurring, clock } = deps;

  router
    .route('/recurring-silences')
    .get((_req, res) => {
      const nowMs = clock.nowMs();
      sendJson(res, recurring.list().map((r) => toGettable(recurring, r, nowMs)));
    })
    .post(express.text({ type: () => true, limit: 1024 * 1024 }), (req, res) => {
      if (!req.is('application/json')) {
        const type = req.headers['content-type'] || 'application/octet-stream';
        throw new ApiError(415, `unsupported media type ${JSON.stringify(type)} (want application/json)`, { shape: 'openapi' });
      }
      const spec = decodeRecurringSilence(typeof req.body === 'string' ? req.body : '');
      let created: RecurringSilence;
      try {
        created = recurring.create(spec);
      } catch (err) {
        if (err instanceof RecurringSilenceError) throw badRequest(err.message, err);
        throw err;
      }
      sendJson(res, toGettable(recurring, created, clock.nowMs()));
    })
    .all(methodNotAllowed('GET,POST'));

  router
    .route('/recurring-silences/:id')
    .get((req, res) => {
      const r = recurring.get(String(req.params.id));
      if (r === undefined) throw notFound(req);
      sendJson(res, toGettable(recurring, r, clock.nowMs()));
    })
    .delete((req, res) => {
      if (!recurring.delete(String(req.params.id))) throw notFound(req);
      res.status(200).end();
    })
    .all(methodNotAllowed('GET,DELETE'));

  return router;
}
