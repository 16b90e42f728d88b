/**
 * The API v2 router: Alertmanager's OpenAPI operations for alerts, alert groups, status and
 * receivers (silences belong to the silences module and mount beside it). Handlers are thin:
 * decode at the edge, call the pure functions, write JSON as go-openapi does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Alert } from '../../alert/alert.js';
import { formatApiTime } from '../../util/gotime.js';
import type { ApiAlertStatus, ApiDeps } from '../deps.js';
import { answerError, ApiError, methodNotAllowed } from '../errors.js';
import { listAlertGroups, listAlerts, parseAlertQuery, type ListContext } from './alerts.js';
import { decodePostableAlerts, prepareAlerts } from './postable.js';

/** Writes `value` as go-openapi's JSON producer does (json.Encoder: a newline at the end). */
export function sendJson(res: Response, value: unknown): void {
  res.status(200).type('application/json').send(JSON.stringify(value) + '\n');
}

const CHUNK_CHARS = 256 * 1024;

// A client that goes away never drains; its 'close' must end the wait too.
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a JSON array item by item in chunks, waiting for the socket to drain: a listing of
 * 100k alerts is tens of megabytes, and one giant string costs more in copies and GC than
 * the encoding itself. Same bytes as sendJson.
 */
export async function sendJsonArray(res: Response, items: readonly unknown[]): Promise<void> {
  res.status(200).type('application/json');
  let chunk = '[';
  for (let i = 0; i < items.length; i++) {
    chunk += (i === 0 ? '' : ',') + JSON.stringify(items[i]);
    if (chunk.length >= CHUNK_CHARS) {
      if (!res.write(chunk)) await drainedOrClosed(res);
      if (res.destroyed) return;
      chunk = '';
    }
  }
  res.end(chunk + ']\n');
}

/**
 * The body of POST /api/v2/alerts taken in (JSON text, '' when absent): Alertmanager's rules,
 * then stored; throws ApiError for a refused body or alerts (the valid ones are stored anyway).
 */
async function acceptAlerts(deps: ApiDeps, text: string): Promise<void> {
  const postables = decodePostableAlerts(text);
  const posted = { body: text, nowMs: deps.clock.nowMs(), resolveTimeoutMs: deps.config().global.resolveTimeoutMs };
  const { valid, errors, firing, resolved } = prepareAlerts(postables, posted);
  deps.alertsReceived?.({ firing, resolved, invalid: errors.length });
  // Like Alertmanager, the valid alerts of a batch are stored even when others are refused.
  try {
    // The body decodes to these alerts again (decodePostedBody): persistence records it as it is.
    await deps.alerts.put(valid, { posted });
  } catch (err) {
    throw new ApiError(500, `storing alerts failed: ${(err as Error).message}`, { shape: 'payload', cause: err });
  }
  if (errors.length > 0) throw new ApiError(400, errors.join('; '), { shape: 'payload' });
}

// `application/json`, alone or with a UTF-8 charset: what the fast path reads as it is.
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

function readUtf8Body(req: IncomingMessage, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const aborted = (): void => reject(new ApiError(400, 'reading request body failed: request aborted', { shape: 'openapi' }));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('error', aborted);
    req.once('close', () => {
      if (!req.complete) aborted();
    });
    req.once('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)).toString('utf8');
      // iconv-lite, behind express.text, drops a byte-order mark: so does this.
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    });
  });
}

/** Adds `Origin` to the Vary header as express's res.vary does (kept when listed or `*`). */
function varyOrigin(res: ServerResponse): void {
  const current = res.getHeader('Vary');
  if (current === undefined) {
    res.setHeader('Vary', 'Origin');
    return;
  }
  const list = Array.isArray(current) ? current.join(', ') : String(current);
  if (!list.split(',').some((f) => ['*', 'origin'].includes(f.trim().toLowerCase()))) res.setHeader('Vary', `${list}, Origin`);
}

/**
 * POST <route prefix>/api/v2/alerts as senders make it (JSON in UTF-8, a Content-Length within
 * the limit, no Content-Encoding, no query), taken before the request reaches express: express's
 * per-request set-up (prototype swaps, router, body parser) cost about as much as decoding 100
 * alerts, and doubled what a single-alert POST allocated. Returns false, having done nothing,
 * for any other request (the caller hands it to express). Status, headers, bodies and log
 * lines are the same either way (errors through errors.ts's answerError).
 */
export function postAlertsFastPath(
  deps: ApiDeps,
  options: { readonly path: string; readonly maxBodyBytes: number; readonly logger: Logger },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const { headers } = req;
    const length = Number(headers['content-length']);
    if (
      req.method !== 'POST' ||
      req.url !== options.path ||
      !PLAIN_JSON.test(headers['content-type'] ?? '') ||
      (headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity') ||
      headers['transfer-encoding'] !== undefined ||
      !(length <= options.maxBodyBytes)
    ) {
      return false;
    }
    // What the v2 router's CORS middleware does for a request that is not a preflight.
    varyOrigin(res);
    if (headers.origin !== undefined) res.setHeader('Access-Control-Allow-Origin', '*');
    readUtf8Body(req, length)
      .then((text) => acceptAlerts(deps, text))
      .then(
        () => {
          res.statusCode = 200;
          res.end();
        },
        (err: unknown) => {
          if (res.headersSent) res.destroy();
          else answerError(err, { method: 'POST', path: options.path }, res, options.logger);
        },
      );
    return true;
  };
}

