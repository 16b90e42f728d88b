/**
 * `alertrouter healthcheck`: whether a running daemon answers, for Docker's HEALTHCHECK (or any
 * probe that runs a command). It takes the daemon's own flags, given on its command line or read
 * from the daemon process with `--pid` (/proc/<pid>/cmdline, relative paths against
 * /proc/<pid>/cwd), reads the web config they name, and asks for `<route prefix>/-/healthy` on
 * the listen address (a wildcard address is probed on loopback):
 *
 * - with TLS in the web config, over HTTPS, trusting exactly the configured certificate
 *   (cert_file) instead of a CA: the probe connects to a loopback address the certificate need
 *   not name, and sends nothing secret;
 * - with basic_auth_users, the daemon asks every request for credentials, /-/healthy too (as
 *   Alertmanager does), and the file holds only bcrypt hashes, so the probe has no password:
 *   the daemon's own refusal, 401 with `WWW-Authenticate: Basic`, counts as an answer.
 *
 * Exit status 0 with `healthy: …` on stdout, or 1 with `unhealthy: …` on stderr. It loads neither
 * the daemon nor its dependencies (main.ts runs it directly): Docker runs it every 30 s.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { AlertrouterError } from '../util/errors.js';
import { parseListenAddress, resolveWebUrls } from '../web/address.js';
import { parseWebConfig, type ClientAuthType } from '../web/webconfig.js';
import { DAEMON_FLAGS } from './daemon-flags.js';
import { FlagError, formatHelp, parseFlags, type FlagSpecs, type FlagValues } from './flags.js';
import type { CliIo } from './run.js';

const APP = 'alertrouter';

const OWN_FLAGS = {
  pid: {
    kind: 'string',
    help: "Read the daemon's flags from this process's command line (Linux /proc), e.g. 1 in a container; instead of giving them here.",
    placeholder: '<pid>',
  },
  timeout: { kind: 'duration', default: '2s', help: 'Give up on an answer after this long.' },
} as const satisfies FlagSpecs;

const HEALTHCHECK_FLAGS = { ...DAEMON_FLAGS, ...OWN_FLAGS } as const satisfies FlagSpecs;

/** A probe that could not be made or got no usable answer; the message says why. */
export class HealthcheckError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unhealthy', message, options);
  }
}

/** What to ask, worked out from the daemon's flags and web config. */
export interface ProbeTarget {
  readonly url: URL;
  /** SHA-256 fingerprint of the configured certificate, when the daemon speaks TLS. */
  readonly certFingerprint: string | undefined;
  /** The web config has basic_auth_users. */
  readonly basicAuth: boolean;
  readonly clientAuth: ClientAuthType | undefined;
}

/**
 * The daemon's arguments from a process command line (as /proc/<pid>/cmdline splits it): what
 * follows the first argument `isMain` recognises as alertrouter's main.js (after node and its
 * options, or an init process such as docker-init in front). Undefined when none is. Pure.
 */
export function daemonArgsFromCommandLine(cmdline: readonly string[], isMain: (arg: string) => boolean): string[] | undefined {
  const at = cmdline.findIndex((arg, i) => i > 0 && isMain(arg));
  return at < 0 ? undefined : cmdline.slice(at + 1);
}

/**
 * Where and how to probe a daemon run with these flags; `cwd` is the daemon's working folder
 * (relative --web.config.file). Reads the web config and its certificate. Throws
 * HealthcheckError for flags or files the daemon would not start with either.
 */
export function probeTarget(values: FlagValues<typeof DAEMON_FLAGS>, cwd: string): ProbeTarget {
  try {
    const listen = values['web.listen-address'];
    const { host, port } = parseListenAddress(listen);
    // The route prefix alone is wanted; the host name only goes into the external URL.
    const { routePrefix } = resolveWebUrls({ externalUrl: values['web.external-url'], routePrefix: values['web.route-prefix'], listenAddress: listen, hostname: 'localhost' });
    const probeHost = host === undefined || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    const webConfigFile = values['web.config.file'] ? resolve(cwd, values['web.config.file']) : undefined;
    const web = webConfigFile === undefined ? undefined : parseWebConfig(readText(webConfigFile, 'web config'), webConfigFile);
    const tls = web?.tls;
    const url = new URL(`${tls ? 'https' : 'http'}://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${port}`);
    url.pathname = `${routePrefix === '/' ? '' : routePrefix}/-/healthy`;
    const certFingerprint = tls ? new X509Certificate(readFileSync(tls.certFile)).fingerprint256 : undefined;
    return { url, certFingerprint, basicAuth: (web?.users.size ?? 0) > 0, clientAuth: tls?.clientAuth };
  } catch (err) {
    if (err instanceof HealthcheckError) throw err;
    throw new HealthcheckError((err as Error).message, { cause: err });
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new HealthcheckError(`${what} "${path}": cannot read: ${(err as Error).message}`, { cause: err });
  }
}

/** The outcome of one probe: healthy or not, and a line saying what was seen. */
export interface ProbeResult {
  readonly healthy: boolean;
  readonly detail: string;
}

