// --web.config.file parsing (exporter-toolkit format) and the TLS material check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWebConfig, readTlsMaterial, WebConfigError } from '../../src/web/webconfig.js';
import { makeTestCerts } from '../support/certs.js';

const PATH = '/etc/alertmanager/web.yml';
// bcrypt of "secret" at cost 4, with the $2y$ prefix htpasswd writes.
const HASH = '$2y$04$yVCoNBebLw9vXAvF6bgqseVSUOyqr7vOUnhB2z1TwrIJJwO3S78EK';

test('web config: an empty file means plain HTTP, no users, no headers', () => {
  for (const text of ['', '{}\n', 'tls_server_config:\n', 'tls_server_config: {}\nbasic_auth_users: {}\n']) {
    const c = parseWebConfig(text, PATH);
    assert.equal(c.tls, undefined, JSON.stringify(text));
    assert.equal(c.users.size, 0);
    assert.deepEqual(c.headers, {});
    assert.equal(c.http2, undefined);
  }
});

test('web config: users, headers and TLS settings, relative files taken from the file\'s folder', () => {
  const c = parseWebConfig(
    `tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca/clients.pem
  min_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
  curve_preferences: [X25519, CurveP256]
  prefer_server_cipher_suites: false
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  alice: ${HASH}
`,
    PATH,
  );
  assert.deepEqual([...c.users], [['alice', HASH]]);
  assert.deepEqual(c.headers, { 'X-Frame-Options': 'deny', 'Strict-Transport-Security': 'max-age=31536000' });
  assert.equal(c.http2, false);
  assert.deepEqual(c.tls, {
    certFile: '/etc/alertmanager/server.crt',
    keyFile: '/abs/server.key',
    clientCaFile: '/etc/alertmanager/ca/clients.pem',
    clientAuth: 'RequireAndVerifyClientCert',
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
    ecdhCurve: 'X25519:P-256',
    honorCipherOrder: false,
  });
});

test('web config: the toolkit\'s old name RequireClientCert means RequireAnyClientCert; defaults are TLS 1.2 to 1.3', () => {
  const c = parseWebConfig('tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireClientCert\n', PATH);
  assert.equal(c.tls?.clientAuth, 'RequireAnyClientCert');
  assert.deepEqual([c.tls?.minVersion, c.tls?.maxVersion, c.tls?.honorCipherOrder], ['TLSv1.2', 'TLSv1.3', true]);
});

const BAD: ReadonlyArray<readonly [string, string, RegExp]> = [
  ['a misspelt key', 'tls_server_config:\n  cert_filse: server.crt\n', /tls_server_config\.cert_filse: field cert_filse not found/],
  ['an unknown top-level key', 'web:\n  x: 1\n', /web: field web not found/],
  ['text that is not YAML', 'tls_server_config: [\n', /not valid YAML/],
  ['a key without its certificate', 'tls_server_config:\n  key_file: server.key\n', /missing cert_file/],
  ['a certificate without its key', 'tls_server_config:\n  cert_file: server.crt\n', /missing key_file/],
  ['a client CA without a policy', 'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.crt\n', /Client CA's have been configured without a Client Auth Policy/],
  ['an unknown client auth type', 'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Maybe\n', /invalid ClientAuth "Maybe"/],
  ['an unknown TLS version', 'tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS111\n', /min_version: unknown TLS version "TLS111"/],
  ['an unknown cipher', 'tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_FAKE]\n', /cipher_suites\[0\]: unknown cipher "TLS_FAKE"/],
  ['an unknown curve', 'tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [CurveP999]\n', /unknown curve "CurveP999"/],
  ['a password that is not a bcrypt hash', 'basic_auth_users:\n  bob: secret\n', /basic_auth_users\.bob: not a bcrypt hash/],
  ['a bcrypt cost out of range', `basic_auth_users:\n  bob: ${HASH.replace('$04$', '$03$')}\n`, /not a bcrypt hash/],
  ['a header that cannot be set', 'http_server_config:\n  headers:\n    X-Powered-By: me\n', /HTTP header "X-Powered-By" can not be configured/],
  ['a header value not allowed', 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n', /X-Frame-Options: invalid value "allow" \(want one of deny, sameorigin\)/],
  ['users that are a list', 'basic_auth_users: [a, b]\n', /basic_auth_users: want a mapping/],
];

for (const [what, text, message] of BAD) {
  test(`web config: refuses ${what}, naming the file and the key`, () => {
    assert.throws(
      () => parseWebConfig(text, PATH),
      (err: unknown) => {
        assert.ok(err instanceof WebConfigError);
        assert.equal(err.code, 'bad_web_config');
        assert.match(err.message, /^web config "\/etc\/alertmanager\/web\.yml": /);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test('web config TLS material: certificate, key and client CA are read; a key that does not fit or a missing file is refused', (t) => {
  const certs = makeTestCerts(t);
  const path = join(certs.dir, 'web.yml');
  const settings = (cert: string, key: string, ca?: string) =>
    parseWebConfig(`tls_server_config:\n  cert_file: ${cert}\n  key_file: ${key}\n${ca ? `  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${ca}\n` : ''}`, path).tls!;
  const material = readTlsMaterial(settings('server.crt', 'server.key', 'ca.crt'), path);
  assert.deepEqual(material.context.cert, certs.read(certs.serverCert));
  assert.deepEqual(material.context.ca, certs.read(certs.caCert));
  assert.deepEqual([material.requestCert, material.rejectUnauthorized, material.clientAuth], [true, true, 'RequireAndVerifyClientCert']);
  assert.throws(() => readTlsMaterial(settings('server.crt', 'server2.key'), path), /failed to load X509KeyPair .*server\.crt.*server2\.key/);
  assert.throws(() => readTlsMaterial(settings('nothere.crt', 'server.key'), path), /tls_server_config\.cert_file: cannot read ".*nothere\.crt"/);
  copyFileSync(certs.serverKey, join(certs.dir, 'garbage.crt'));
  assert.throws(() => readTlsMaterial(settings('garbage.crt', 'server.key'), path), /failed to load X509KeyPair/);
});
