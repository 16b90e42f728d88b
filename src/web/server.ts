/**
 * The daemon's HTTP(S) server: everything that sits in front of the API application.
 *
 *   instrumentation (alertmanager_http_* metrics)
 *   → web config: extra headers, basic auth (401 + WWW-Authenticate)
 *   → limits: GET concurrency (503), a queue for requests with bodies, --web.timeout (503)
 *   → the express application
 *
 * With --web.config.file the file is checked per request and per TLS connection, as the
 * exporter toolkit does, so new users, headers and certificates apply without a restart;
 * it is re-read only when it (or a certificate file) changed. Whether TLS is spoken is
 * fixed at start: with TLS, plain HTTP is refused; a file that stops configuring TLS makes
 * handshakes fail rather than falling back to plain text.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { BasicAuthenticator } from './basic-auth.js';
import { Semaphore } from './limits.js';
import { parseWebConfig, readTlsMaterial, WebConfigError, type TlsMaterial, type WebConfig } from './webconfig.js';

/** The metrics hooks the server feeds (metrics/metrics.ts DaemonMetrics satisfies it). */
export interface WebServerMetrics {
  httpRequestDone(request: { readonly handler: string; readonly method: string; readonly durationMs: number; readonly bytes: number }): void;
  getInFlightChanged(delta: 1 | -1): void;
  getLimitReached(): void;
}

export interface WebServerOptions {
  /** Undefined listens on every interface. */
  readonly host: string | undefined;
  readonly port: number;
  readonly webConfigFile: string | undefined;
  /** The application (the express app). */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly logger: Logger;
  /** `/` or `/path`: stripped before naming the handler in metrics. */
  readonly routePrefix: string;
  readonly metrics?: WebServerMetrics;
  /** Most GET requests handled at once (resolved --web.get-concurrency). */
  readonly getConcurrency: number;
  /** --web.timeout; 0 for none. */
  readonly timeoutMs: number;
  /**
   * Most requests with a body read at once; default 8. Each costs up to about three times its
   * size while read and decoded (bytes, text, objects), so this times the API's body limit
   * bounds what a flood of large POSTs can take.
   */
  readonly bodyConcurrency?: number;
  /** Times --web.timeout and the close grace period (tests move it). */
  readonly clock?: Clock;
}

interface LoadedWebConfig {
  readonly config: WebConfig;
  readonly tls: TlsMaterial | undefined;
}

/**
 * The web configuration file, read again when it or a file it names changed (size, mtime or
 * inode). current() throws WebConfigError while the file is broken; `onLoad` is called once
 * per successful read (at start, then per change), not per request.
 */
export class WebConfigFile {
  private loaded: LoadedWebConfig | undefined;
  private signature = '';
  private readonly onLoad: ((config: WebConfig) => void) | undefined;

  constructor(
    readonly path: string,
    options: { readonly onLoad?: (config: WebConfig) => void } = {},
  ) {
    this.onLoad = options.onLoad;
  }

  /** The configuration now; reads the files only when one changed. */
  current(): LoadedWebConfig {
    if (this.loaded && signatureOf(this.path, this.loaded.config) === this.signature) return this.loaded;
    // Stat before reading: a change made while we read shows as a change next time.
    const configSignature = fileSignature(this.path);
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      throw new WebConfigError(`web config "${this.path}": cannot read: ${(err as Error).message}`, { cause: err });
    }
    const config = parseWebConfig(text, this.path);
    const tlsSignature = tlsFiles(config).map(fileSignature);
    this.loaded = { config, tls: config.tls ? readTlsMaterial(config.tls, this.path) : undefined };
    this.signature = [configSignature, ...tlsSignature].join('|');
    this.onLoad?.(config);
    return this.loaded;
  }
}

/**
 * Warns about what the web config asks for and alertrouter does not do: HTTP/2 (the exporter
 * toolkit's `http2: true`). Accepted so that Alertmanager's files load unchanged; `false` asks
 * for what alertrouter does anyway, so it is not mentioned.
 */
function warnIgnoredSettings(config: WebConfig, path: string, logger: Logger): void {
  if (config.http2 === true) {
    logger.warn(
      { webConfig: path, key: 'http_server_config.http2' },
      'http_server_config.http2 is true but ignored: alertrouter serves HTTP/1.1 only (clients that offer HTTP/2, over TLS or by h2c upgrade, are answered in HTTP/1.1)',
    );
  }
}

function tlsFiles(config: WebConfig): string[] {
  const tls = config.tls;
  return tls ? [tls.certFile, tls.keyFile, ...(tls.clientCaFile ? [tls.clientCaFile] : [])] : [];
}

function signatureOf(path: string, config: WebConfig): string {
  return [path, ...tlsFiles(config)].map(fileSignature).join('|');
}

