/**
 * OAuth 2.0 client credentials for an `http_config`'s `oauth2`, as Prometheus' common/config
 * does it with golang.org/x/oauth2/clientcredentials:
 * - the token request is a form POST to token_url: grant_type=client_credentials, scope (the
 *   scopes joined by spaces, when there are any) and endpoint_params (which may replace
 *   grant_type but no other parameter), keys sorted and escaped as Go's url.Values.Encode;
 * - the client id and secret go, query-escaped, in a Basic Authorization header; when that
 *   request fails in any way, once more in the body (client_id, client_secret), and whichever
 *   worked first is used from then on (x/oauth2's AuthStyle auto-detection);
 * - the token is reused until 10 s before its expires_in runs out (forever without expires_in)
 *   and sent as `<token_type> <access_token>`, token_type normalised as x/oauth2's Token.Type;
 * - client_secret_file is read at every request, and a changed secret drops the token;
 * - the token request goes through oauth2's own tls_config and proxy_url, with the
 *   User-Agent of the request it is for.
 * Decisions are pure functions (tokenRequestBody, parseTokenResponse, tokenIsValid,
 * authorizationValue); OAuth2TokenSource is the shell that sends and caches.
 */
import http from 'node:http';
import type { OAuth2Config } from '../config/types.js';
import type { Clock } from '../util/clock.js';
import { goQuote } from '../util/goquote.js';
import { encodeValues, queryEscape } from '../util/gourl.js';
import { describeUrl, HttpRequestError, readSecretFile, requestFailure } from './http-error.js';
import type { HttpRequest, HttpResponse } from './http.js';

/** x/oauth2's expiryDelta: a token counts as expired this long before its end, for clock skew. */
export const TOKEN_EXPIRY_DELTA_MS = 10_000;

/** x/oauth2 reads at most 1 MiB of a token response. */
export const MAX_TOKEN_RESPONSE_BYTES = 1 << 20;

// x/oauth2's expirationTime is an int32.
const MAX_EXPIRES_IN_SECONDS = 2 ** 31 - 1;

/** Where the client credentials go: x/oauth2's AuthStyleInHeader and AuthStyleInParams. */
export type AuthStyle = 'header' | 'params';

export interface OAuth2Token {
  readonly accessToken: string;
  /** As the server sent it ('' when absent). */
  readonly tokenType: string;
  /** When the token ends; undefined when the server gave no expires_in (valid until replaced). */
  readonly expiresAtMs?: number;
}

/** The form body and headers of a token request (credentials placed per `style`). */
export function tokenRequest(
  config: Pick<OAuth2Config, 'clientId' | 'scopes' | 'endpointParams'>,
  options: { readonly clientSecret: string; readonly style: AuthStyle },
): { body: string; headers: Record<string, string> } {
  const params = new Map<string, string>([['grant_type', 'client_credentials']]);
  if (config.scopes.length > 0) params.set('scope', config.scopes.join(' '));
  for (const [key, value] of Object.entries(config.endpointParams)) {
    // As x/oauth2: endpoint_params may replace grant_type (for servers that want another one),
    // nothing else it sets. Config loading cannot refuse it: Alertmanager accepts the file.
    if (params.has(key) && key !== 'grant_type') {
      throw new HttpRequestError('config', `oauth2: endpoint_params cannot overwrite parameter ${goQuote(key)}`);
    }
    params.set(key, value);
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.style === 'params') {
    if (config.clientId !== '') params.set('client_id', config.clientId);
    if (options.clientSecret !== '') params.set('client_secret', options.clientSecret);
  } else {
    const credentials = `${queryEscape(config.clientId)}:${queryEscape(options.clientSecret)}`;
    headers.authorization = 'Basic ' + Buffer.from(credentials).toString('base64');
  }
  return { body: encodeValues(params), headers };
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A JSON expires_in as x/oauth2 takes it: a whole number, or a string holding one (PayPal); null or absent is 0. */
function jsonExpiresIn(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : undefined;
}

interface TokenFields {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  error: string;
  errorDescription: string;
}

function fieldsFromForm(body: string): TokenFields {
  const v = new URLSearchParams(body);
  // Go's strconv.Atoi, whose failure x/oauth2 takes as "no expiry".
  const expires = v.get('expires_in') ?? '';
  return {
    accessToken: v.get('access_token') ?? '',
    tokenType: v.get('token_type') ?? '',
    expiresIn: /^[+-]?\d+$/.test(expires) ? Number(expires) : 0,
    error: v.get('error') ?? '',
    errorDescription: v.get('error_description') ?? '',
  };
}

/** The JSON fields x/oauth2 reads, or the reason they cannot be read (x/oauth2's "cannot parse json"). */
function fieldsFromJson(body: string): TokenFields | string {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return (err as Error).message;
  }
  if (raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return `want a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`;
  const o = raw as Record<string, unknown>;
  const fields = {
    accessToken: optionalString(o.access_token),
    tokenType: optionalString(o.token_type),
    expiresIn: jsonExpiresIn(o.expires_in),
    error: optionalString(o.error),
    errorDescription: optionalString(o.error_description),
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) return `${name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())} has the wrong type`;
  }
  return fields as TokenFields;
}

