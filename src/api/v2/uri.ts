/**
 * The `uri` format check Alertmanager's OpenAPI layer applies to `generatorURL`: Go's
 * url.ParseRequestURI must accept the text (an absolute URI, or an absolute path).
 * Only the refusals a client can hit are reproduced: missing scheme on a relative reference,
 * control characters, bad percent-escapes, bad host or port, unclosed IPv6 brackets.
 */

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const CONTROL = /[\x00-\x1f\x7f]/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
// Characters Go's url package lets stand unescaped in a host name.
const HOST_CHARS = /^[a-zA-Z0-9\-._~!$&'()*+,;=:<>"%]*$/;
const USERINFO_CHARS = /^[a-zA-Z0-9\-._~!$&'()*+,;=:%@]*$/;

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  if (!USERINFO_CHARS.test(userinfo) || BAD_ESCAPE.test(userinfo)) return false;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return false;
    return /^(:\d*)?$/.test(host.slice(close + 1));
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) return false;
  return HOST_CHARS.test(host) && !BAD_ESCAPE.test(host);
}

/** Whether Alertmanager 0.25 accepts `text` as a `generatorURL` (the empty string included). */
export function isRequestUri(text: string): boolean {
  if (text === '') return true;
  if (CONTROL.test(text)) return false;
  let rest = text;
  const scheme = SCHEME.exec(text);
  if (scheme) {
    rest = text.slice(scheme[0].length);
    // An opaque URI (`mailto:x`): Go keeps the rest as is.
    if (!rest.startsWith('/')) return true;
  } else if (!text.startsWith('/')) {
    return false;
  }
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash >= 0 ? rest.slice(2, slash) : rest.slice(2);
    if (!validAuthority(authority)) return false;
    rest = slash >= 0 ? rest.slice(slash) : '';
  }
  return !BAD_ESCAPE.test(rest);
}
