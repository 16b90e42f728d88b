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