function fileSignature(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

// Paths after the route prefix → the handler label of alertmanager_http_*; anything else is
// "other", so clients cannot make up label values.
const HANDLERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/api\/v2\/silence\/[^/]+$/, '/api/v2/silence/:id'],
  [/^\/api\/ext\/v1\/alerts\/[^/]+\/explain$/, '/api/ext/v1/alerts/:fingerprint/explain'],
  [/^\/api\/ext\/v1\/recurring-silences\/[^/]+$/, '/api/ext/v1/recurring-silences/:id'],
  [/^\/api\/v1\//, '/api/v1'],
];
const EXACT_HANDLERS = new Set([
  '/',
  '/metrics',
  '/-/healthy',
  '/-/ready',
  '/-/reload',
  '/api/v2/alerts',
  '/api/v2/alerts/groups',
  '/api/v2/silences',
  '/api/v2/status',
  '/api/v2/receivers',
  '/api/ext/v1/notifications',
  '/api/ext/v1/recurring-silences',
]);

/** The `handler` label for a request path: a fixed route name, or "other". */
export function handlerLabel(path: string, routePrefix: string): string {
  let p = path.split('?')[0]!;
  if (routePrefix !== '/') {
    if (p !== routePrefix && !p.startsWith(routePrefix + '/')) return p === '/' ? '/' : 'other';
    p = p.slice(routePrefix.length) || '/';
  }
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (EXACT_HANDLERS.has(p)) return p;
  for (const [re, name] of HANDLERS) if (re.test(p)) return name;
  return 'other';
}

// Go's http.Error: text/plain with nosniff, message and newline.
function plainError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(message + '\n');
}

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

export class WebServer {
  readonly protocol: 'http' | 'https';
  private readonly server: Server;
  private readonly options: WebServerOptions;
  private readonly logger: Logger;
  private readonly webConfig: WebConfigFile | undefined;
  private readonly auth = new BasicAuthenticator();
  private readonly getSlots: Semaphore;
  private readonly bodySlots: Semaphore;
  private readonly clock: Clock;
  private lastConfigError = '';

  private constructor(options: WebServerOptions, webConfig: WebConfigFile | undefined, tls: TlsMaterial | undefined) {
    this.options = options;
    this.logger = options.logger;
    this.webConfig = webConfig;
    this.getSlots = new Semaphore(options.getConcurrency);
    this.bodySlots = new Semaphore(options.bodyConcurrency ?? 8);
    this.clock = options.clock ?? systemClock;
    const serve = (req: IncomingMessage, res: ServerResponse): void => {
      this.serve(req, res).catch((err: unknown) => {
        this.logger.error({ err, path: req.url }, 'HTTP request failed');
        if (!res.headersSent) plainError(res, 500, 'Internal Server Error');
        else res.destroy();
      });
    };
    if (tls) {
      this.protocol = 'https';
      this.server = createHttpsServer({ ...tls.context, requestCert: tls.requestCert, rejectUnauthorized: tls.rejectUnauthorized }, serve);
      this.watchTls(tls);
    } else {
      this.protocol = 'http';
      this.server = createHttpServer(serve);
    }
  }

