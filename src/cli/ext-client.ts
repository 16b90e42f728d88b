/**
 * The CLI's client for alertrouter's own endpoints under `/api/ext/v1` (template data, test
 * notifications): one JSON request to `--alertmanager.url`, its refusals turned into errors
 * that carry the server's message.
 */
import { AlertrouterError } from '../util/errors.js';

/** A request to the daemon that failed: not reachable, timed out, or refused (with its message). */
export class ExtClientError extends AlertrouterError {
  /** The HTTP status when the daemon answered; undefined when it could not be reached. */
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super('ext_request_failed', message, { cause: options.cause });
    this.status = options.status;
  }
}

export interface ExtRequest {
  /** --alertmanager.url, e.g. `http://localhost:9093/` or `https://am.example.com/prefix`. */
  readonly baseUrl: string;
  readonly method: 'GET' | 'POST';
  /** Below `/api/ext/v1`, e.g. `/templates/data`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

/** The URL of an ext endpoint below `baseUrl` (which may carry a route prefix). Throws ExtClientError for a bad base. */
export function extUrl(baseUrl: string, path: string, query: ExtRequest['query'] = {}): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch (err) {
    throw new ExtClientError(`--alertmanager.url ${JSON.stringify(baseUrl)} is not a URL (want e.g. http://localhost:9093)`, { cause: err });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ExtClientError(`--alertmanager.url ${JSON.stringify(baseUrl)}: want an http or https URL`);
  }
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/api/ext/v1${path}`;
  url.search = '';
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/**
 * Sends the request and resolves with the JSON answer of a 2xx response. Rejects with
 * ExtClientError saying what failed: the `message` of the server's `{"code", "message"}` for a
 * refusal, the network error or the timeout otherwise.
 */
export async function requestExt(req: ExtRequest): Promise<unknown> {
  const url = extUrl(req.baseUrl, req.path, req.query);
  // fetch refuses URLs with credentials: send `https://user:pass@host` as basic auth instead
  // (a daemon behind --web.config.file basic_auth_users), and keep the password out of messages.
  const headers: Record<string, string> = req.body === undefined ? {} : { 'content-type': 'application/json' };
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers['authorization'] = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
    url.username = '';
    url.password = '';
  }
  const where = `${req.method} ${url.href}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: req.method,
      headers,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${req.timeoutMs}ms` : describeFetchError(err);
    throw new ExtClientError(`${where}: ${reason}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status > 299) {
    const refusal = json as { message?: unknown } | undefined;
    const message = typeof refusal?.message === 'string' ? refusal.message : text.trim().slice(0, 500);
    const hint = res.status === 404 && json === undefined ? ' (is this an alertrouter? Alertmanager has no /api/ext/v1)' : '';
    throw new ExtClientError(`${where}: ${res.status} ${message}${hint}`, { status: res.status });
  }
  if (json === undefined) throw new ExtClientError(`${where}: answer is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  return json;
}

// fetch's own message is a bare "fetch failed"; the reason (ECONNREFUSED …) is in its cause.
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
