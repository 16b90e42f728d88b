/**
 * GET <route prefix>/api/ext/v1/notifications: the notification history, newest first,
 * filtered by receiver, group key, integration, outcome and alert fingerprint (alertrouter's
 * extension; Alertmanager has nothing like it).
 */
import express, { type Router } from 'express';
import type { HistoryEntry, HistoryQuery } from '../../history/history.js';
import { formatApiTime } from '../../util/gotime.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { sendJson } from '../v2/routes.js';

/** What the route needs (history/history.ts NotificationHistory satisfies it). */
export interface HistorySource {
  query(q: HistoryQuery): HistoryEntry[];
}

export const DEFAULT_HISTORY_LIMIT = 100;
export const MAX_HISTORY_LIMIT = 1000;

const OUTCOMES = ['success', 'retry', 'failed'] as const;
const FILTERS = ['receiver', 'groupKey', 'integration', 'fingerprint', 'outcome', 'limit'] as const;

/** One attempt as the API shows it. */
export interface GettableNotification {
  readonly time: string;
  readonly receiver: string;
  readonly integration: string;
  readonly index: number;
  readonly groupKey: string;
  readonly fingerprints: readonly string[];
  readonly alerts: number;
  readonly firing: number;
  readonly resolved: number;
  readonly attempt: number;
  readonly outcome: string;
  readonly error?: string;
  readonly latencySeconds: number;
}

function badRequest(message: string): ApiError {
  return new ApiError(400, message, { shape: 'openapi' });
}

/** Reads the filters from a query string; throws ApiError 400 for a repeated, unknown-valued or malformed one. */
export function parseHistoryQuery(query: Readonly<Record<string, unknown>>): HistoryQuery {
  const one = (name: (typeof FILTERS)[number]): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw badRequest(`query parameter ${name} given more than once (want it at most once)`);
    return value;
  };
  let limit = DEFAULT_HISTORY_LIMIT;
  const limitText = one('limit');
  if (limitText !== undefined) {
    limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
      throw badRequest(`query parameter limit: want an integer from 1 to ${MAX_HISTORY_LIMIT} (got ${JSON.stringify(limitText)})`);
    }
  }
  const outcome = one('outcome');
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw badRequest(`query parameter outcome: want one of ${OUTCOMES.join(', ')} (got ${JSON.stringify(outcome)})`);
  }
  const q: { -readonly [K in keyof HistoryQuery]: HistoryQuery[K] } = { limit };
  for (const name of ['receiver', 'groupKey', 'integration', 'fingerprint'] as const) {
    const value = one(name);
    if (value !== undefined) q[name] = value;
  }
  if (outcome !== undefined) q.outcome = outcome as HistoryQuery['outcome'];
  return q;
}

/** The API form of a history entry. */
export function toGettableNotification(e: HistoryEntry): GettableNotification {
  return {
    time: formatApiTime(e.atMs),
    receiver: e.receiver,
    integration: e.integration,
    index: e.index,
    groupKey: e.groupKey,
    fingerprints: e.fingerprints,
    alerts: e.fingerprints.length,
    firing: e.firing,
    resolved: e.fingerprints.length - e.firing,
    attempt: e.attempt,
    outcome: e.outcome,
    ...(e.error !== undefined ? { error: e.error } : {}),
    latencySeconds: Math.round(e.latencyMs) / 1000,
  };
}

/** The route, to mount at `<route prefix>/api/ext/v1`. */
export function notificationsRouter(deps: { readonly history: HistorySource }): Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  router
    .route('/notifications')
    .get((req, res) => {
      sendJson(res, deps.history.query(parseHistoryQuery(req.query)).map(toGettableNotification));
    })
    .all(methodNotAllowed('GET'));
  return router;
}
