/**
 * A webhook capture server on 127.0.0.1 (plain HTTP or TLS, optionally requiring a client
 * certificate) that records every request, and certificates made with openssl for it.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Subject CN of the client certificate, when one was presented. */
  readonly clientCn?: string;
}

/** What the server answers; `hang` keeps the request open until the server closes. */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  /** Sets the answer for the following requests (default 200 "ok"). */
  answer(fn: (req: CapturedRequest) => Answer): void;
  /** Resolves when the server has received `n` requests in total. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export interface CaptureTls {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** Require a client certificate signed by this CA. */
  readonly clientCa?: Buffer;
  /** Highest TLS version the server offers. */
  readonly maxVersion?: import('node:tls').SecureVersion;
}

/** Starts the server on an ephemeral loopback port. */
export async function startCapture(tls?: CaptureTls): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const events = new EventEmitter();
  let answer: (req: CapturedRequest) => Answer = () => ({ status: 200, body: 'ok' });
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const socket = req.socket as import('node:tls').TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      const captured: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(peer && peer.subject ? { clientCn: String(peer.subject.CN) } : {}),
      };
      requests.push(captured);
      events.emit('request');
      const a = answer(captured);
      if (a === 'hang') return;
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  };
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert, ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}), ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, handler)
    : http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    answer: (fn) => {
      answer = fn;
    },
    async received(n) {
      while (requests.length < n) await once(events, 'request');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestCerts {
  readonly dir: string;
  readonly caFile: string;
  /** Server certificate for DNS:hook.test and IP:127.0.0.1. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** Server certificate for DNS:hook.test only. */
  readonly namedCertFile: string;
  readonly namedKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  read(file: string): Buffer;
}

/** Whether the openssl command is there to make certificates. */
export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function leaf(dir: string, name: string, subject: string, ext: string): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

/** A CA, two server certificates and a client certificate, in `dir`. */
export function makeCerts(dir: string): TestCerts {
  mkdirSync(dir, { recursive: true });
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=alertrouter test CA']);
  leaf(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=DNS:hook.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf(dir, 'named', '/CN=hook.test', 'subjectAltName=DNS:hook.test\nextendedKeyUsage=serverAuth\n');
  leaf(dir, 'client', '/CN=alertrouter-client', 'extendedKeyUsage=clientAuth\n');
  const f = (n: string): string => join(dir, n);
  return {
    dir,
    caFile: f('ca.crt'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    namedCertFile: f('named.crt'),
    namedKeyFile: f('named.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    read: (file) => readFileSync(file),
  };
}