/** Asks the target once; never throws (an error is an unhealthy result). */
export async function probe(target: ProbeTarget, options: { readonly timeoutMs: number }): Promise<ProbeResult> {
  const what = `GET ${target.url.href}`;
  let res: { status: number; headers: IncomingMessage['headers']; body: string; certFingerprint: string | undefined };
  try {
    res = await get(target.url, options.timeoutMs);
  } catch (err) {
    const needsCert = target.clientAuth === 'RequireAnyClientCert' || target.clientAuth === 'RequireAndVerifyClientCert';
    const hint = needsCert ? ` (the web config's client_auth_type ${target.clientAuth} wants a client certificate, which the health check does not have)` : '';
    return { healthy: false, detail: `${what}: ${describe(err)}${hint}` };
  }
  if (target.certFingerprint !== undefined && res.certFingerprint !== target.certFingerprint) {
    return { healthy: false, detail: `${what}: the server's certificate (SHA-256 ${res.certFingerprint ?? 'none'}) is not the web config's cert_file (SHA-256 ${target.certFingerprint})` };
  }
  if (res.status === 200) return { healthy: true, detail: `${what}: 200 ${res.body.trim()}` };
  if (res.status === 401 && target.basicAuth && /^Basic\b/.test(String(res.headers['www-authenticate'] ?? ''))) {
    return { healthy: true, detail: `${what}: 401 (basic auth asked of every request: the daemon answers)` };
  }
  return { healthy: false, detail: `${what}: ${res.status} ${res.body.trim().slice(0, 200)}` };
}

function get(url: URL, timeoutMs: number): Promise<{ status: number; headers: IncomingMessage['headers']; body: string; certFingerprint: string | undefined }> {
  const https = url.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    // The certificate is checked against cert_file once connected (probe): no CA, no host name.
    const req = send(url, { agent: false, signal: AbortSignal.timeout(timeoutMs), ...(https ? { rejectUnauthorized: false } : {}) }, (res) => {
      const socket = res.socket as TLSSocket;
      const certFingerprint = https ? socket.getPeerX509Certificate()?.fingerprint256 : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body, certFingerprint }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

function describe(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'no answer in time';
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The daemon's flags and working folder from its process, for --pid. */
function fromProcess(pid: string): { argv: string[]; cwd: string } {
  if (!/^\d+$/.test(pid)) throw new FlagError(`--pid: want a process id (got ${JSON.stringify(pid)})`);
  let cmdline: string[];
  let cwd: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch (err) {
    throw new HealthcheckError(`process ${pid}: cannot read its command line: ${(err as Error).message}`, { cause: err });
  }
  // The daemon runs the same executable as this command (the bin, bundled: this module's own
  // location says nothing about it).
  const ownMain = realpathSync(process.argv[1] ?? '');
  const isMain = (arg: string): boolean => {
    try {
      return realpathSync(resolve(cwd, arg)) === ownMain;
    } catch {
      return false;
    }
  };
  const argv = daemonArgsFromCommandLine(cmdline, isMain);
  if (argv === undefined) throw new HealthcheckError(`process ${pid} does not run ${ownMain} (its command line: ${cmdline.join(' ')})`);
  return { argv, cwd };
}

function help(): string {
  return formatHelp({
    usage: `${APP} healthcheck [--pid=<pid> | <daemon flags>...]`,
    description:
      "Checks that a running daemon answers GET <route prefix>/-/healthy. The daemon's flags say\n" +
      'where (--web.listen-address, --web.route-prefix or --web.external-url) and how\n' +
      '(--web.config.file: HTTPS when it turns TLS on, trusting its cert_file; with basic auth the\n' +
      "daemon's 401 counts as an answer). Give them as the daemon was given them, or --pid to read\n" +
      "them from the daemon's process. Exit status 0 when it answers, 1 when not.",
    specs: OWN_FLAGS,
  });
}

/** Runs `alertrouter healthcheck <argv>`; resolves to the exit status and never throws. */
export async function healthcheckCommand(argv: readonly string[], io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  try {
    const { values, positional, help: wantsHelp } = parseFlags(argv, HEALTHCHECK_FLAGS);
    if (wantsHelp) {
      io.stdout(help());
      return 0;
    }
    if (positional.length > 0) throw new FlagError(`unexpected ${positional[0]} (healthcheck takes flags only)`);
    let daemon: FlagValues<typeof DAEMON_FLAGS> = values;
    let cwd = process.cwd();
    if (values.pid !== undefined) {
      // With --pid the daemon's flags come from its process alone: refuse a mix.
      try {
        parseFlags(argv, OWN_FLAGS);
      } catch (err) {
        if (!(err instanceof FlagError)) throw err;
        throw new FlagError(`with --pid the daemon's flags are read from its process: give no daemon flags too (${err.message})`);
      }
      const found = fromProcess(values.pid);
      daemon = parseFlags(found.argv, DAEMON_FLAGS).values;
      cwd = found.cwd;
    }
    const result = await probe(probeTarget(daemon, cwd), { timeoutMs: values.timeout });
    if (result.healthy) io.stdout(`healthy: ${result.detail}\n`);
    else io.stderr(`unhealthy: ${result.detail}\n`);
    return result.healthy ? 0 : 1;
  } catch (err) {
    if (err instanceof FlagError) io.stderr(`${APP}: error: ${err.message}, try --help\n`);
    else if (err instanceof HealthcheckError) io.stderr(`unhealthy: ${err.message}\n`);
    else io.stderr(`unhealthy: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
