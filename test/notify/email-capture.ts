/**
 * A real SMTP server on 127.0.0.1 (smtp-server) for the email tests: optional AUTH checked
 * against given credentials, STARTTLS or implicit TLS with a given certificate, answers that
 * can refuse MAIL FROM / RCPT TO / DATA with any reply code, and every accepted message kept
 * raw with its session facts.
 */
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server';

export interface CapturedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as received (CRLF line ends, dot-stuffing undone). */
  readonly raw: string;
  /** The name given with EHLO/HELO. */
  readonly hello: string;
  /** Whether the session was encrypted (STARTTLS or implicit TLS) when the message came. */
  readonly secure: boolean;
  /** The authenticated user, when there was an AUTH. */
  readonly user?: string;
  /** The mechanism and, for PLAIN, the authorization identity sent. */
  readonly auth?: { readonly method: string; readonly authzid?: string };
}

export interface SmtpCaptureOptions {
  /** Port to listen on; an ephemeral one when absent. */
  readonly port?: number;
  /** Offer AUTH with these mechanisms (in this order) and accept only these credentials. */
  readonly auth?: { readonly username: string; readonly password: string; readonly methods: readonly string[] };
  /** Offer STARTTLS with this certificate (or speak TLS from the start when `implicit`). */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer; readonly implicit?: boolean };
  /**
   * Refuse a step with `code message` (e.g. 550 for a permanent, 451 for a temporary refusal),
   * or never answer it ('hang').
   */
  readonly refuse?: (step: 'mail' | 'rcpt' | 'data', address: string) => { code: number; message: string } | 'hang' | undefined;
}

export interface SmtpCapture {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly mails: CapturedMail[];
  /** Every AUTH attempt seen, accepted or not. */
  readonly authAttempts: Array<{ method: string; username: string; authzid?: string }>;
  /** Resolves when `n` messages have been accepted in total. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

function refusal(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Starts the server on an ephemeral loopback port. */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const authAttempts: SmtpCapture['authAttempts'] = [];
  const authBySession = new Map<string, { method: string; authzid?: string }>();
  const events = new EventEmitter();
  const disabled: string[] = [];
  if (!options.tls || options.tls.implicit) disabled.push('STARTTLS');
  if (!options.auth) disabled.push('AUTH');
  const server = new SMTPServer({
    logger: false,
    // Sessions still open at close (a hanging test step) are cut at once, not after 30 s.
    closeTimeout: 1,
    secure: options.tls?.implicit ?? false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disabledCommands: disabled,
    authMethods: options.auth ? [...options.auth.methods] : [],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth: SMTPServerAuthentication, session, callback) {
      const username = auth.username ?? '';
      authAttempts.push({ method: auth.method, username, ...(auth.authzid ? { authzid: auth.authzid } : {}) });
      const want = options.auth;
      const ok =
        want !== undefined &&
        username === want.username &&
        (auth.method === 'CRAM-MD5' ? auth.validatePassword(want.password) : auth.password === want.password);
      if (!ok) return callback(refusal(535, 'Error: authentication failed'));
      authBySession.set(session.id, { method: auth.method, ...(auth.authzid ? { authzid: auth.authzid } : {}) });
      callback(null, { user: username });
    },
    onMailFrom(address, _session, callback) {
      const r = options.refuse?.('mail', address.address);
      if (r !== 'hang') callback(r ? refusal(r.code, r.message) : null);
    },
    onRcptTo(address, _session, callback) {
      const r = options.refuse?.('rcpt', address.address);
      if (r !== 'hang') callback(r ? refusal(r.code, r.message) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const r = options.refuse?.('data', '');
        if (r === 'hang') return;
        if (r) return callback(refusal(r.code, r.message));
        const auth = authBySession.get(session.id);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          hello: session.hostNameAppearsAs,
          secure: session.secure,
          ...(session.user ? { user: String(session.user) } : {}),
          ...(auth ? { auth } : {}),
        });
        events.emit('mail');
        callback();
      });
    },
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await Promise.race([once(server.server, 'listening'), once(server.server, 'error').then(([err]) => Promise.reject(err as Error))]);
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    mails,
    authAttempts,
    async received(n) {
      while (mails.length < n) await once(events, 'mail');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
