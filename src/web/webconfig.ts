/**
 * --web.config.file in the Prometheus exporter-toolkit format (as Alertmanager 0.25 reads it):
 *
 *   tls_server_config:  cert_file, key_file, client_auth_type, client_ca_file,
 *                       min_version, max_version, cipher_suites, curve_preferences,
 *                       prefer_server_cipher_suites
 *   http_server_config: http2 (accepted; alertrouter speaks HTTP/1.1 only: the server warns
 *                       when it is true), headers
 *   basic_auth_users:   user: bcrypt hash
 *
 * Unknown keys are refused (the toolkit decodes strictly); relative file names are taken
 * from the web config file's folder. parseWebConfig is pure; readTlsMaterial reads the
 * certificate files and checks they are usable, as the toolkit does at start.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { AlertrouterError } from '../util/errors.js';
import { checkX509KeyPair } from '../util/x509.js';

/** A web configuration file alertrouter refuses (at start: it does not start; later: requests fail). */
export class WebConfigError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_web_config', message, options);
  }
}

/** The toolkit's client_auth_type values (Go's tls.ClientAuthType). */
export type ClientAuthType =
  | 'NoClientCert'
  | 'RequestClientCert'
  | 'RequireAnyClientCert'
  | 'VerifyClientCertIfGiven'
  | 'RequireAndVerifyClientCert';

export interface TlsServerSettings {
  /** Absolute paths. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string | undefined;
  readonly clientAuth: ClientAuthType;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** OpenSSL cipher list for TLS ≤ 1.2, when cipher_suites is set. */
  readonly ciphers: string | undefined;
  /** OpenSSL curve list, when curve_preferences is set. */
  readonly ecdhCurve: string | undefined;
  readonly honorCipherOrder: boolean;
}

export interface WebConfig {
  /** Undefined when the file configures no TLS (then alertrouter serves plain HTTP). */
  readonly tls: TlsServerSettings | undefined;
  /** User name → bcrypt hash; empty means no authentication. */
  readonly users: ReadonlyMap<string, string>;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** http_server_config.http2 as written (undefined when absent); alertrouter serves HTTP/1.1 whatever it says. */
  readonly http2: boolean | undefined;
}

const CLIENT_AUTH: Readonly<Record<string, ClientAuthType>> = {
  '': 'NoClientCert',
  NoClientCert: 'NoClientCert',
  RequestClientCert: 'RequestClientCert',
  RequireAnyClientCert: 'RequireAnyClientCert',
  // The toolkit's old name, kept for compatibility.
  RequireClientCert: 'RequireAnyClientCert',
  VerifyClientCertIfGiven: 'VerifyClientCertIfGiven',
  RequireAndVerifyClientCert: 'RequireAndVerifyClientCert',
};

const TLS_VERSIONS: Readonly<Record<string, SecureVersion>> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

// Go's crypto/tls names of the cipher suites it supports, with OpenSSL's names. TLS 1.3
// suites are not configurable in Go either; they are accepted and left to OpenSSL.
const CIPHERS: Readonly<Record<string, string | null>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: null,
  TLS_AES_256_GCM_SHA384: null,
  TLS_CHACHA20_POLY1305_SHA256: null,
};

const CURVES: Readonly<Record<string, string>> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

// The toolkit allows only these headers, some only with these values.
const HEADERS: Readonly<Record<string, readonly string[] | null>> = {
  'Strict-Transport-Security': null,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': null,
  'Content-Security-Policy': null,
};

const KEYS = {
  root: ['tls_server_config', 'http_server_config', 'basic_auth_users'],
  tls: ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'cipher_suites', 'curve_preferences', 'min_version', 'max_version', 'prefer_server_cipher_suites'],
  http: ['http2', 'headers'],
} as const;

// A bcrypt hash as Go's bcrypt.Cost accepts it: version 2 (a, b, x or y), cost 04–31, 53 characters of salt and hash.
const BCRYPT = /^\$2[abxy]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;

type Obj = Record<string, unknown>;

