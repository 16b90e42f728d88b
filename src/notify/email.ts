/**
 * The email integration: renders an `email_configs` entry's templates and sends one message
 * over SMTP, shaped as Alertmanager 0.25's email notifier shapes it — templated headers
 * (Q-encoded when not plain ASCII), a `Message-Id` and `Date`, a multipart/alternative body
 * with a quoted-printable text part first and the HTML part last.
 *
 * Pure parts (rendering, MIME encoding, auth choice, error classification) come first; the
 * SMTP session itself (nodemailer's SMTPConnection) is the thin shell at the end.
 *
 * Where alertrouter differs from 0.25, on purpose:
 * - an SMTP 5xx answer is a permanent failure (not retried); 0.25 retries every SMTP error;
 * - on port 465 (implicit TLS) require_tls is satisfied by the TLS connection itself, as in
 *   Alertmanager 0.27+, instead of failing because no STARTTLS is advertised inside TLS;
 * - auth_password_file is trimmed (as Alertmanager 0.26+), so a trailing newline is no password;
 * - templates are rendered before connecting, so a broken template fails without a connection;
 * - a recipient refused while others were accepted is logged, not failed (nodemailer delivers
 *   to the accepted ones; failing would make the retry send them a second copy).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import net from 'node:net';
import addressparser, { type Address } from 'nodemailer/lib/addressparser';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Alert } from '../alert/alert.js';
import type { EmailConfig } from '../config/types.js';
import type { FlushContext } from '../pipeline/context.js';
import { systemClock, type Clock } from '../util/clock.js';
import { tlsOptions } from './http.js';
import { NotifyError, type Notifier } from './notifier.js';
import { buildTemplateData } from '../template/data.js';
import type { Templates } from '../template/template.js';

// ---------------------------------------------------------------------------------------------
// Rendering

/** An email_configs entry with its templates executed. */
export interface RenderedEmail {
  /** The `from` option, rendered: the envelope sender. */
  readonly from: string;
  /** The `to` option, rendered: the envelope recipients. */
  readonly to: string;
  /** Header name → rendered value, in the config's order. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** Plain-text body; undefined when `text` is unset or empty. */
  readonly text?: string;
  /** HTML body; undefined when `html` is empty. */
  readonly html?: string;
}

/**
 * Executes every template of an email config against the template data: from, to, each header
 * (as text), text (as text) and html (with HTML escaping). Throws a non-retryable NotifyError
 * naming the template that failed.
 */
export function renderEmail(
  config: EmailConfig,
  options: { readonly templates: Templates; readonly data: unknown; readonly nowMs: number },
): RenderedEmail {
  const { templates, data, nowMs } = options;
  const failed = (what: string, err: unknown): NotifyError =>
    new NotifyError(`email: execute ${what} template: ${(err as Error).message}`, { retryable: false, cause: err });
  const text = (what: string, source: string): string => {
    try {
      return templates.executeText(source, data, { nowMs });
    } catch (err) {
      throw failed(what, err);
    }
  };
  const from = text("'from'", config.from);
  const to = text("'to'", config.to);
  const headers = Object.entries(config.headers).map(([name, source]) => [name, text(`${JSON.stringify(name)} header`, source)] as const);
  let html: string | undefined;
  if (config.html) {
    try {
      html = templates.executeHtml(config.html, data, { nowMs });
    } catch (err) {
      throw failed('html', err);
    }
  }
  return { from, to, headers, text: config.text ? text('text', config.text) : undefined, html };
}

function mailboxes(list: readonly Address[]): string[] {
  return list.flatMap((a) => (a.group ? mailboxes(a.group) : [a.address]));
}

/**
 * The addresses of an address-list header value (`Ops <ops@example.org>, dev@example.org`).
 * Throws a non-retryable NotifyError when the text holds no address or something that is not one.
 */
export function parseAddressList(text: string, what: string): string[] {
  const found = mailboxes(addressparser(text));
  const bad = found.find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
  if (found.length === 0 || bad !== undefined) {
    throw new NotifyError(`email: parse ${what} addresses: want "name <user@host>, …", got ${JSON.stringify(text)}`, { retryable: false });
  }
  return found;
}

