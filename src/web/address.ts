/**
 * Where the daemon listens and under which URL it is reached, from its flags: Alertmanager's
 * rules for --web.listen-address, --web.external-url and --web.route-prefix. Pure, and light to
 * import (the `healthcheck` command uses it without loading the daemon).
 */
import { AlertrouterError } from '../util/errors.js';
import { goExternalUrlString, reescapePath } from '../util/gourl.js';

export class ListenAddressError extends AlertrouterError {
  constructor(address: string) {
    super('bad_listen_address', `--web.listen-address "${address}": want host:port, :port or [ipv6]:port`);
  }
}

/** Splits a Go-style listen address; an empty host means every interface. */
export function parseListenAddress(address: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ListenAddressError(address);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? undefined : host, port };
}

/** A `--web.external-url` or listen address that cannot give a usable URL. */
export class WebUrlError extends AlertrouterError {
  constructor(message: string) {
    super('bad_web_url', message);
  }
}

/**
 * Alertmanager's external URL and route prefix rules: without `--web.external-url` the URL
 * is `http://<hostname>:<listen port>`; the URL's path loses its trailing slash; the route
 * prefix defaults to that path and is normalised to `/` or `/a/b`. Throws WebUrlError.
 */
export function resolveWebUrls(options: {
  readonly externalUrl: string;
  readonly routePrefix: string;
  readonly listenAddress: string;
  readonly hostname: string;
}): { externalUrl: string; routePrefix: string } {
  let external = options.externalUrl;
  if (external === '') {
    const port = /:(\d*)$/.exec(options.listenAddress)?.[1];
    if (port === undefined) {
      throw new WebUrlError(`--web.listen-address ${JSON.stringify(options.listenAddress)}: no port (want host:port or :port)`);
    }
    external = `http://${options.hostname}:${port}/`;
  }
  let url: URL;
  try {
    url = new URL(external);
  } catch (err) {
    throw new WebUrlError(`--web.external-url ${JSON.stringify(external)}: not a URL (want e.g. "https://alerts.example.com/am")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebUrlError(
      `--web.external-url ${JSON.stringify(external)}: invalid ${JSON.stringify(url.protocol.slice(0, -1))} scheme, only 'http' and 'https' are supported`,
    );
  }
  // Templates see it as Alertmanager prints it (Go's URL.String()), not as WHATWG normalises it.
  const externalUrl = goExternalUrlString(external);
  if (externalUrl === undefined) throw new WebUrlError(`--web.external-url ${JSON.stringify(external)}: invalid URL escape (want %XX with hex digits XX)`);
  // The default prefix is the URL's path as Alertmanager routes by it, Go's decoded path (`/a%2Fb`
  // serves under /a/b); requests here are routed by the path as sent, so it is escaped again as
  // Go escapes it, as the links it prints do (`c d` as `c%20d`).
  const prefix = options.routePrefix === '' ? (reescapePath(url.pathname) ?? url.pathname) : options.routePrefix;
  return { externalUrl, routePrefix: '/' + prefix.replace(/^\/+|\/+$/g, '') };
}
