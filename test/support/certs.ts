// Certificates made with openssl for TLS tests: a CA, a server certificate for 127.0.0.1 and
// localhost, a client certificate the CA signed, and a self-signed client certificate it did not.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Cleanup = { after(fn: () => void | Promise<void>): void };

export interface TestCerts {
  readonly dir: string;
  /** File paths. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** Another key and certificate for the server (rotation tests), signed by the same CA. */
  readonly server2Cert: string;
  readonly server2Key: string;
  read(path: string): Buffer;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** Makes the certificates in a new folder, removed when the test ends. */
export function makeTestCerts(t: Cleanup): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-certs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const days = ['-days', '2'];
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=alertrouter test CA', ...days], dir);
  const signed = (name: string, subject: string, ext: string): void => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-extfile', `${name}.ext`, ...days], dir);
  };
  const serverExt = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
  signed('server', '/CN=127.0.0.1', serverExt);
  signed('server2', '/CN=127.0.0.1 (rotated)', serverExt);
  signed('client', '/CN=client', 'extendedKeyUsage=clientAuth\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'stranger.key', '-out', 'stranger.crt', '-subj', '/CN=stranger', ...days], dir);
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    strangerCert: p('stranger.crt'),
    strangerKey: p('stranger.key'),
    server2Cert: p('server2.crt'),
    server2Key: p('server2.key'),
    read: (path) => readFileSync(path),
  };
}
