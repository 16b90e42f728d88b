/**
 * Redirects as Alertmanager's Go server makes them. Its HTTP server is Go's ServeMux, which
 * answers a request whose path is not clean (`//api/v2/alerts`, `/api/v2/./status`,
 * `/-/x/../healthy`) with a 301 to the clean path before any route sees it: clients that join a
 * base URL ending in `/` with `/api/v2/…` work through that redirect. alertrouter does the same.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Go's cleaning of a request path (net/http cleanPath): empty and `.` segments dropped, `..`
 * removing the one before it (never above the root), a trailing slash kept. Works on the raw,
 * percent-encoded path; `%2e` counts as a dot, as it does once Go has decoded the path.
 */
export function cleanRequestPath(raw: string): string {
  const out: string[] = [];
  for (const segment of raw.split('/').slice(1)) {
    const decoded = segment.replace(/%2e/gi, '.');
    if (segment === '' || decoded === '.') continue;
    if (decoded === '..') out.pop();
    else out.push(segment);
  }
  const clean = '/' + out.join('/');
  return raw.endsWith('/') && clean !== '/' ? clean + '/' : clean;
}

// A path that may not be clean: a doubled slash, or a segment starting with a (maybe encoded) dot.
const MAYBE_UNCLEAN = /\/\/|\/(?:\.|%2e)/i;

// Go's http.Redirect escapes the URL it writes into the body's link.
function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

/**
 * Answers a request whose path is not clean with a 301 to the clean path (query kept), as Go's
 * ServeMux does (with http.Redirect's body for GET, its Content-Type for GET and HEAD), and
 * returns true; returns false, having done nothing, for a clean path.
 */
export function redirectUncleanPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (!path.startsWith('/') || !MAYBE_UNCLEAN.test(path)) return false;
  const clean = cleanRequestPath(path);
  if (clean === path) return false;
  sendRedirect(req, res, 301, queryAt === -1 ? clean : clean + url.slice(queryAt));
  return true;
}

const STATUS_TEXT: Readonly<Record<301 | 302, string>> = { 301: 'Moved Permanently', 302: 'Found' };

/**
 * A redirect as Go's http.Redirect writes it: Location, and for GET a small HTML body linking
 * there (Content-Type text/html for GET and HEAD); other methods get neither.
 */
export function sendRedirect(req: IncomingMessage, res: ServerResponse, status: 301 | 302, location: string): void {
  res.statusCode = status;
  res.setHeader('Location', location);
  if (req.method === 'GET' || req.method === 'HEAD') res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(req.method === 'GET' ? `<a href="${htmlEscape(location)}">${STATUS_TEXT[status]}</a>.\n\n` : undefined);
}
