// `alertrouter healthcheck` in parts: the daemon's arguments out of a process command line, the
// probe's target from the daemon's flags and web config, and what counts as an answer, against
// HTTP(S) servers on loopback (the whole command against real daemons: test/e2e/dockerfile.test.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { DAEMON_FLAGS } from '../../src/cli/daemon-flags.js';
import { parseFlags } from '../../src/cli/flags.js';
import { daemonArgsFromCommandLine, HealthcheckError, probe, probeTarget, type ProbeTarget } from '../../src/cli/healthcheck.js';
import { makeTestCerts } from '../support/certs.js';

const daemonFlags = (...argv: string[]) => parseFlags(argv, DAEMON_FLAGS).values;

describe('daemonArgsFromCommandLine', () => {
  const isMain = (arg: string) => arg === '/alertrouter/dist/src/main.js';
  test('takes what follows main.js, past node and its options or an init process', () => {
    assert.deepEqual(daemonArgsFromCommandLine(['node', '/alertrouter/dist/src/main.js', '--config.file=a.yml'], isMain), ['--config.file=a.yml']);
    assert.deepEqual(daemonArgsFromCommandLine(['node', '--max-semi-space-size=4', '/alertrouter/dist/src/main.js'], isMain), []);
    assert.deepEqual(
      daemonArgsFromCommandLine(['/sbin/docker-init', '--', 'node', '/alertrouter/dist/src/main.js', '--web.listen-address=:9094'], isMain),
      ['--web.listen-address=:9094'],
    );
  });
  test('undefined for a process that does not run it', () => {
    assert.equal(daemonArgsFromCommandLine(['bash', '-c', 'sleep 1'], isMain), undefined);
    assert.equal(daemonArgsFromCommandLine(['/alertrouter/dist/src/main.js'], isMain), undefined, 'not the executable itself');
  });
});

describe('probeTarget', () => {
  test('a wildcard listen address is probed on loopback, under the route prefix', () => {
    assert.equal(probeTarget(daemonFlags(), '/').url.href, 'http://127.0.0.1:9093/-/healthy');
    assert.equal(probeTarget(daemonFlags('--web.listen-address=0.0.0.0:9000'), '/').url.href, 'http://127.0.0.1:9000/-/healthy');
    assert.equal(probeTarget(daemonFlags('--web.listen-address=[::]:9000'), '/').url.href, 'http://[::1]:9000/-/healthy');
    assert.equal(probeTarget(daemonFlags('--web.listen-address=127.0.0.5:9000', '--web.route-prefix=/am/'), '/').url.href, 'http://127.0.0.5:9000/am/-/healthy');
    assert.equal(probeTarget(daemonFlags('--web.external-url=https://alerts.example.com/x/am'), '/').url.href, 'http://127.0.0.1:9093/x/am/-/healthy');
  });

  test('the web config, relative to the daemon\'s folder, decides HTTPS, the certificate and basic auth', (t) => {
    const certs = makeTestCerts(t);
    writeFileSync(join(certs.dir, 'web.yml'), 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  ops: $2y$04$yVCoNBebLw9vXAvF6bgqseVSUOyqr7vOUnhB2z1TwrIJJwO3S78EK\n');
    const target = probeTarget(daemonFlags('--web.config.file=web.yml'), certs.dir);
    assert.equal(target.url.protocol, 'https:');
    assert.match(target.certFingerprint ?? '', /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    assert.equal(target.basicAuth, true);
    assert.equal(target.clientAuth, 'NoClientCert');
  });

  test('flags or a web config the daemon would not start with are unhealthy, with the reason', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'alertrouter-healthcheck-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    assert.throws(() => probeTarget(daemonFlags('--web.listen-address=nope'), dir), (e: unknown) => e instanceof HealthcheckError && /want host:port/.test(e.message));
    assert.throws(() => probeTarget(daemonFlags('--web.config.file=missing.yml'), dir), /web config ".*missing\.yml": cannot read/);
    writeFileSync(join(dir, 'web.yml'), 'basic_auth_users:\n  ops: plain\n');
    assert.throws(() => probeTarget(daemonFlags('--web.config.file=web.yml'), dir), /not a bcrypt hash/);
  });
});

async function serve(t: TestContext, handler: RequestListener, tls?: { cert: Buffer; key: Buffer }): Promise<number> {
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

const target = (port: number, over: Partial<ProbeTarget> = {}): ProbeTarget => ({
  url: new URL(`http://127.0.0.1:${port}/-/healthy`),
  certFingerprint: undefined,
  basicAuth: false,
  clientAuth: undefined,
  ...over,
});

describe('probe', () => {
  test('200 is healthy; 401 asking for Basic only when the web config has users; anything else is not', async (t) => {
    const port = await serve(t, (req, res) => {
      if (req.url === '/-/healthy') res.end('OK');
      else if (req.url === '/auth/-/healthy') res.writeHead(401, { 'WWW-Authenticate': 'Basic' }).end('Unauthorized\n');
      else res.writeHead(503).end('busy\n');
    });
    assert.deepEqual(await probe(target(port), { timeoutMs: 2000 }), { healthy: true, detail: `GET http://127.0.0.1:${port}/-/healthy: 200 OK` });
    const auth = { url: new URL(`http://127.0.0.1:${port}/auth/-/healthy`) };
    assert.equal((await probe(target(port, { ...auth, basicAuth: true }), { timeoutMs: 2000 })).healthy, true);
    assert.deepEqual(await probe(target(port, auth), { timeoutMs: 2000 }), { healthy: false, detail: `GET http://127.0.0.1:${port}/auth/-/healthy: 401 Unauthorized` });
    assert.deepEqual(await probe(target(port, { url: new URL(`http://127.0.0.1:${port}/other`) }), { timeoutMs: 2000 }), {
      healthy: false,
      detail: `GET http://127.0.0.1:${port}/other: 503 busy`,
    });
  });

  test('over TLS only the configured certificate is trusted; no answer in time is unhealthy', async (t) => {
    const certs = makeTestCerts(t);
    const port = await serve(t, (_req, res) => res.end('OK'), { cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey) });
    const https = { url: new URL(`https://127.0.0.1:${port}/-/healthy`) };
    writeFileSync(join(certs.dir, 'web.yml'), 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n');
    const serverTarget = probeTarget(daemonFlags('--web.config.file=web.yml'), certs.dir);
    assert.deepEqual(await probe(target(port, { ...https, certFingerprint: serverTarget.certFingerprint }), { timeoutMs: 2000 }), {
      healthy: true,
      detail: `GET https://127.0.0.1:${port}/-/healthy: 200 OK`,
    });
    const other = await probe(target(port, { ...https, certFingerprint: 'AA:BB' }), { timeoutMs: 2000 });
    assert.equal(other.healthy, false);
    assert.match(other.detail, /the server's certificate \(SHA-256 [0-9A-F:]+\) is not the web config's cert_file \(SHA-256 AA:BB\)$/);

    const silent = await serve(t, () => undefined);
    assert.deepEqual(await probe(target(silent), { timeoutMs: 200 }), { healthy: false, detail: `GET http://127.0.0.1:${silent}/-/healthy: no answer in time` });
  });

  test('a refused connection is unhealthy; when client certificates are required, it says the check has none', async () => {
    const closed = target(1, { clientAuth: 'RequireAndVerifyClientCert' });
    const result = await probe(closed, { timeoutMs: 2000 });
    assert.equal(result.healthy, false);
    assert.match(result.detail, /ECONNREFUSED.*\(the web config's client_auth_type RequireAndVerifyClientCert wants a client certificate, which the health check does not have\)$/);
  });
});