/** Envelope sender and recipients of a rendered email: exactly one `from`, at least one `to`. */
export function emailEnvelope(rendered: Pick<RenderedEmail, 'from' | 'to'>): { from: string; to: string[] } {
  const from = parseAddressList(rendered.from, "'from'");
  if (from.length !== 1) {
    throw new NotifyError(`email: must be exactly one 'from' address (got: ${from.length} in ${JSON.stringify(rendered.from)})`, { retryable: false });
  }
  return { from: from[0]!, to: parseAddressList(rendered.to, "'to'") };
}

// ---------------------------------------------------------------------------------------------
// MIME encoding, as Go's mime, mime/multipart and mime/quotedprintable packages write it

const UPPER_HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();
/** RFC 2047: an encoded word is at most 75 characters; `=?utf-8?q?` and `?=` take 12 of them. */
const MAX_ENCODED_WORD_CONTENT = 75 - '=?UTF-8?q?'.length - '?='.length;

function hexByte(b: number): string {
  return '=' + UPPER_HEX[b >> 4]! + UPPER_HEX[b & 0x0f]!;
}

function utf8SequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/**
 * A header value as Go's `mime.QEncoding.Encode("utf-8", v)` writes it: unchanged when every
 * character is printable ASCII, space or tab; otherwise RFC 2047 Q-encoded words of at most
 * 75 characters, never splitting a UTF-8 sequence, separated by a space.
 */
export function qEncodeHeaderValue(value: string): string {
  if (!/[^\t\x20-\x7e]/.test(value)) return value;
  const bytes = utf8.encode(value);
  const words: string[] = [];
  let word = '';
  let wordLength = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const plain = b >= 0x20 && b <= 0x7e && b !== 0x3d && b !== 0x3f && b !== 0x5f;
    const runeLength = plain ? 1 : Math.min(utf8SequenceLength(b), bytes.length - i);
    const encodedLength = plain ? 1 : 3 * runeLength;
    if (wordLength + encodedLength > MAX_ENCODED_WORD_CONTENT) {
      words.push(word);
      word = '';
      wordLength = 0;
    }
    for (let j = i; j < i + runeLength; j++) {
      const c = bytes[j]!;
      if (c === 0x20) word += '_';
      else if (c >= 0x21 && c <= 0x7e && c !== 0x3d && c !== 0x3f && c !== 0x5f) word += String.fromCharCode(c);
      else word += hexByte(c);
    }
    wordLength += encodedLength;
    i += runeLength;
  }
  words.push(word);
  return words.map((w) => `=?utf-8?q?${w}?=`).join(' ');
}

/** Quoted-printable lines are at most 76 characters, the soft break's `=` included. */
const QP_LINE_MAX = 76;

/**
 * Text as Go's `quotedprintable.Writer` (text mode) encodes it: lines at most 76 characters
 * with `=` soft breaks, `=` and bytes outside printable ASCII as `=XX`, a space or tab before a
 * line end (or at the very end) encoded, and every line break (LF, CR or CRLF) written as CRLF.
 */