/** Parses and checks a web configuration file's text; `path` names it in errors and anchors relative file names. Pure. */
export function parseWebConfig(text: string, path: string): WebConfig {
  const fail = (keyPath: string, problem: string): never => {
    throw new WebConfigError(`web config "${path}": ${keyPath ? keyPath + ': ' : ''}${problem}`);
  };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    fail('', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = mapping(doc ?? {}, '', fail);
  checkKeys(root, KEYS.root, '', fail);
  const tlsRaw = mapping(root['tls_server_config'] ?? {}, 'tls_server_config', fail);
  checkKeys(tlsRaw, KEYS.tls, 'tls_server_config', fail);
  const httpRaw = mapping(root['http_server_config'] ?? {}, 'http_server_config', fail);
  checkKeys(httpRaw, KEYS.http, 'http_server_config', fail);
  const http2 = httpRaw['http2'] ?? undefined;
  if (http2 !== undefined && typeof http2 !== 'boolean') fail('http_server_config.http2', `want true or false (got ${show(http2)})`);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mapping(httpRaw['headers'] ?? {}, 'http_server_config.headers', fail))) {
    const allowed = HEADERS[name];
    if (allowed === undefined) fail('http_server_config.headers', `HTTP header "${name}" can not be configured (want one of ${Object.keys(HEADERS).join(', ')})`);
    const text = str(value, `http_server_config.headers.${name}`, fail);
    if (allowed && !allowed.includes(text)) fail(`http_server_config.headers.${name}`, `invalid value ${show(text)} (want one of ${allowed.join(', ')})`);
    headers[name] = text;
  }

  const users = new Map<string, string>();
  for (const [user, hash] of Object.entries(mapping(root['basic_auth_users'] ?? {}, 'basic_auth_users', fail))) {
    const text = str(hash, `basic_auth_users.${user}`, fail);
    const m = BCRYPT.exec(text);
    const cost = m ? Number(m[1]) : NaN;
    if (!m || cost < 4 || cost > 31) {
      fail(`basic_auth_users.${user}`, 'not a bcrypt hash (want e.g. the output of `htpasswd -nBC 10 "" | tr -d \':\\n\'`)');
    }
    users.set(user, text);
  }

  return { tls: parseTls(tlsRaw, dirname(path), fail), users, headers, http2: http2 as boolean | undefined };
}

function parseTls(raw: Obj, dir: string, fail: (keyPath: string, problem: string) => never): TlsServerSettings | undefined {
  const at = (key: string): string => `tls_server_config.${key}`;
  const optionalStr = (key: string): string => (raw[key] === undefined || raw[key] === null ? '' : str(raw[key], at(key), fail));
  const certFile = optionalStr('cert_file');
  const keyFile = optionalStr('key_file');
  const clientAuthText = optionalStr('client_auth_type');
  const clientCaFile = optionalStr('client_ca_file');
  const version = (key: string, fallback: SecureVersion): SecureVersion => {
    const text = optionalStr(key);
    if (text === '') return fallback;
    return TLS_VERSIONS[text] ?? fail(at(key), `unknown TLS version ${show(text)} (want one of ${Object.keys(TLS_VERSIONS).join(', ')})`);
  };
  const minVersion = version('min_version', 'TLSv1.2');
  const maxVersion = version('max_version', 'TLSv1.3');
  const list = (key: string, table: Readonly<Record<string, string | null>>, what: string): Array<string | null> | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) fail(at(key), `want a list of ${what} names (got ${show(value)})`);
    return (value as unknown[]).map((item, i) => {
      const name = str(item, `${at(key)}[${i}]`, fail);
      if (!(name in table)) fail(`${at(key)}[${i}]`, `unknown ${what} ${show(name)} (want one of ${Object.keys(table).join(', ')})`);
      return table[name]!;
    });
  };
  const ciphers = list('cipher_suites', CIPHERS, 'cipher')?.filter((c): c is string => c !== null);
  const curves = list('curve_preferences', CURVES, 'curve') as string[] | undefined;
  const prefer = raw['prefer_server_cipher_suites'];
  if (prefer !== undefined && prefer !== null && typeof prefer !== 'boolean') fail(at('prefer_server_cipher_suites'), `want true or false (got ${show(prefer)})`);

  if (certFile === '' && keyFile === '' && clientAuthText === '' && clientCaFile === '') return undefined;
  if (certFile === '') fail(at('cert_file'), 'missing cert_file (TLS needs a certificate and its key)');
  if (keyFile === '') fail(at('key_file'), 'missing key_file (TLS needs a certificate and its key)');
  const clientAuth = CLIENT_AUTH[clientAuthText] ?? fail(at('client_auth_type'), `invalid ClientAuth ${show(clientAuthText)} (want one of ${Object.keys(CLIENT_AUTH).filter((k) => k !== '').join(', ')})`);
  if (clientCaFile !== '' && clientAuth === 'NoClientCert') {
    fail(at('client_ca_file'), "Client CA's have been configured without a Client Auth Policy (set client_auth_type, e.g. RequireAndVerifyClientCert)");
  }
  const resolve = (file: string): string => (isAbsolute(file) ? file : join(dir, file));
  return {
    certFile: resolve(certFile),
    keyFile: resolve(keyFile),
    clientCaFile: clientCaFile === '' ? undefined : resolve(clientCaFile),
    clientAuth,
    minVersion,
    maxVersion,
    ciphers: ciphers && ciphers.length > 0 ? ciphers.join(':') : undefined,
    ecdhCurve: curves && curves.length > 0 ? curves.join(':') : undefined,
    honorCipherOrder: prefer !== false,
  };
}

