/**
 * The HTTP client notifiers send with, honouring an `http_config` as Prometheus' common/config
 * client does: basic auth (password or password_file), an Authorization header (credentials or
 * credentials_file; bearer_token folded in), tls_config (CA, client certificate, server name,
 * insecure_skip_verify, min/max version), follow_redirects, proxy_url (with CONNECT for https),
 * oauth2 client credentials (oauth2.ts), plus a per-request timeout and AbortSignal. Secret
 * files are read on every request, so a rotated token or certificate is picked up without a
 * reload.
 *
 * Built on node:http/https: Node 20's global fetch takes no custom TLS options without undici.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { HttpClientConfig, TlsConfig } from '../config/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { describeUrl, HttpRequestError, readSecretFile } from './http-error.js';
import { MAX_TOKEN_RESPONSE_BYTES, OAuth2TokenSource } from './oauth2.js';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Gives up after this long in total (connect, send, answer); 0 or absent: no limit. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The answer's body, cut at maxResponseBytes (enough for an error message). */
  readonly body: string;
}

export interface HttpClientOptions {
  /** Largest part of a response body kept; the rest is drained. */
  readonly maxResponseBytes?: number;
  /** Times the request timeout (tests move it instead of waiting). */
  readonly clock?: Clock;
}

const MAX_REDIRECTS = 10;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const TLS_VERSIONS: Readonly<Record<string, tls.SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

