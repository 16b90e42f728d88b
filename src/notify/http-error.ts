/**
 * What the HTTP client notifiers send with (http.ts) and its OAuth 2.0 token source (oauth2.ts)
 * share, in a module of its own so that neither imports the other: their error, how a URL is
 * shown, and how an http_config secret file is read.
 */
import { readFile } from 'node:fs/promises';
import { AlertrouterError } from '../util/errors.js';

/**
 * A request that got no usable HTTP answer: refused, reset, TLS failure, timeout, aborted, a
 * file of the http_config unreadable, or no OAuth 2.0 token to send with it.
 */
export class HttpRequestError extends AlertrouterError {
  /**
   * `timeout`, `aborted`, `config` (a file of the http_config unreadable, or a setting no retry
   * can fix), `oauth2` (the token endpoint gave no token: a retry can help) or `network`.
   */
  readonly reason: 'timeout' | 'aborted' | 'config' | 'oauth2' | 'network';
  constructor(reason: HttpRequestError['reason'], message: string, options?: { cause?: unknown }) {
    super(`http_${reason}`, message, options);
    this.reason = reason;
  }
}

/**
 * A URL as errors and logs show it: scheme, host and path, never the credentials or query it
 * may carry. Text that is no URL shows as `<unparsable url>`.
 */
export function describeUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return UNPARSABLE_URL;
  }
}

/** How describeUrl shows text that is no URL. */
export const UNPARSABLE_URL = '<unparsable url>';

/**
 * What went wrong with the request `method url`, as the client's error says it, without the
 * `<method> <url>: ` it starts with: for callers whose own message names the URL already, so it
 * reads once. Any other text (a redirect's next URL, a proxy, a file of the http_config) is
 * returned whole.
 */
export function requestFailure(err: unknown, method: string, url: string | URL): string {
  const text = err instanceof Error ? err.message : String(err);
  const said = `${method} ${describeUrl(url)}: `;
  return text.startsWith(said) ? text.slice(said.length) : text;
}

/**
 * An http_config secret file's content, trimmed as Prometheus trims secret files (a trailing
 * newline from `echo` does not end up in a header); `what` names the setting in the error.
 * Rejects with HttpRequestError `config` when the file cannot be read.
 */
export async function readSecretFile(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw new HttpRequestError('config', `http_config: cannot read ${what} ${JSON.stringify(path)}: ${(err as Error).message}`, { cause: err });
  }
}
