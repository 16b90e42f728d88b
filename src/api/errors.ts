/**
 * Errors the HTTP API answers with, in the two shapes Alertmanager 0.25 uses: the OpenAPI
 * layer's `{"code":N,"message":"…"}` (bad JSON, missing required field, wrong media type,
 * unknown path or method) and a handler's bare JSON string (`"bad matcher format: foo"`).
 * alertrouter's own API under /api/ext/v1 answers every error in the first shape.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import { AlertrouterError } from '../util/errors.js';

/** `openapi`: `{"code","message"}` object; `payload`: a JSON string; `text`: text/plain. */
export type ApiErrorShape = 'openapi' | 'payload' | 'text';

/** A request refused (4xx) or failed (5xx) with a status and a message saying what is wrong. */
export class ApiError extends AlertrouterError {
  readonly status: number;
  /** The `code` number in an `openapi`-shaped answer (go-openapi uses 601/602 for validation). */
  readonly apiCode: number;
  readonly shape: ApiErrorShape;
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;
  /** Fields an `openapi`-shaped answer carries after code and message (e.g. a template error's line); not `code` or `message`. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    status: number,
    message: string,
    options: {
      shape: ApiErrorShape;
      apiCode?: number;
      headers?: Record<string, string>;
      details?: Record<string, unknown>;
      cause?: unknown;
    },
  ) {
    super(status >= 500 ? 'api_failed' : 'api_bad_request', message, { cause: options.cause });
    this.status = status;
    this.apiCode = options.apiCode ?? status;
    this.shape = options.shape;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}

/**
 * Writes an ApiError in its shape: status, the error's headers, a UTF-8 Content-Type and
 * Content-Length, the body (none for HEAD). Plain node:http, so the alert-ingest fast path,
 * which runs without express, answers byte for byte as express's routes do.
 */
export function sendApiError(res: ServerResponse, err: ApiError): void {
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  let type: string;
  let body: string;
  switch (err.shape) {
    case 'openapi':
      type = 'application/json; charset=utf-8';
      body = JSON.stringify({ code: err.apiCode, message: err.message, ...err.details });
      break;
    case 'payload':
      // go-openapi's JSON producer uses json.Encoder, which ends the value with a newline.
      type = 'application/json; charset=utf-8';
      body = JSON.stringify(err.message) + '\n';
      break;
    case 'text':
      type = 'text/plain; charset=utf-8';
      body = err.message + '\n';
  }
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
}

interface BodyParserError {
  /** body-parser's kind of failure; absent when it wraps a stream's error (a body that does not inflate). */
  readonly type?: string;
  readonly status: number;
  readonly expose?: boolean;
  readonly message: string;
  readonly limit?: number;
}

/** An error body-parser (http-errors) raised while reading the body: it carries its HTTP status. */
function isBodyParserError(err: unknown): err is BodyParserError {
  return err instanceof Error && typeof (err as unknown as BodyParserError).status === 'number';
}

/**
 * Answers a failed request: an ApiError in its shape, a body-reading failure (too large,
 * aborted) as an OpenAPI-shaped 4xx, anything else as a logged 500 that does not leak
 * internals. `request` names it in the log line. The response must not be sent yet.
 */
export function answerError(err: unknown, request: { readonly method: string; readonly path: string }, res: ServerResponse, logger: Logger): void {
  const { method, path } = request;
  if (err instanceof ApiError) {
    if (err.status >= 500) logger.error({ err, path, method }, 'API request failed');
    else logger.info({ status: err.status, method, path, reason: err.message }, 'request rejected');
    sendApiError(res, err);
    return;
  }
  if (isBodyParserError(err) && err.status < 500) {
    const message =
      err.type === 'entity.too.large'
        ? `request body larger than the limit of ${err.limit ?? '?'} bytes`
        : `reading request body failed: ${err.message}`;
    logger.info({ status: err.status, method, path, reason: message }, 'request rejected');
    sendApiError(res, new ApiError(err.status, message, { shape: 'openapi' }));
    return;
  }
  logger.error({ err, path, method }, 'API request failed');
  sendApiError(res, new ApiError(500, 'internal error: ' + (err instanceof Error ? err.message : String(err)), { shape: 'openapi' }));
}

/** Express error middleware: answerError, unless the answer has begun (express then ends the connection). */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    answerError(err, { method: req.method, path: req.path }, res, logger);
  };
}

/**
 * A handler refusing the request's method with 405 and `Allow: <allowed>` (comma-separated), in
 * go-openapi's words: `method PUT is not allowed, but [GET,POST] are`.
 */
export function methodNotAllowed(allowed: string) {
  return (req: Request): never => {
    throw new ApiError(405, `method ${req.method} is not allowed, but [${allowed}] are`, {
      shape: 'openapi',
      headers: { Allow: allowed },
    });
  };
}