async function readPem(path: string | undefined, what: string): Promise<Buffer | undefined> {
  if (path === undefined || path === '') return undefined;
  try {
    return await readFile(path);
  } catch (err) {
    throw new HttpRequestError('config', `tls_config: cannot read ${what} ${JSON.stringify(path)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * The Authorization header for an http_config's fixed credentials (basic_auth, authorization,
 * bearer_token), if any, files read now. oauth2 is not one of them: its token comes from the
 * HttpClient's OAuth2TokenSource.
 */
export async function authorizationHeader(config: HttpClientConfig): Promise<string | undefined> {
  if (config.basicAuth) {
    const { username, password, passwordFile } = config.basicAuth;
    const secret = passwordFile ? await readSecretFile(passwordFile, 'basic_auth password_file') : (password ?? '');
    return 'Basic ' + Buffer.from(`${username}:${secret}`).toString('base64');
  }
  const authz =
    config.authorization ??
    (config.bearerToken !== undefined || config.bearerTokenFile !== undefined
      ? { type: 'Bearer', credentials: config.bearerToken, credentialsFile: config.bearerTokenFile }
      : undefined);
  if (authz) {
    const credentials = authz.credentialsFile
      ? await readSecretFile(authz.credentialsFile, 'authorization credentials_file')
      : (authz.credentials ?? '');
    return `${authz.type || 'Bearer'} ${credentials}`;
  }
  return undefined;
}

/** TLS options for node:https / node:tls from a tls_config (files read now). */
export async function tlsOptions(config: TlsConfig | undefined): Promise<tls.ConnectionOptions> {
  if (!config) return {};
  const [ca, cert, key] = await Promise.all([
    readPem(config.caFile, 'ca_file'),
    readPem(config.certFile, 'cert_file'),
    readPem(config.keyFile, 'key_file'),
  ]);
  const out: tls.ConnectionOptions = { rejectUnauthorized: !config.insecureSkipVerify };
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  if (config.serverName) out.servername = config.serverName;
  if (config.minVersion) out.minVersion = TLS_VERSIONS[config.minVersion];
  if (config.maxVersion) out.maxVersion = TLS_VERSIONS[config.maxVersion];
  if (config.serverName) {
    // Verify the certificate against server_name rather than the host dialled.
    const serverName = config.serverName;
    out.checkServerIdentity = (_host, peerCert) => tls.checkServerIdentity(serverName, peerCert);
  }
  return out;
}

// Go's client turns these into a GET without body; 307/308 repeat the request as it was.
function redirectMethod(status: number, method: string): string | undefined {
  if (status === 301 || status === 302 || status === 303) return method === 'HEAD' ? 'HEAD' : 'GET';
  if (status === 307 || status === 308) return method;
  return undefined;
}

// Go's http.Transport default; idle connections older than this are closed.
const IDLE_CONNECTION_TIMEOUT_MS = 90_000;

/** Node's error codes for a connection the server closed while it sat idle in our pool. */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Ends a request early, on the caller's abort or at its timeout, by destroying the exchange in
 * progress (redirect hops and a proxy's CONNECT included): what Node's `signal` option does per
 * ClientRequest, without an AbortController, AbortSignal and their listeners per request.
 */
class Cancellation {
  /** Why the request was cancelled; undefined while it was not. */
  reason: 'timeout' | 'aborted' | undefined;
  private current: http.ClientRequest | undefined;

  cancel(reason: 'timeout' | 'aborted'): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    if (this.current) this.destroy(this.current);
  }

  /** `request` is the exchange in progress from now on (destroyed at once when already cancelled). */
  track(request: http.ClientRequest): void {
    this.current = request;
    if (this.reason !== undefined) this.destroy(request);
  }

  private destroy(request: http.ClientRequest): void {
    request.destroy(new Error(`request ${this.reason === 'timeout' ? 'timed out' : 'aborted'}`));
  }
}

/**
 * An HTTP client for one http_config. Apart from the config it holds only idle keep-alive
 * connections (as Go's client does): a new connection per notification cost about a third of a
 * webhook's latency on loopback. Safe to share.
 */
export class HttpClient {
  private readonly config: HttpClientConfig;
  private readonly maxResponseBytes: number;
  private readonly clock: Clock;
  /** Fetches and keeps the token when the config has oauth2. */
  private readonly tokenSource: OAuth2TokenSource | undefined;
  // Idle sockets are unref'd by Node, so they never keep the process alive.
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_TIMEOUT_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_TIMEOUT_MS }),
  };

  constructor(config: HttpClientConfig, options: HttpClientOptions = {}) {
    this.config = config;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.clock = options.clock ?? systemClock;
    if (config.oauth2) {
      // The token endpoint is reached through oauth2's own tls_config and proxy_url, never with
      // the credentials of this config (as Prometheus builds its token client).
      const { tlsConfig, proxyUrl } = config.oauth2;
      const endpointConfig: HttpClientConfig = { tlsConfig, followRedirects: true, enableHttp2: true, ...(proxyUrl !== undefined ? { proxyUrl } : {}) };
      this.tokenSource = new OAuth2TokenSource(config.oauth2, {
        client: new HttpClient(endpointConfig, { clock: this.clock, maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES }),
        clock: this.clock,
      });
    }
  }

  /**
   * Sends the request (following redirects when the config says so) and resolves with the
   * final answer, whatever its status. Rejects with HttpRequestError when no answer came.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw new HttpRequestError('aborted', `${req.method} ${describeUrl(req.url)}: aborted before sending`);
    const cancellation = new Cancellation();
    const onAbort = (): void => cancellation.cancel('aborted');
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const startedMs = this.clock.nowMs();
    const cancelTimer = req.timeoutMs && req.timeoutMs > 0 ? this.clock.setTimer(req.timeoutMs, () => cancellation.cancel('timeout')) : undefined;
    try {
      let url = new URL(req.url);
      let method = req.method;
      let body = req.body;
      const originalHost = url.host;
      // Once per request, not per redirect hop: an oauth2 token is fetched within the request's
      // own time limit and abort signal.
      const auth = await this.authorization(req, startedMs);
      for (let hop = 0; ; hop++) {
        const res = await this.once({ url, method, body, headers: req.headers ?? {}, auth, sendAuth: url.host === originalHost }, cancellation)
          .catch((err: unknown) => {
            if (cancellation.reason === 'timeout') throw new HttpRequestError('timeout', `${method} ${describeUrl(url)}: no answer within ${req.timeoutMs}ms`, { cause: err });
            if (cancellation.reason === 'aborted') throw new HttpRequestError('aborted', `${method} ${describeUrl(url)}: aborted`, { cause: err });
            throw err;
          });
        // Beyond Alertmanager (whose token source keeps a token until it expires): a 401 from the
        // endpoint that was sent the oauth2 token drops it, so a revoked token is replaced at the
        // next attempt instead of failing every send until its expiry.
        if (res.status === 401 && auth !== undefined && url.host === originalHost) this.tokenSource?.forget(auth);
        const next = redirectMethod(res.status, method);
        const location = res.headers.location;
        if (!this.config.followRedirects || next === undefined || location === undefined) return res;
        if (hop >= MAX_REDIRECTS) {
          throw new HttpRequestError('network', `${req.method} ${describeUrl(req.url)}: stopped after ${MAX_REDIRECTS} redirects`);
        }
        url = new URL(location, url);
        if (next !== method || res.status === 303) body = undefined;
        method = next;
      }
    } finally {
      cancelTimer?.();
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The Authorization header of the config (an oauth2 token fetched if needed), if any. */
  private authorization(req: HttpRequest, startedMs: number): Promise<string | undefined> {
    if (!this.tokenSource) return authorizationHeader(this.config);
    const userAgent = Object.entries(req.headers ?? {}).find(([name]) => name.toLowerCase() === 'user-agent')?.[1];
    return this.tokenSource.authorization({
      ...(userAgent !== undefined ? { userAgent } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.timeoutMs && req.timeoutMs > 0 ? { deadlineMs: startedMs + req.timeoutMs } : {}),
    });
  }

  private async once(
    req: {
      url: URL;
      method: string;
      body: string | Uint8Array | undefined;
      headers: Readonly<Record<string, string>>;
      auth: string | undefined;
      sendAuth: boolean;
    },
    cancellation: Cancellation,
  ): Promise<HttpResponse> {
    const { url } = req;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpRequestError('config', `${describeUrl(url)}: unsupported scheme (want http or https)`);
    }
    const headers: Record<string, string> = { ...req.headers };
    // Credentials go to the original host only. (Prometheus' client adds them on every hop, since
    // its auth is a round tripper; a redirect to another host should not collect them.) An
    // Authorization header of the caller's (an oauth2 token request's Basic credentials) is
    // dropped there too, as Go's client does.
    if (!req.sendAuth) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    }
    const auth = req.sendAuth ? req.auth : undefined;
    if (auth !== undefined) headers.authorization = auth;
    else if (req.sendAuth && (url.username || url.password)) {
      headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
    }
    const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
    if (payload) headers['content-length'] = String(payload.byteLength);
    const secure = url.protocol === 'https:';
    const tlsOpts = secure ? await tlsOptions(this.config.tlsConfig) : {};
    const proxy = this.config.proxyUrl ? new URL(this.config.proxyUrl) : undefined;

    const options: https.RequestOptions = {
      method: req.method,
      headers,
      // Through a proxy each request opens its own connection (and CONNECT tunnel).
      agent: proxy ? false : secure ? this.agents.https : this.agents.http,
      ...tlsOpts,
    };
    let path = url.pathname + url.search;
    if (proxy && !secure) {
      // Plain HTTP through a proxy: send the absolute URL to the proxy itself.
      options.host = proxy.hostname;
      options.port = proxy.port || 80;
      path = url.href;
      if (proxy.username) {
        headers['proxy-authorization'] = 'Basic ' + Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64');
      }
    } else {
      options.host = url.hostname.replace(/^\[|\]$/g, '');
      options.port = url.port || (secure ? 443 : 80);
      if (proxy && secure) {
        const socket = await this.connectTunnel(proxy, url, cancellation);
        options.createConnection = () => tls.connect({ ...tlsOpts, socket, servername: tlsOpts.servername ?? url.hostname });
      }
    }
    options.path = path;

    return this.exchange(options, { secure, payload, describe: `${req.method} ${describeUrl(url)}`, retryStale: true, cancellation });
  }

  private exchange(
    options: https.RequestOptions,
    how: { secure: boolean; payload: Buffer | Uint8Array | undefined; describe: string; retryStale: boolean; cancellation: Cancellation },
  ): Promise<HttpResponse> {
    const { payload } = how;
    return new Promise<HttpResponse>((resolve, reject) => {
      const send = how.secure ? https.request : http.request;
      const request = send(options, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < this.maxResponseBytes) {
            chunks.push(chunk.subarray(0, this.maxResponseBytes - kept));
            kept += chunk.length;
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(new HttpRequestError('network', `${how.describe}: ${err.message}`, { cause: err })));
      });
      request.on('error', (err: NodeJS.ErrnoException) => {
        // The server closed a pooled connection just as we reused it: nothing reached it, so
        // send once more on a new connection, as Go's transport does.
        if (how.retryStale && request.reusedSocket && STALE_CONNECTION_CODES.has(err.code ?? '') && how.cancellation.reason === undefined) {
          resolve(this.exchange(options, { ...how, retryStale: false }));
          return;
        }
        reject(new HttpRequestError('network', `${how.describe}: ${err.message}`, { cause: err }));
      });
      how.cancellation.track(request);
      request.end(payload);
    });
  }

  // HTTPS through a proxy: a CONNECT tunnel, then TLS with the target inside it.
  private connectTunnel(proxy: URL, target: URL, cancellation: Cancellation): Promise<net.Socket> {
    const headers: Record<string, string> = { host: target.host };
    for (const [name, values] of Object.entries(this.config.proxyConnectHeader ?? {})) headers[name] = values.join(', ');
    if (proxy.username) {
      headers['proxy-authorization'] = 'Basic ' + Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64');
    }
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method: 'CONNECT',
        path: `${target.hostname}:${target.port || 443}`,
        headers,
        agent: false,
      });
      req.on('connect', (res, socket) => {
        if (res.statusCode === 200) resolve(socket);
        else {
          socket.destroy();
          reject(new HttpRequestError('network', `proxy ${proxy.host}: CONNECT ${target.host} answered ${res.statusCode}`));
        }
      });
      req.on('error', (err) => reject(new HttpRequestError('network', `proxy ${proxy.host}: ${err.message}`, { cause: err })));
      cancellation.track(req);
      req.end();
    });
  }
}