export function encodeQuotedPrintable(body: string): string {
  const bytes = utf8.encode(body);
  let out = '';
  let line = '';
  let lineLength = 0;
  let afterCr = false;
  const flush = (): void => {
    out += line;
    line = '';
    lineLength = 0;
  };
  const crlf = (): void => {
    line += '\r\n';
    flush();
  };
  const encode = (b: number): void => {
    if (QP_LINE_MAX - 1 - lineLength < 3) {
      line += '=';
      crlf();
    }
    line += hexByte(b);
    lineLength += 3;
  };
  // A trailing space or tab would be lost by mail systems: encode it.
  const encodeTrailingBlank = (): void => {
    if (lineLength === 0) return;
    const last = line.charCodeAt(line.length - 1);
    if (last === 0x20 || last === 0x09) {
      line = line.slice(0, -1);
      lineLength--;
      encode(last);
    }
  };
  for (const b of bytes) {
    if (b === 0x0a || b === 0x0d) {
      if (afterCr && b === 0x0a) {
        afterCr = false;
        continue;
      }
      afterCr = b === 0x0d;
      encodeTrailingBlank();
      crlf();
      continue;
    }
    const literal = (b >= 0x21 && b <= 0x7e && b !== 0x3d) || b === 0x20 || b === 0x09;
    if (!literal) {
      encode(b);
      continue;
    }
    if (lineLength === QP_LINE_MAX - 1) {
      line += '=';
      crlf();
    }
    line += String.fromCharCode(b);
    lineLength++;
    afterCr = false;
  }
  encodeTrailingBlank();
  flush();
  return out;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Go's RFC1123Z layout, `Mon, 02 Jan 2006 15:04:05 -0700`, in the process's local time zone
 * (Alertmanager prints `time.Now()`, which is local).
 */
export function formatRfc1123Z(ms: number): string {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${WEEKDAYS[d.getDay()]}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${String(d.getFullYear()).padStart(4, '0')} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

/** A multipart boundary as Go's multipart.Writer picks one: 30 random bytes in hex. */
export function randomBoundary(): string {
  return randomBytes(30).toString('hex');
}

/** Alertmanager's Message-Id: `<unix nanoseconds.random uint64@hostname>`. */
export function messageId(options: { nowMs: number; hostname: string }): string {
  const nanos = BigInt(Math.floor(options.nowMs)) * 1_000_000n;
  return `<${nanos}.${randomBytes(8).readBigUInt64BE()}@${options.hostname}>`;
}

export interface EmailMessageOptions {
  readonly headers: RenderedEmail['headers'];
  readonly text?: string;
  readonly html?: string;
  /** Added after the configured headers unless they hold a Message-Id. */
  readonly messageId: string;
  readonly dateMs: number;
  readonly boundary: string;
}

/**
 * The whole message (headers and body, CRLF line ends) as Alertmanager 0.25 writes it: the
 * rendered headers Q-encoded, Message-Id unless configured, Date, a multipart/alternative
 * Content-Type (with Go's two spaces before `boundary`), MIME-Version, then the text part and
 * the HTML part (preferred alternative last, RFC 2046 5.1.4), each quoted-printable.
 */
export function encodeEmailMessage(options: EmailMessageOptions): string {
  let out = '';
  for (const [name, value] of options.headers) out += `${name}: ${qEncodeHeaderValue(value)}\r\n`;
  if (!options.headers.some(([name]) => name === 'Message-Id')) out += `Message-Id: ${options.messageId}\r\n`;
  out += `Date: ${formatRfc1123Z(options.dateMs)}\r\n`;
  out += `Content-Type: multipart/alternative;  boundary=${options.boundary}\r\n`;
  out += 'MIME-Version: 1.0\r\n\r\n';
  const parts: [string, string][] = [];
  if (options.text !== undefined && options.text !== '') parts.push(['text/plain; charset=UTF-8', options.text]);
  if (options.html !== undefined && options.html !== '') parts.push(['text/html; charset=UTF-8', options.html]);
  parts.forEach(([contentType, body], i) => {
    out += `${i === 0 ? '' : '\r\n'}--${options.boundary}\r\n`;
    out += `Content-Transfer-Encoding: quoted-printable\r\nContent-Type: ${contentType}\r\n\r\n`;
    out += encodeQuotedPrintable(body);
  });
  out += `\r\n--${options.boundary}--\r\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// SMTP authentication and errors

export type SmtpAuthChoice =
  | { readonly method: 'PLAIN'; readonly username: string; readonly password: string; readonly identity: string }
  | { readonly method: 'LOGIN'; readonly username: string; readonly password: string }
  | { readonly method: 'CRAM-MD5'; readonly username: string; readonly secret: string };

export interface SmtpCredentials {
  readonly username?: string;
  /** Already read from auth_password_file when that is set. */
  readonly password?: string;
  readonly secret?: string;
  readonly identity?: string;
}

/**
 * Picks the SASL mechanism as Alertmanager does: none without a username; otherwise the first
 * mechanism in the server's advertised order whose credentials are configured (CRAM-MD5 needs
 * auth_secret, PLAIN and LOGIN a password). Throws a retryable NotifyError listing why none fit.
 */
export function chooseSmtpAuth(advertised: readonly string[], credentials: SmtpCredentials): SmtpAuthChoice | undefined {
  const username = credentials.username ?? '';
  if (username === '') return undefined;
  const problems: string[] = [];
  for (const mechanism of advertised) {
    switch (mechanism.toUpperCase()) {
      case 'CRAM-MD5':
        if (credentials.secret) return { method: 'CRAM-MD5', username, secret: credentials.secret };
        problems.push('missing secret for CRAM-MD5 auth mechanism');
        break;
      case 'PLAIN':
        if (credentials.password) return { method: 'PLAIN', username, password: credentials.password, identity: credentials.identity ?? '' };
        problems.push('missing password for PLAIN auth mechanism');
        break;
      case 'LOGIN':
        if (credentials.password) return { method: 'LOGIN', username, password: credentials.password };
        problems.push('missing password for LOGIN auth mechanism');
        break;
    }
  }
  if (problems.length === 0) problems.push(`unknown auth mechanism: ${advertised.join(' ')}`);
  throw new NotifyError(`email: find auth mechanism: ${problems.join('; ')}`, { retryable: true });
}

/** The mechanisms an EHLO answer advertises on its AUTH line, in the server's order. */
export function advertisedAuthMechanisms(ehloResponse: string): string[] {
  for (const line of ehloResponse.split(/\r?\n/)) {
    const m = /^(?:\d{3}[ -])?AUTH[ =](.*)$/i.exec(line.trim());
    if (m) return m[1]!.trim().split(/\s+/).filter((s) => s !== '');
  }
  return [];
}

// Go's smtp.PlainAuth: credentials in the clear only to the local machine.
function isLocalhost(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * Whether a failed SMTP step can succeed later: a 5xx answer (RFC 5321's permanent
 * failures: bad credentials, unknown recipient, refused sender) cannot; 4xx answers, refused
 * or dropped connections, TLS failures and timeouts can.
 */
export function smtpErrorRetryable(err: unknown): boolean {
  const code = (err as NodemailerError | undefined)?.responseCode;
  return !(typeof code === 'number' && code >= 500 && code < 600);
}

// ---------------------------------------------------------------------------------------------
// The notifier

export interface EmailNotifierOptions {
  readonly config: EmailConfig;
  /** Position among the receiver's email_configs. */
  readonly index: number;
  readonly templates: Templates;
  readonly externalURL: string;
  /** global.resolve_timeout, so alerts sent without an end show the end Alertmanager gives them. */
  readonly resolveTimeoutMs?: number;
  /** For Date and Message-Id; the system clock when absent. */
  readonly clock?: Clock;
  /** Message-Id's domain part; the machine's hostname when absent. */
  readonly hostname?: string;
  /** Gives up on a silent server after this long (connect, greeting, each answer). Default 2 min. */
  readonly timeoutMs?: number;
}

const DEFAULT_SMTP_TIMEOUT_MS = 2 * 60_000;

/** One `email_configs` entry. */
export class EmailNotifier implements Notifier {
  readonly integration = 'email';
  readonly index: number;
  readonly sendResolved: boolean;
  private readonly config: EmailConfig;
  private readonly clock: Clock;
  private readonly hostname: string;

  constructor(private readonly options: EmailNotifierOptions) {
    this.config = options.config;
    this.index = options.index;
    this.sendResolved = options.config.sendResolved;
    this.clock = options.clock ?? systemClock;
    this.hostname = options.hostname ?? (osHostname() || 'localhost.localdomain');
  }

  /** Renders and sends one message for the group; throws NotifyError saying whether a retry can help. */
  async notify(ctx: FlushContext, alerts: readonly Alert[]): Promise<void> {
    const { templates, externalURL, resolveTimeoutMs } = this.options;
    const data = buildTemplateData({ receiver: ctx.receiverName, groupLabels: ctx.groupLabels, alerts, externalURL, nowMs: ctx.nowMs, resolveTimeoutMs });
    const rendered = renderEmail(this.config, { templates, data, nowMs: ctx.nowMs });
    const envelope = emailEnvelope(rendered);
    const nowMs = this.clock.nowMs();
    const message = encodeEmailMessage({
      headers: rendered.headers,
      text: rendered.text,
      html: rendered.html,
      messageId: messageId({ nowMs, hostname: this.hostname }),
      dateMs: nowMs,
      boundary: randomBoundary(),
    });
    await this.send(ctx, envelope, message);
  }

  private async password(): Promise<string | undefined> {
    const file = this.config.authPasswordFile;
    if (!file) return this.config.authPassword;
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new NotifyError(`email: cannot read auth_password_file ${JSON.stringify(file)}: ${(err as Error).message}`, { retryable: true, cause: err });
    }
  }

  private async send(ctx: FlushContext, envelope: { from: string; to: string[] }, message: string): Promise<void> {
    const { host, port } = this.config.smarthost;
    const where = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
    // As Alertmanager: port 465 speaks TLS from the first byte; elsewhere STARTTLS only when required.
    const implicitTls = port === '465';
    // tls_config files are read only when TLS will be spoken, as Alertmanager does.
    const tls =
      implicitTls || this.config.requireTls
        ? await tlsOptions(this.config.tlsConfig).catch((err: unknown) => {
            throw new NotifyError(`email ${where}: parse TLS configuration: ${(err as Error).message}`, { retryable: false, cause: err });
          })
        : {};
    const identity = this.config.authIdentity ?? '';
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
    const connection = new SMTPConnection({
      host,
      port: Number(port),
      secure: implicitTls,
      requireTLS: this.config.requireTls && !implicitTls,
      ignoreTLS: !this.config.requireTls,
      name: this.config.hello || 'localhost',
      // SNI takes host names only; an IP address is still checked against the certificate.
      tls: { ...tls, ...(tls.servername === undefined && net.isIP(host) === 0 ? { servername: host } : {}) },
      servername: tls.servername ?? (net.isIP(host) === 0 ? host : undefined),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      // Our own PLAIN so that auth_identity is sent (nodemailer's leaves the authzid empty).
      customAuth: {
        PLAIN: async (auth) => {
          const payload = Buffer.from(`${identity}\0${auth.auth.credentials.user}\0${auth.auth.credentials.pass}`).toString('base64');
          const res = await auth.sendCommand(`AUTH PLAIN ${payload}`);
          if (res.status === 235) auth.resolve();
          // nodemailer appends the server's answer and its code to the error.
          else auth.reject(new Error('Invalid login'));
        },
      },
    });
    // nodemailer reports a dropped connection as an 'error' event (or just 'end'), not through
    // the callback of the step in flight: every step races the connection breaking. The listener
    // stays for good: an 'error' nobody listens to would bring the whole process down.
    const broken = new Promise<never>((_, reject) => {
      connection.on('error', (err: Error) => reject(smtpFailure(where, 'connection', err)));
      connection.once('end', () => reject(new NotifyError(`email ${where}: connection closed by the server`, { retryable: true })));
    });
    broken.catch(() => undefined);
    const step = <T>(what: string, run: (done: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> =>
      Promise.race([
        broken,
        new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(smtpFailure(where, what, err)) : resolve(value as T)))),
      ]);

    const onAbort = (): void => connection.close();
    if (ctx.signal.aborted) throw new NotifyError(`email ${where}: aborted before connecting`, { retryable: true });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await step<void>('establish connection to server', (done) => connection.connect((err) => done(err)));
      const choice = connection.allowsAuth
        ? chooseSmtpAuth(advertisedAuthMechanisms(connection.lastServerResponse || ''), {
            username: this.config.authUsername,
            password: this.config.authUsername ? await this.password() : undefined,
            secret: this.config.authSecret,
            identity,
          })
        : undefined;
      if (choice) {
        if (choice.method === 'PLAIN' && !connection.secure && !isLocalhost(host)) {
          throw new NotifyError(`email ${where}: PLAIN auth: unencrypted connection (require_tls or port 465 needed to send the password)`, { retryable: true });
        }
        const pass = choice.method === 'CRAM-MD5' ? choice.secret : choice.password;
        await step<boolean>(`${choice.method} auth`, (done) => connection.login({ method: choice.method, user: choice.username, pass }, done));
      }
      const info = await step<SMTPConnection.SentMessageInfo>('send message', (done) =>
        connection.send({ from: envelope.from, to: envelope.to }, message, (err, value) => done(err, value)),
      );
      if (info.rejected.length > 0) {
        ctx.logger.warn({ integration: 'email', rejected: info.rejected, accepted: info.accepted }, 'some recipients were refused by the SMTP server');
      }
      connection.quit();
    } catch (err) {
      connection.close();
      if (ctx.signal.aborted) throw new NotifyError(`email ${where}: aborted: ${(err as Error).message}`, { retryable: true, cause: err });
      throw err;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }
}

function smtpFailure(where: string, what: string, err: Error): NotifyError {
  return new NotifyError(`email ${where}: ${what}: ${err.message}`, { retryable: smtpErrorRetryable(err), cause: err });
}
