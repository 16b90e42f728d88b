/**
 * The HTTP application Alertmanager users talk to: API v2 under `<route prefix>/api/v2`,
 * health, readiness and reload under `<route prefix>/-/`, constructible from ApiDeps alone so
 * the daemon's wiring is a few lines (and tests run it on 127.0.0.1:0 with real parts).
 */
import type { RequestListener } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { ApiDeps } from './deps.js';
import { redirectUncleanPath, sendRedirect } from './redirect.js';
import { ApiError, apiErrorHandler, sendApiError } from './errors.js';
import { createV2Router, postAlertsFastPath } from './v2/routes.js';

export interface ApiAppOptions {
  /** `--web.route-prefix` as normalised by resolveWebUrls (web/address.ts): `/` or `/path` without trailing slash. */
  readonly routePrefix: string;
  readonly logger: Logger;
  /** Largest request body accepted; Alertmanager has no limit, so the default is generous. */
  readonly maxBodyBytes?: number;
  /**
   * Adds further API v2 operations (e.g. the silences module's /silences routes) to the v2
   * router, ahead of its 404 fallback, so they share its CORS handling and error shapes.
   */
  readonly extendV2?: (router: Router) => void;
  /**
   * alertrouter's own endpoints (recurring silences, notification history, explain, templates,
   * test notifications), mounted at `<route prefix>/api/ext/v1`, outside Alertmanager's API.
   */
  readonly extendExt?: (router: Router) => void;
  /**
   * Further routes directly under the route prefix (e.g. `/metrics`), beside `/-/` and the
   * APIs, ahead of the 404 fallback and sharing the error middleware.
   */
  readonly extraRoutes?: (web: Router) => void;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

// Alertmanager 0.27 removed API v1 and answers its paths like this; alertrouter never had it.
const V1_GONE = JSON.stringify({
  status: 'deprecated',
  error:
    'The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 - please use the equivalent route in the v2 API',
});

function textOk(_req: Request, res: Response): void {
  res.status(200).type('text/plain; charset=utf-8').send('OK');
}

type Handler = (req: Request, res: Response) => void | Promise<void>;

/**
 * Serves `path` with `handlers` the way Alertmanager's router (httprouter) serves its routes
 * outside API v2: OPTIONS answers 200 with no body, any other method not listed (HEAD
 * included, unless listed) 405 `Method Not Allowed`; both with `Allow`, the methods and OPTIONS
 * in alphabetical order (`GET, HEAD, OPTIONS`).
 */
export function routeAsAlertmanager(web: Router, path: string, handlers: Readonly<Partial<Record<'GET' | 'HEAD' | 'POST', Handler>>>): void {
  const allow = [...Object.keys(handlers), 'OPTIONS'].sort().join(', ');
  web.all(path, async (req, res) => {
    const handler = handlers[req.method as 'GET' | 'HEAD' | 'POST'];
    if (handler !== undefined) return handler(req, res);
    if (req.method === 'OPTIONS') {
      res.status(200).setHeader('Allow', allow).end();
      return;
    }
    sendApiError(res, new ApiError(405, 'Method Not Allowed', { shape: 'text', headers: { Allow: allow } }));
  });
}

/**
 * Builds the API as a node:http request handler: alert ingest's fast path, the redirect of an
 * unclean path (redirect.ts), then the express application for everything else. It holds no
 * state of its own beyond `deps`.
 */
export function createApiApp(deps: ApiDeps, options: ApiAppOptions): RequestListener {
  const { logger } = options;
  const app = express();
  app.set('etag', false);
  app.set('x-powered-by', false);
  app.set('case sensitive routing', true);
  app.set('query parser', 'simple');

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const web = express.Router({ caseSensitive: true });
  web.use('/api/v2', createV2Router(deps, { maxBodyBytes, extend: options.extendV2 }));
  web.all(/^\/api\/v1\/(?:status|receivers|alerts|silences|silence\/[^/]+)$/, (req, res) => {
    logger.warn({ path: req.path, method: req.method }, 'v1 API received a request on a removed endpoint');
    res.status(410).type('application/json').send(V1_GONE + '\n');
  });
  if (options.extendExt) {
    const ext = express.Router({ caseSensitive: true, strict: false });
    options.extendExt(ext);
    // As under /api/v2: an unknown path answers in the API's JSON error shape, not as text.
    ext.use((req) => {
      throw new ApiError(404, `path ${req.originalUrl.split('?')[0]} was not found`, { shape: 'openapi' });
    });
    web.use('/api/ext/v1', ext);
  }
  options.extraRoutes?.(web);
  routeAsAlertmanager(web, '/-/healthy', { GET: textOk, HEAD: textOk });
  routeAsAlertmanager(web, '/-/ready', { GET: textOk, HEAD: textOk });
  routeAsAlertmanager(web, '/-/reload', {
    POST: async (_req, res) => {
      try {
        await deps.reload();
      } catch (err) {
        // Answered here, not thrown to the error middleware: reload() has logged the failure
        // (as for SIGHUP), and one failed reload should read once in the log, not three times.
        sendApiError(res, new ApiError(500, `failed to reload config: ${(err as Error).message}`, { shape: 'text' }));
        return;
      }
      res.status(200).end();
    },
  });

  if (options.routePrefix !== '/') {
    app.get('/', (req, res) => sendRedirect(req, res, 302, options.routePrefix));
    app.use(options.routePrefix, web);
  } else {
    app.use(web);
  }
  app.use((_req, res) => {
    res.status(404).type('text/plain; charset=utf-8').send('404 page not found\n');
  });
  app.use(apiErrorHandler(logger));

  // Alert ingest first, before express (the hot path; see postAlertsFastPath).
  const prefix = options.routePrefix === '/' ? '' : options.routePrefix;
  const ingest = postAlertsFastPath(deps, { path: `${prefix}/api/v2/alerts`, maxBodyBytes, logger });
  return (req, res) => {
    if (!ingest(req, res) && !redirectUncleanPath(req, res)) app(req, res);
  };
}
