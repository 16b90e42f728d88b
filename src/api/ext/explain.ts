/**
 * GET <route prefix>/api/ext/v1/alerts/{fingerprint}/explain: why an alert is or is not
 * notified (explain/explain.ts). 404 when no alert with that fingerprint is held.
 */
import express, { type Router } from 'express';
import type { Explanation } from '../../explain/explain.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { sendJson } from '../v2/routes.js';

/** The route, to mount at `<route prefix>/api/ext/v1`; `explain` answers for the state now. */
export function explainRouter(deps: { explain(fingerprint: string): Explanation | undefined }): Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  router
    .route('/alerts/:fingerprint/explain')
    .get((req, res) => {
      const fingerprint = String(req.params.fingerprint);
      const explanation = deps.explain(fingerprint);
      if (!explanation) throw new ApiError(404, `alert ${JSON.stringify(fingerprint)} not found (no alert with that fingerprint is held)`, { shape: 'openapi' });
      sendJson(res, explanation);
    })
    .all(methodNotAllowed('GET'));
  return router;
}
