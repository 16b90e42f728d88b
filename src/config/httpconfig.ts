/**
 * `http_config` and `tls_config` as Prometheus' common/config (the version Alertmanager 0.25
 * ships with) reads them: the same keys, defaults (follow_redirects and enable_http2 on) and
 * mutual exclusions, bearer tokens folded into `authorization`, relative file paths joined with
 * the config file's folder.
 */
import type { Cursor } from './cursor.js';
import type { HttpClientConfig, OAuth2Config, TlsConfig } from './types.js';
import { readAnyUrl } from './values.js';

/** Turns a relative file path from the config into the path to open (identity when no folder is known). */
export type ResolvePath = (path: string) => string;

export const DEFAULT_HTTP_CONFIG: HttpClientConfig = Object.freeze({ followRedirects: true, enableHttp2: true });

const TLS_KEYS = ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version'] as const;
const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

function readTlsVersion(c: Cursor): string | undefined {
  const s = c.str();
  if (s === undefined) return undefined;
  if (!TLS_VERSIONS.includes(s)) c.fail('unknown TLS version', `one of ${TLS_VERSIONS.join(', ')}`);
  return s;
}

function file(c: Cursor, resolve: ResolvePath): string | undefined {
  const s = c.text();
  return s === undefined ? undefined : resolve(s);
}

/** A `tls_config` mapping (absent or null: all unset). */
export function readTlsConfig(c: Cursor, resolve: ResolvePath): TlsConfig {
  const f = c.fields(TLS_KEYS, 'tls_config');
  if (!f) return Object.freeze({ insecureSkipVerify: false });
  return Object.freeze({
    caFile: file(f.ca_file, resolve),
    certFile: file(f.cert_file, resolve),
    keyFile: file(f.key_file, resolve),
    serverName: f.server_name.text(),
    insecureSkipVerify: f.insecure_skip_verify.bool() ?? false,
    minVersion: readTlsVersion(f.min_version),
    maxVersion: readTlsVersion(f.max_version),
  });
}

const OAUTH2_KEYS = ['client_id', 'client_secret', 'client_secret_file', 'scopes', 'token_url', 'endpoint_params', 'proxy_url', 'tls_config'] as const;

function readOAuth2(c: Cursor, resolve: ResolvePath): OAuth2Config | undefined {
  const f = c.fields(OAUTH2_KEYS, 'oauth2');
  if (!f) return undefined;
  const clientId = f.client_id.text();
  const clientSecret = f.client_secret.text();
  const clientSecretFile = f.client_secret_file.text();
  const tokenUrl = f.token_url.text();
  if (clientId === undefined) return f.client_id.fail('oauth2 client_id must be configured', 'a client id');
  if (clientSecret === undefined && clientSecretFile === undefined) {
    f.client_secret.fail('either oauth2 client_secret or client_secret_file must be configured', 'one of them');
  }
  if (tokenUrl === undefined) return f.token_url.fail('oauth2 token_url must be configured', 'the token endpoint URL');
  if (clientSecret !== undefined && clientSecretFile !== undefined) {
    f.client_secret_file.fail('at most one of oauth2 client_secret & client_secret_file must be configured', 'only one of them', 'both');
  }
  return Object.freeze({
    clientId,
    clientSecret,
    clientSecretFile: clientSecretFile === undefined ? undefined : resolve(clientSecretFile),
    scopes: Object.freeze(f.scopes.strList() ?? []),
    tokenUrl,
    endpointParams: Object.freeze(Object.fromEntries((f.endpoint_params.strMap() ?? []).map((e) => [e.key, e.value]))),
    proxyUrl: readAnyUrl(f.proxy_url),
    tlsConfig: readTlsConfig(f.tls_config, resolve),
  });
}

const HTTP_KEYS = [
  'basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'proxy_url',
  'proxy_connect_header', 'tls_config', 'follow_redirects', 'enable_http2',
] as const;

function readProxyConnectHeader(c: Cursor): Record<string, readonly string[]> | undefined {
  const entries = c.entries();
  if (!entries || entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(({ key, value }) => [key, Object.freeze(value.strList() ?? [])]));
}