/** What a TLS server needs from the settings: Node's secure context and client-certificate options. */
export interface TlsMaterial {
  readonly context: {
    cert: Buffer;
    key: Buffer;
    ca?: Buffer;
    minVersion: SecureVersion;
    maxVersion: SecureVersion;
    ciphers?: string;
    ecdhCurve?: string;
    honorCipherOrder: boolean;
  };
  /** Ask the client for a certificate. */
  readonly requestCert: boolean;
  /** Refuse the handshake unless the client's certificate verifies against the CA. */
  readonly rejectUnauthorized: boolean;
  readonly clientAuth: ClientAuthType;
}

/**
 * Reads the certificate, key and client CA files and checks that they make a usable TLS
 * setup (the key belongs to the certificate). Throws WebConfigError naming the file.
 */
export function readTlsMaterial(tls: TlsServerSettings, path: string): TlsMaterial {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new WebConfigError(`web config "${path}": tls_server_config.${what}: cannot read "${file}": ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = read(tls.certFile, 'cert_file');
  const key = read(tls.keyFile, 'key_file');
  const ca = tls.clientCaFile === undefined ? undefined : read(tls.clientCaFile, 'client_ca_file');
  try {
    checkX509KeyPair(cert, key);
  } catch (err) {
    throw new WebConfigError(`web config "${path}": failed to load X509KeyPair from "${tls.certFile}" and "${tls.keyFile}": ${(err as Error).message}`, { cause: err });
  }
  const context: TlsMaterial['context'] = {
    cert,
    key,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    honorCipherOrder: tls.honorCipherOrder,
    ...(ca ? { ca } : {}),
    ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
    ...(tls.ecdhCurve ? { ecdhCurve: tls.ecdhCurve } : {}),
  };
  try {
    createSecureContext(context);
  } catch (err) {
    throw new WebConfigError(`web config "${path}": tls_server_config: ${(err as Error).message}`, { cause: err });
  }
  return {
    context,
    requestCert: tls.clientAuth !== 'NoClientCert',
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
    clientAuth: tls.clientAuth,
  };
}

function mapping(value: unknown, keyPath: string, fail: (keyPath: string, problem: string) => never): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(keyPath, `want a mapping (got ${show(value)})`);
  return value as Obj;
}

function checkKeys(obj: Obj, known: readonly string[], keyPath: string, fail: (keyPath: string, problem: string) => never): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) fail(keyPath ? `${keyPath}.${key}` : key, `field ${key} not found (want one of ${known.join(', ')})`);
  }
}

function str(value: unknown, keyPath: string, fail: (keyPath: string, problem: string) => never): string {
  if (typeof value === 'string') return value;
  // YAML scalars that are not quoted (numbers, booleans) read as strings, as yaml.v2 does.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(keyPath, `want a string (got ${show(value)})`);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
