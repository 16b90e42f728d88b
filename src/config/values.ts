/**
 * The value types of Alertmanager's configuration that carry their own rules: URLs (Go's
 * net/url parser, then http/https with a host), `host:port` addresses (Go's net.SplitHostPort),
 * label names, Go's canonical MIME header keys. Pure checks plus Cursor readers for them.
 */
import type { Cursor } from './cursor.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const CTL = /[\x00-\x1f\x7f]/;
const HEX = /^[0-9a-fA-F]{2}$/;
// Characters Go's url package leaves unescaped in a host (shouldEscape(c, encodeHost) is false).
const HOST_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"]$/;
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function badEscape(s: string, host: boolean): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
      // Go allows only %25 and bytes ≥ 0x80 escaped in a host name.
      if (host && parseInt(hex, 16) < 0x80 && hex !== '25') return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
      i += 2;
    } else if (host && c.charCodeAt(0) < 0x80 && !HOST_CHAR.test(c)) {
      return `invalid character ${JSON.stringify(c)} in host name`;
    }
  }
  return undefined;
}

function validOptionalPort(p: string): boolean {
  return p === '' || /^:[0-9]*$/.test(p);
}

function checkHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) return "missing ']' in host";
    if (!validOptionalPort(host.slice(end + 1))) return `invalid port ${JSON.stringify(host.slice(end + 1))} after host`;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) return `invalid port ${JSON.stringify(host.slice(colon))} after host`;
  }
  return badEscape(host, true);
}

/**
 * What Go's url.Parse makes of `raw`: the lower-cased scheme and the host (empty for opaque and
 * relative URLs), or why it refuses the text.
 */
export function parseGoUrl(raw: string): Parsed<{ scheme: string; host: string }> {
  const fail = (reason: string): Parsed<{ scheme: string; host: string }> => ({ ok: false, reason });
  if (CTL.test(raw)) return fail('invalid control character in URL');
  const hashAt = raw.indexOf('#');
  const beforeFragment = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  if (hashAt >= 0) {
    const bad = badEscape(raw.slice(hashAt + 1), false);
    if (bad) return fail(bad);
  }
  let scheme = '';
  let rest = beforeFragment;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(beforeFragment);
  if (beforeFragment.startsWith(':')) return fail('missing protocol scheme');
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = beforeFragment.slice(m[0].length);
  }
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { ok: true, value: { scheme, host: '' } }; // opaque, e.g. mailto:x
    const firstSegment = rest.split('/')[0]!;
    if (firstSegment.includes(':')) return fail('first path segment in URL cannot contain colon');
  }
  let host = '';
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    rest = slash >= 0 ? authority.slice(slash) : '';
    if (slash >= 0) authority = authority.slice(0, slash);
    const at = authority.lastIndexOf('@');
    host = at >= 0 ? authority.slice(at + 1) : authority;
    const bad = checkHost(host);
    if (bad) return fail(bad);
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!USERINFO.test(userinfo)) return fail('invalid userinfo');
      const badUser = badEscape(userinfo, false);
      if (badUser) return fail(badUser);
    }
  }
  const badPath = badEscape(rest, false);
  if (badPath) return fail(badPath);
  return { ok: true, value: { scheme, host } };
}

/** Alertmanager's config.URL rule: Go-parsable, scheme http or https, a host. */
export function checkAlertmanagerUrl(raw: string): string | undefined {
  const p = parseGoUrl(raw);
  if (!p.ok) return p.reason;
  if (p.value.scheme !== 'http' && p.value.scheme !== 'https') return `unsupported scheme ${JSON.stringify(p.value.scheme)} for URL`;
  if (p.value.host === '') return 'missing host for URL';
  return undefined;
}

/**
 * An Alertmanager URL option (webhook url, slack api_url, global *_url). `secret` URLs also
 * take `<secret>`, the placeholder Alertmanager prints for them, as it does.
 */
export function readUrl(c: Cursor, opts: { secret: boolean }): string | undefined {
  const s = c.str();
  if (s === undefined) return undefined;
  if (opts.secret && s === '<secret>') return s;
  const bad = checkAlertmanagerUrl(s);
  if (bad) c.fail(`not a valid URL: ${bad}`, 'an http:// or https:// URL with a host');
  return s;
}

/** A URL Prometheus' common config takes as is (proxy_url): anything Go's url.Parse accepts. */
export function readAnyUrl(c: Cursor): string | undefined {
  const s = c.str();
  if (s === undefined || s === '') return undefined;
  const p = parseGoUrl(s);
  if (!p.ok) c.fail(`not a valid URL: ${p.reason}`, 'a URL like "http://proxy:3128"');
  return s;
}

/** Go's net.SplitHostPort. */
export function splitHostPort(s: string): Parsed<{ host: string; port: string }> {
  const fail = (reason: string): Parsed<{ host: string; port: string }> => ({ ok: false, reason });
  const i = s.lastIndexOf(':');
  if (i < 0) return fail('missing port in address');
  let host: string;
  let from = 0;
  let to = 0;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === s.length) return fail('missing port in address');
    if (end + 1 !== i) return fail(s[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = s.slice(1, end);
    from = 1;
    to = end + 1;
  } else {
    host = s.slice(0, i);
    if (host.includes(':')) return fail('too many colons in address');
  }
  if (s.slice(from).indexOf('[') >= 0) return fail("unexpected '[' in address");
  if (s.slice(to).indexOf(']') >= 0) return fail("unexpected ']' in address");
  return { ok: true, value: { host, port: s.slice(i + 1) } };
}

/** Alertmanager's HostPort option (smarthost): "" is unset; otherwise host:port with a port. */
export function readHostPort(c: Cursor): { host: string; port: string } | undefined {
  const s = c.str();
  if (s === undefined || s === '') return undefined;
  const wanted = 'host:port, e.g. "smtp.example.org:587"';
  const p = splitHostPort(s);
  if (!p.ok) return c.fail(`not a valid address: ${p.reason}`, wanted);
  if (p.value.port === '') return c.fail('port cannot be empty', wanted);
  return p.value;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus' label-name rule. */
export function isLabelName(s: string): boolean {
  return LABEL_NAME.test(s);
}

export const LABEL_NAME_WANTED = 'a label name: letters, digits and _, not starting with a digit';

/**
 * A label name option (inhibit_rules equal); refuses invalid names as model.LabelName does. A
 * null item stays "" unchecked: yaml.v2 does not call the check for null.
 */
export function readLabelName(c: Cursor): string {
  if (!c.present) return '';
  const s = c.str() ?? '';
  if (!isLabelName(s)) c.fail('not a valid label name', LABEL_NAME_WANTED);
  return s;
}

// RFC 7230 token characters: Go's textproto leaves a key with anything else untouched.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Go's textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`. */
export function canonicalHeaderKey(key: string): string {
  if (!TOKEN.test(key)) return key;
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}