/**
 * An `http_config` mapping; undefined when absent or null (the caller then inherits the global
 * one). Refuses what Prometheus' HTTPClientConfig.Validate refuses.
 */
export function readHttpConfig(c: Cursor, resolve: ResolvePath): HttpClientConfig | undefined {
  const f = c.fields(HTTP_KEYS, 'http_config');
  if (!f) return undefined;

  const basic = f.basic_auth.fields(['username', 'password', 'password_file'] as const, 'basic_auth');
  const basicAuth = basic && {
    username: basic.username.str() ?? '',
    password: basic.password.text(),
    passwordFile: basic.password_file.text(),
  };
  const authz = f.authorization.fields(['type', 'credentials', 'credentials_file'] as const, 'authorization');
  const oauth2 = readOAuth2(f.oauth2, resolve);
  const bearerToken = f.bearer_token.text();
  const bearerTokenFile = f.bearer_token_file.text();
  const proxyUrl = readAnyUrl(f.proxy_url);
  const proxyConnectHeader = readProxyConnectHeader(f.proxy_connect_header);
  const hasBearer = bearerToken !== undefined || bearerTokenFile !== undefined;
  const exclusive = 'only one of basic_auth, oauth2, authorization and bearer_token(_file)';

  if (bearerToken !== undefined && bearerTokenFile !== undefined) {
    f.bearer_token_file.fail('at most one of bearer_token & bearer_token_file must be configured', 'only one of them', 'both');
  }
  if ((basicAuth || oauth2) && hasBearer) {
    (basicAuth ? f.basic_auth : f.oauth2).fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured', exclusive, 'both');
  }
  if (basicAuth && basicAuth.password !== undefined && basicAuth.passwordFile !== undefined) {
    basic!.password_file.fail('at most one of basic_auth password & password_file must be configured', 'only one of them', 'both');
  }
  let authorization: HttpClientConfig['authorization'];
  if (authz) {
    if (hasBearer) f.authorization.fail('authorization is not compatible with bearer_token & bearer_token_file', exclusive, 'both');
    const credentials = authz.credentials.text();
    const credentialsFile = authz.credentials_file.text();
    if (credentials !== undefined && credentialsFile !== undefined) {
      authz.credentials_file.fail('at most one of authorization credentials & credentials_file must be configured', 'only one of them', 'both');
    }
    const type = (authz.type.str() ?? '').trim() || 'Bearer';
    if (type.toLowerCase() === 'basic') {
      authz.type.fail('authorization type cannot be set to "basic", use "basic_auth" instead', 'a type other than Basic, or basic_auth');
    }
    if (basicAuth || oauth2) f.authorization.fail('at most one of basic_auth, oauth2 & authorization must be configured', exclusive, 'both');
    authorization = { type, credentials, credentialsFile: credentialsFile === undefined ? undefined : resolve(credentialsFile) };
  } else if (bearerToken !== undefined) {
    authorization = { type: 'Bearer', credentials: bearerToken };
  } else if (bearerTokenFile !== undefined) {
    authorization = { type: 'Bearer', credentialsFile: resolve(bearerTokenFile) };
  }
  if (oauth2 && basicAuth) f.oauth2.fail('at most one of basic_auth, oauth2 & authorization must be configured', exclusive, 'both');
  if (proxyConnectHeader && proxyUrl === undefined) {
    f.proxy_connect_header.fail('if proxy_connect_header is configured proxy_url must also be configured', 'proxy_url set as well');
  }

  return Object.freeze({
    basicAuth: basicAuth && Object.freeze({ ...basicAuth, passwordFile: basicAuth.passwordFile === undefined ? undefined : resolve(basicAuth.passwordFile) }),
    authorization: authorization && Object.freeze(authorization),
    bearerToken,
    bearerTokenFile,
    oauth2,
    tlsConfig: readTlsConfig(f.tls_config, resolve),
    proxyUrl,
    proxyConnectHeader: proxyConnectHeader && Object.freeze(proxyConnectHeader),
    followRedirects: f.follow_redirects.boolOr(true),
    enableHttp2: f.enable_http2.boolOr(true),
  });
}
