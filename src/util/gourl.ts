// Go's net/url encodings, for bytes that must match what Alertmanager sends: template
// `urlquery`, and the form bodies and Basic credentials of OAuth 2.0 token requests.

const utf8 = new TextEncoder();
const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's url.QueryEscape: UTF-8 bytes percent-encoded (upper-case hex) except A-Z a-z 0-9 - _ . ~, space as `+`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (UNRESERVED.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Go's url.Values.Encode for single values: `k=v` pairs sorted by key, both query-escaped, joined by `&`. */
export function encodeValues(values: ReadonlyMap<string, string>): string {
  return [...values.keys()]
    .sort()
    .map((key) => `${queryEscape(key)}=${queryEscape(values.get(key)!)}`)
    .join('&');
}

// Bytes Go's url.PathEscape-like encodePath mode leaves as they are.
const PATH_KEEP = /[A-Za-z0-9\-_.~$&+,/:;=@]/;
// Bytes a path may hold as written and still count as a valid encoding (validEncoded).
const PATH_VALID = /^(?:[A-Za-z0-9\-_.~$&+,/:;=@!'()*[\]]|%[0-9A-Fa-f]{2})*$/;

function escapePath(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    out += PATH_KEEP.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function unescapePath(s: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * A path as Go escapes it once decoded (URL.EscapedPath of URL.Path): `/a%2Fb/c%20d` gives
 * `/a/b/c%20d`. Undefined for a bad %-escape.
 */
export function reescapePath(path: string): string | undefined {
  const decoded = unescapePath(path);
  return decoded === undefined ? undefined : escapePath(decoded);
}

/**
 * What Alertmanager makes of --web.external-url: Go's url.Parse, the path's trailing slashes
 * trimmed, then URL.String(). Unlike WHATWG URL serialising, the scheme is lower-cased but the
 * user info, host (its case too), port (a default one too), query and fragment stay as written;
 * the path is Go's escaping of the decoded path, or the path as written when that is a valid
 * encoding of it and nothing was trimmed. `raw` must already be known to parse (scheme://host…).
 * Undefined where Go's url.Parse fails on it: a bad %-escape in the path or fragment.
 */
export function goExternalUrlString(raw: string): string | undefined {
  const hash = raw.indexOf('#');
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  let rest = hash < 0 ? raw : raw.slice(0, hash);
  const colon = rest.indexOf(':');
  const scheme = rest.slice(0, colon).toLowerCase();
  rest = rest.slice(colon + 1);
  const q = rest.indexOf('?');
  const query = q < 0 ? undefined : rest.slice(q + 1);
  rest = q < 0 ? rest : rest.slice(0, q);
  let authority = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  const decoded = unescapePath(rest);
  if (decoded === undefined || unescapePath(fragment) === undefined) return undefined;
  const trimmed = decoded.replace(/\/+$/, '');
  const path = trimmed === decoded && PATH_VALID.test(rest) ? rest : escapePath(trimmed);
  // Go escapes the host (and user info) byte-wise: non-ASCII bytes as %XX.
  const host = [...utf8.encode(authority)].map((b) => (b < 0x80 ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase())).join('');
  let out = `${scheme}://${host}${path}`;
  // A lone trailing `?` is Go's ForceQuery: kept, as any query is.
  if (query !== undefined) out += '?' + query;
  if (fragment !== '') out += '#' + fragment;
  return out;
}

/** Go's URL.Redacted(): a password in the user info shows as `xxxxx`, for logs. */
export function redactedUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@?#:]*):[^/@?#]*@/i, '$1:xxxxx@');
}