  /**
   * Reads the web config (when given), then listens. Throws WebConfigError for a bad web
   * config and the listen error (e.g. EADDRINUSE) without leaving anything open.
   */
  static async start(options: WebServerOptions): Promise<WebServer> {
    const path = options.webConfigFile;
    const webConfig = path ? new WebConfigFile(path, { onLoad: (config) => warnIgnoredSettings(config, path, options.logger) }) : undefined;
    const loaded = webConfig?.current();
    const web = new WebServer(options, webConfig, loaded?.tls);
    await new Promise<void>((resolve, reject) => {
      web.server.once('error', reject);
      web.server.listen(options.port, options.host, () => {
        web.server.off('error', reject);
        resolve();
      });
    });
    options.logger.info(
      { tls: web.protocol === 'https', basicAuth: (loaded?.config.users.size ?? 0) > 0, http2: false, webConfig: options.webConfigFile ?? '' },
      web.protocol === 'https' ? 'TLS is enabled.' : 'TLS is disabled.',
    );
    return web;
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** Requests with bodies waiting to be read (the queue behind the body limit). */
  get queuedBodies(): number {
    return this.bodySlots.waiting;
  }

  /**
   * Stops accepting connections, lets requests in progress finish for up to `graceMs`, then
   * closes every connection. Resolves once the server is closed.
   */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.clock.setTimer(graceMs, () => this.server.closeAllConnections());
      this.server.close(() => {
        cancel();
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const metrics = this.options.metrics;
    if (metrics) {
      const handler = handlerLabel(req.url ?? '/', this.options.routePrefix);
      let bytes = 0;
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        bytes += byteLength(chunk);
        return write(chunk, ...rest);
      }) as ServerResponse['write'];
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== 'function') bytes += byteLength(chunk);
        return end(chunk, ...rest);
      }) as ServerResponse['end'];
      res.once('close', () => metrics.httpRequestDone({ handler, method: req.method ?? 'GET', durationMs: performance.now() - started, bytes }));
    }

    if (this.webConfig) {
      let web: LoadedWebConfig;
      try {
        web = this.webConfig.current();
      } catch (err) {
        this.configFailed(err);
        plainError(res, 500, 'Internal Server Error');
        return;
      }
      for (const [name, value] of Object.entries(web.config.headers)) res.setHeader(name, value);
      if (web.config.users.size > 0 && !(await this.auth.check(web.config.users, req.headers.authorization))) {
        this.rejected(req, 401, req.headers.authorization ? 'wrong user or password' : 'no basic auth credentials');
        plainError(res, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic' });
        return;
      }
    }

    const method = req.method ?? 'GET';
    if (method === 'GET') {
      if (!this.getSlots.tryAcquire()) {
        metrics?.getLimitReached();
        const message = `Limit of concurrent GET requests reached (${this.getSlots.size}), try again later.`;
        this.rejected(req, 503, message);
        plainError(res, 503, message);
        return;
      }
      metrics?.getInFlightChanged(1);
      res.once('close', () => {
        this.getSlots.release();
        metrics?.getInFlightChanged(-1);
      });
    } else if (!METHODS_WITHOUT_BODY.has(method)) {
      // A client that gives up while queued must not keep its slot once it gets one.
      let gone = false;
      const onGone = (): void => {
        gone = true;
        this.logger.debug({ method, path: (req.url ?? '').split('?')[0] }, 'client went away while its request waited to be read');
      };
      res.once('close', onGone);
      await this.bodySlots.acquire();
      res.off('close', onGone);
      if (gone) {
        this.bodySlots.release();
        return;
      }
      res.once('close', () => this.bodySlots.release());
    }

    if (this.options.timeoutMs > 0) this.enforceTimeout(req, res);
    this.options.handler(req, res);
  }

  // As Go's http.TimeoutHandler: past the timeout an unanswered request gets 503, and what
  // the handler writes afterwards goes nowhere.
  private enforceTimeout(req: IncomingMessage, res: ServerResponse): void {
    const cancel = this.clock.setTimer(this.options.timeoutMs, () => {
      if (res.headersSent) return;
      const message = `Exceeded configured timeout of ${formatDuration(this.options.timeoutMs)}.`;
      this.rejected(req, 503, message);
      plainError(res, 503, message);
      const ignore = (() => true) as unknown;
      res.write = ignore as ServerResponse['write'];
      res.end = (() => res) as unknown as ServerResponse['end'];
      res.writeHead = (() => res) as unknown as ServerResponse['writeHead'];
      res.setHeader = (() => res) as unknown as ServerResponse['setHeader'];
    });
    res.once('close', cancel);
  }

  private rejected(req: IncomingMessage, status: number, reason: string): void {
    this.logger.info({ status, method: req.method, path: (req.url ?? '').split('?')[0], remote: req.socket.remoteAddress, reason }, 'request rejected');
  }

  private configFailed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    // Once per distinct problem, not once per request.
    if (message !== this.lastConfigError) this.logger.error({ err: message }, 'Unable to parse web configuration; requests fail until it is fixed');
    this.lastConfigError = message;
  }

  private watchTls(initial: TlsMaterial): void {
    const server = this.server as Server & { requestCert: boolean; rejectUnauthorized: boolean; setSecureContext(options: object): void };
    let applied = initial;
    let clientAuth = initial.clientAuth;
    // Runs before the TLS layer wraps the socket, so a changed certificate serves this very connection.
    server.prependListener('connection', (socket: Socket) => {
      try {
        const tls = this.webConfig!.current().tls;
        if (!tls) throw new WebConfigError(`web config "${this.webConfig!.path}": TLS config is not present any more (restart to serve plain HTTP)`);
        if (tls !== applied) {
          server.setSecureContext(tls.context);
          server.requestCert = tls.requestCert;
          server.rejectUnauthorized = tls.rejectUnauthorized;
          applied = tls;
          clientAuth = tls.clientAuth;
          this.logger.info({ webConfig: this.webConfig!.path }, 'TLS configuration reloaded');
        }
        this.lastConfigError = '';
      } catch (err) {
        this.configFailed(err);
        socket.destroy();
      }
    });
    // Node can only require a certificate that verifies; the toolkit's looser policies are checked here.
    server.on('secureConnection', (socket: TLSSocket) => {
      const hasCert = Object.keys(socket.getPeerCertificate()).length > 0;
      const refuse =
        (clientAuth === 'RequireAnyClientCert' && !hasCert) || (clientAuth === 'VerifyClientCertIfGiven' && hasCert && !socket.authorized);
      if (refuse) {
        this.logger.info({ remote: socket.remoteAddress, clientAuth, reason: socket.authorizationError ?? 'no client certificate' }, 'TLS connection rejected');
        socket.destroy();
      }
    });
    server.on('tlsClientError', (err, socket) => {
      // The message only: this raw Node error's stack (internals) would ride every scanner's
      // failed handshake at debug.
      this.logger.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
    });
  }
}

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}