function snippet(body: string): string {
  const text = body.trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Reads a token endpoint's answer as x/oauth2 does: a form body for
 * application/x-www-form-urlencoded and text/plain, JSON otherwise; a non-2xx status or an
 * `error` field is a failure, so is a token without access_token. Returns the token, or what
 * was wrong (for the error message).
 */
export function parseTokenResponse(res: Pick<HttpResponse, 'status' | 'headers' | 'body'>, nowMs: number): OAuth2Token | { error: string } {
  const failed = res.status < 200 || res.status > 299;
  const status = `${res.status} ${http.STATUS_CODES[res.status] ?? ''}`.trim();
  const type = mediaType(res.headers['content-type']);
  const fields = type === 'application/x-www-form-urlencoded' || type === 'text/plain' ? fieldsFromForm(res.body) : fieldsFromJson(res.body);
  if (typeof fields === 'string') {
    return { error: failed ? `${status}: ${snippet(res.body)}` : `cannot parse the token response as JSON: ${fields}` };
  }
  if (failed || fields.error !== '') {
    const detail = fields.error !== '' ? `error ${goQuote(fields.error)}${fields.errorDescription !== '' ? ` (${fields.errorDescription})` : ''}` : snippet(res.body);
    return { error: `${status}${detail === '' ? '' : `: ${detail}`}` };
  }
  if (fields.accessToken === '') return { error: 'the token response has no access_token' };
  const seconds = Math.min(fields.expiresIn, MAX_EXPIRES_IN_SECONDS);
  return {
    accessToken: fields.accessToken,
    tokenType: fields.tokenType,
    ...(seconds !== 0 ? { expiresAtMs: nowMs + seconds * 1000 } : {}),
  };
}

/** Whether `token` may still be sent at `nowMs` (x/oauth2's Token.Valid: not within 10 s of its end). */
export function tokenIsValid(token: OAuth2Token, nowMs: number): boolean {
  return token.expiresAtMs === undefined || token.expiresAtMs - TOKEN_EXPIRY_DELTA_MS >= nowMs;
}

/** The Authorization header for a token: x/oauth2's Token.Type (bearer → Bearer, mac → MAC, basic → Basic, '' → Bearer), a space, the token. */
export function authorizationValue(token: OAuth2Token): string {
  const lower = token.tokenType.toLowerCase();
  const type = lower === 'bearer' ? 'Bearer' : lower === 'mac' ? 'MAC' : lower === 'basic' ? 'Basic' : token.tokenType || 'Bearer';
  return `${type} ${token.accessToken}`;
}

/** What the token source needs of an HTTP client (the one built for oauth2's tls_config and proxy_url). */
export interface TokenEndpointClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface OAuth2TokenSourceOptions {
  /** Sends the token requests. */
  readonly client: TokenEndpointClient;
  /** Decides when a token has expired. */
  readonly clock: Clock;
}

/** What a caller of OAuth2TokenSource.authorization brings from the request it wants a token for. */
export interface TokenCall {
  readonly userAgent?: string;
  readonly signal?: AbortSignal;
  /** When the request it is for must be done (clock time); absent: no limit. */
  readonly deadlineMs?: number;
}

/**
 * The token of one http_config (one integration), fetched when there is none or it expired,
 * shared by concurrent sends (one token request at a time, as x/oauth2's ReuseTokenSource).
 * Failures are not remembered: the next send asks again.
 */
export class OAuth2TokenSource {
  private readonly config: OAuth2Config;
  private readonly client: TokenEndpointClient;
  private readonly clock: Clock;
  /** The secret the token was fetched with; a different one drops the token. */
  private secret: string | undefined;
  private token: OAuth2Token | undefined;
  private pending: Promise<OAuth2Token> | undefined;
  /** Set by the first token request that succeeded; until then both styles are tried. */
  private style: AuthStyle | undefined;

  constructor(config: OAuth2Config, options: OAuth2TokenSourceOptions) {
    this.config = config;
    this.client = options.client;
    this.clock = options.clock;
  }

  /**
   * The Authorization header value to send, fetching a token first when needed. Rejects with
   * HttpRequestError: `config` when the secret file is unreadable or endpoint_params collide,
   * `oauth2` when the token endpoint gave no token, `aborted` when the caller gave up.
   */
  async authorization(call: TokenCall): Promise<string> {
    const secret = await this.readSecret();
    if (secret !== this.secret) {
      // As Prometheus: a rotated client secret means a new token, not the old secret's one.
      this.secret = secret;
      this.token = undefined;
      this.pending = undefined;
    }
    if (this.token && tokenIsValid(this.token, this.clock.nowMs())) return authorizationValue(this.token);
    // A token request under way is shared, with the time limit and abort signal of the send that
    // started it: should that send give up, the sends waiting with it fail too and are retried.
    let pending = this.pending;
    if (!pending) {
      pending = this.fetch(secret, call).then((token) => {
        if (this.secret === secret) this.token = token;
        return token;
      });
      const settled = (): void => {
        if (this.pending === pending) this.pending = undefined;
      };
      pending.then(settled, settled);
      this.pending = pending;
    }
    return authorizationValue(await pending);
  }

  /**
   * Drops the cached token if `authorization` is the header value it gave (the endpoint refused
   * it); the next call fetches a new one. A token fetched since is kept.
   */
  forget(authorization: string): void {
    if (this.token && authorizationValue(this.token) === authorization) this.token = undefined;
  }

  private async readSecret(): Promise<string> {
    const file = this.config.clientSecretFile;
    return file === undefined ? (this.config.clientSecret ?? '') : readSecretFile(file, 'oauth2 client_secret_file');
  }


  private async fetch(secret: string, call: TokenCall): Promise<OAuth2Token> {
    if (this.style) return this.fetchAs(this.style, secret, call);
    try {
      const token = await this.fetchAs('header', secret, call);
      this.style = 'header';
      return token;
    } catch (err) {
      if (err instanceof HttpRequestError && (err.reason === 'config' || err.reason === 'aborted')) throw err;
      if (call.deadlineMs !== undefined && this.clock.nowMs() >= call.deadlineMs) throw err;
      // x/oauth2 takes any failure as "this server wants the credentials in the body".
      try {
        const token = await this.fetchAs('params', secret, call);
        this.style = 'params';
        return token;
      } catch (second) {
        if (second instanceof HttpRequestError && second.reason === 'oauth2') {
          // The same error, said more fully (its cause kept, not itself: logs print causes too).
          const message = `${second.message} (tried with the client credentials in the Authorization header, then in the request body)`;
          throw new HttpRequestError('oauth2', message, second.cause === undefined ? undefined : { cause: second.cause });
        }
        throw second;
      }
    }
  }

  private async fetchAs(style: AuthStyle, secret: string, call: TokenCall): Promise<OAuth2Token> {
    const { body, headers } = tokenRequest(this.config, { clientSecret: secret, style });
    if (call.userAgent !== undefined) headers['user-agent'] = call.userAgent;
    const where = `oauth2: cannot fetch token from ${describeUrl(this.config.tokenUrl)}`;
    let res: HttpResponse;
    try {
      res = await this.client.request({
        method: 'POST',
        url: this.config.tokenUrl,
        headers,
        body,
        ...(call.deadlineMs !== undefined ? { timeoutMs: Math.max(1, call.deadlineMs - this.clock.nowMs()) } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      });
    } catch (err) {
      const reason = err instanceof HttpRequestError && (err.reason === 'config' || err.reason === 'aborted') ? err.reason : 'oauth2';
      throw new HttpRequestError(reason, `${where}: ${requestFailure(err, 'POST', this.config.tokenUrl)}`, { cause: err });
    }
    const parsed = parseTokenResponse(res, this.clock.nowMs());
    if ('error' in parsed) throw new HttpRequestError('oauth2', `${where}: ${parsed.error}`);
    return parsed;
  }
}