// rs/cors' defaults, which Alertmanager wraps API v2 in: any origin, simple methods.
const CORS_METHODS = new Set(['GET', 'POST', 'HEAD']);
const CORS_HEADERS = new Set(['origin', 'accept', 'content-type', 'x-requested-with']);

function cors(req: Request, res: Response, next: () => void): void {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  res.vary('Origin');
  if (!preflight) {
    if (origin !== undefined) res.setHeader('Access-Control-Allow-Origin', '*');
    next();
    return;
  }
  res.vary('Access-Control-Request-Method');
  res.vary('Access-Control-Request-Headers');
  const method = String(req.headers['access-control-request-method']).toUpperCase();
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  if (origin !== undefined && CORS_METHODS.has(method) && requested.every((h) => CORS_HEADERS.has(h))) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', method);
    if (requested.length > 0) res.setHeader('Access-Control-Allow-Headers', requested.join(', '));
  }
  res.status(200).end();
}

/** Options of the v2 router. */
export interface V2RouterOptions {
  /** Largest POST body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Adds more operations before the 404 fallback. */
  readonly extend?: ((router: Router) => void) | undefined;
}

/** The router to mount at `<route prefix>/api/v2`. */
export function createV2Router(deps: ApiDeps, options: V2RouterOptions): Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  router.use(cors);

  // One request asks for an alert's status up to twice per group holding it (filter, then
  // output); the muters are asked once per alert and request.
  const listContext = (): ListContext => {
    const statuses = new Map<string, ApiAlertStatus>();
    return {
      nowMs: deps.clock.nowMs(),
      statusOf: (alert: Alert) => {
        let status = statuses.get(alert.fingerprint);
        if (status === undefined) {
          deps.refreshStatus?.(alert);
          status = deps.marker.status(alert.fingerprint);
          statuses.set(alert.fingerprint, status);
        }
        return status;
      },
    };
  };

  // HEAD is declared before GET on every route, or express would serve it as GET: Alertmanager's
  // API v2 refuses it with 405 (its spec lists no HEAD operation).
  router
    .route('/alerts')
    .head(methodNotAllowed('POST,GET'))
    .get(async (req, res) => {
      const query = parseAlertQuery(req.query);
      await sendJsonArray(res, listAlerts(deps.alerts.list(), query, { ...listContext(), receiversFor: (l) => deps.receiversFor(l) }));
    })
    .post(express.text({ type: () => true, limit: options.maxBodyBytes }), async (req, res) => {
      if (!req.is('application/json')) {
        const type = req.headers['content-type'] || 'application/octet-stream';
        throw new ApiError(415, `unsupported media type ${JSON.stringify(type)}, only [application/json] are allowed`, {
          shape: 'openapi',
        });
      }
      await acceptAlerts(deps, typeof req.body === 'string' ? req.body : '');
      res.status(200).end();
    })
    .all(methodNotAllowed('POST,GET'));

  router
    .route('/alerts/groups')
    .head(methodNotAllowed('GET'))
    .get(async (req, res) => {
      const query = parseAlertQuery(req.query);
      await sendJsonArray(res, listAlertGroups(deps.groups(), query, listContext()));
    })
    .all(methodNotAllowed('GET'));

  router
    .route('/status')
    .head(methodNotAllowed('GET'))
    .get((_req, res) => {
      const v = deps.versionInfo;
      const peer = { address: deps.peer.address, name: deps.peer.name };
      sendJson(res, {
        // Clustering is off, so this instance is the cluster's one and only peer.
        cluster: { name: deps.peer.name, peers: [peer], status: 'disabled' },
        config: { original: deps.config().original },
        uptime: formatApiTime(deps.startedAtMs),
        versionInfo: {
          branch: v.branch,
          buildDate: v.buildDate,
          buildUser: v.buildUser,
          goVersion: v.goVersion,
          revision: v.revision,
          version: v.version,
        },
      });
    })
    .all(methodNotAllowed('GET'));

  router
    .route('/receivers')
    .head(methodNotAllowed('GET'))
    .get((_req, res) => {
      sendJson(res, deps.config().receivers.map((r) => ({ name: r.name })));
    })
    .all(methodNotAllowed('GET'));

  options.extend?.(router);
  router.use((req) => {
    // The path as the API sees it, without the route prefix, as Alertmanager says it.
    throw new ApiError(404, `path /api/v2${req.path} was not found`, { shape: 'openapi' });
  });
  return router;
}
