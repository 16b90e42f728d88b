import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { EmailConfig } from '../../src/config/types.js';
import {
  advertisedAuthMechanisms,
  chooseSmtpAuth,
  EmailNotifier,
  emailEnvelope,
  encodeEmailMessage,
  encodeQuotedPrintable,
  formatRfc1123Z,
  parseAddressList,
  qEncodeHeaderValue,
  smtpErrorRetryable,
} from '../../src/notify/email.js';
import { NotifyError } from '../../src/notify/notifier.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';
import { flushContext } from '../support/flush-context.js';
import { haveOpenssl, makeCerts, type TestCerts } from './capture.js';
import { startSmtpCapture, type SmtpCapture, type SmtpCaptureOptions } from './email-capture.js';

const NOW = Date.UTC(2024, 2, 10, 12, 30, 15);
const fixedClock = { nowMs: () => NOW, setTimer: () => () => undefined };

function emailConfig(fields: Partial<EmailConfig> & Pick<EmailConfig, 'smarthost'>): EmailConfig {
  return {
    sendResolved: false,
    to: 'ops@example.org',
    from: 'alertrouter@example.org',
    hello: 'router.example.org',
    headers: {
      Subject: '{{ template "email.default.subject" . }}',
      To: 'ops@example.org',
      From: 'alertrouter@example.org',
    },
    html: '{{ template "email.default.html" . }}',
    requireTls: false,
    tlsConfig: { insecureSkipVerify: false },
    ...fields,
  };
}

const alerts = [
  makeAlert({ labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'page' }, annotations: { summary: 'disk <90%> full & rising' }, startsAtMs: NOW - 60_000 }),
  makeAlert({ labels: { alertname: 'DiskFull', instance: 'db-2', severity: 'page' }, annotations: { summary: 'disk 95%' }, startsAtMs: NOW - 30_000 }),
];
const ctx = (signal?: AbortSignal) =>
  flushContext({ nowMs: NOW, groupKey: '{}:{alertname="DiskFull"}', groupLabels: { alertname: 'DiskFull' }, receiverName: 'ops', ...(signal ? { signal } : {}) });

let templates: Templates;
before(async () => {
  templates = await Templates.load([]);
});

function notifier(config: EmailConfig, options: { timeoutMs?: number } = {}): EmailNotifier {
  return new EmailNotifier({ config, index: 0, templates, externalURL: 'http://am.example:9093', clock: fixedClock, hostname: 'router-host', ...options });
}

async function sendFails(n: EmailNotifier, signal?: AbortSignal): Promise<NotifyError> {
  try {
    await n.notify(ctx(signal), alerts);
  } catch (err) {
    assert.ok(err instanceof NotifyError, `want a NotifyError, got ${String(err)}`);
    return err;
  }
  assert.fail('notify succeeded; want a NotifyError');
}

async function withServer(options: SmtpCaptureOptions, fn: (server: SmtpCapture) => Promise<void>): Promise<void> {
  const server = await startSmtpCapture(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const at = (s: SmtpCapture) => ({ host: s.host, port: String(s.port) });

describe('email encoding (Go mime, as Alertmanager 0.25 writes it)', () => {
  test('plain ASCII header values are left as they are, tabs included', () => {
    assert.equal(qEncodeHeaderValue('[FIRING:2] DiskFull (page)'), '[FIRING:2] DiskFull (page)');
    assert.equal(qEncodeHeaderValue('a\tb = c ? d_e'), 'a\tb = c ? d_e');
  });

  test('non-ASCII header values become Q-encoded words of at most 75 characters, as captured from Alertmanager 0.25', () => {
    // Subject line captured from prometheus-alertmanager 0.25 for this exact value.
    const value = 'Ünïcödé HighLoad = ? _ long subject long subject long subject long subject long subject';
    const want =
      '=?utf-8?q?=C3=9Cn=C3=AFc=C3=B6d=C3=A9_HighLoad_=3D_=3F_=5F_long_subject_l?= =?utf-8?q?ong_subject_long_subject_long_subject_long_subject?=';
    assert.equal(qEncodeHeaderValue(value), want);
  });

  test('Q-encoding never splits a UTF-8 sequence and round-trips through a mail parser', async () => {
    const value = 'é'.repeat(40) + '😀'.repeat(10) + ' end';
    const encoded = qEncodeHeaderValue(value);
    for (const word of encoded.split(' ')) {
      assert.ok(word.length <= 75, `word too long: ${word}`);
      assert.match(word, /^=\?utf-8\?q\?[^ ]*\?=$/);
      // Every word decodes on its own to whole characters.
      const body = word.slice('=?utf-8?q?'.length, -2).replace(/_/g, ' ');
      const bytes = Buffer.from(body.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      assert.ok(!bytes.toString('utf8').includes('\uFFFD'), `split sequence in ${word}`);
    }
    const parsed = await simpleParser(`Subject: ${encoded}\r\n\r\n`);
    assert.equal(parsed.subject, value);
  });

  test('a newline in a header value is encoded, so a template cannot add headers', () => {
    assert.equal(qEncodeHeaderValue('x\r\nBcc: evil@example.org'), '=?utf-8?q?x=0D=0ABcc:_evil@example.org?=');
  });

  test('quoted-printable: trailing blanks, "=", non-ASCII and line ends as Go writes them', () => {
    assert.equal(encodeQuotedPrintable('trailing space \nsecond = line\t\n'), 'trailing space=20\r\nsecond =3D line=09\r\n');
    assert.equal(encodeQuotedPrintable('a — b'), 'a =E2=80=94 b');
    assert.equal(encodeQuotedPrintable('cr\rcrlf\r\nlf\n'), 'cr\r\ncrlf\r\nlf\r\n');
    assert.equal(encodeQuotedPrintable('ends with blank '), 'ends with blank=20');
  });

  test('quoted-printable lines are at most 76 characters with soft breaks, never inside an escape', () => {
    const line = 'a very long line ' + 'a'.repeat(114) + ' end';
    // As captured from Alertmanager 0.25 for this text.
    assert.equal(encodeQuotedPrintable(line), 'a very long line ' + 'a'.repeat(58) + '=\r\n' + 'a'.repeat(56) + ' end');
    const escapes = encodeQuotedPrintable('='.repeat(60));
    for (const l of escapes.split('\r\n')) {
      assert.ok(l.length <= 76, `line of ${l.length}`);
      assert.match(l, /^(=3D)*=?$/);
    }
  });

  test('Date is RFC1123Z in the local zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      assert.equal(formatRfc1123Z(Date.UTC(2024, 2, 10, 22, 45, 5)), 'Mon, 11 Mar 2024 04:15:05 +0530');
      process.env.TZ = 'America/New_York';
      assert.equal(formatRfc1123Z(Date.UTC(2024, 0, 2, 3, 4, 5)), 'Mon, 01 Jan 2024 22:04:05 -0500');
      process.env.TZ = 'UTC';
      assert.equal(formatRfc1123Z(Date.UTC(2024, 1, 29, 0, 0, 0)), 'Thu, 29 Feb 2024 00:00:00 +0000');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  test('the message: headers in config order, Message-Id and Date, multipart/alternative with text before html', async () => {
    const raw = encodeEmailMessage({
      headers: [['Subject', 'Grüße'], ['To', 'ops@example.org'], ['X-Team', 'storage']],
      text: 'plain body',
      html: '<p>html body</p>',
      messageId: '<1.2@host>',
      dateMs: NOW,
      boundary: 'b0undary',
    });
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    assert.deepEqual(head.split('\r\n').map((l) => l.slice(0, l.indexOf(':'))), ['Subject', 'To', 'X-Team', 'Message-Id', 'Date', 'Content-Type', 'MIME-Version']);
    assert.match(head, /\r\nContent-Type: multipart\/alternative;  boundary=b0undary\r\n/);
    assert.ok(raw.endsWith('\r\n--b0undary--\r\n'));
    assert.ok(raw.indexOf('text/plain') < raw.indexOf('text/html'));
    const parsed = await simpleParser(raw);
    assert.equal(parsed.subject, 'Grüße');
    assert.equal(parsed.text, 'plain body');
    assert.equal(parsed.html, '<p>html body</p>');
    assert.equal(parsed.messageId, '<1.2@host>');
    assert.equal(parsed.date?.getTime(), Math.floor(NOW / 1000) * 1000);
  });

  test('a configured Message-Id replaces the generated one; empty bodies send no part', () => {
    const raw = encodeEmailMessage({ headers: [['Message-Id', '<mine@x>']], text: '', messageId: '<gen@x>', dateMs: NOW, boundary: 'b' });
    assert.equal(raw.match(/^Message-Id:/gm)?.length, 1);
    assert.match(raw, /^Message-Id: <mine@x>\r$/m);
    assert.ok(!raw.includes('Content-Transfer-Encoding'));
  });
});

describe('email addresses and auth choice', () => {
  test('address lists: names, groups and several addresses; garbage refused as not retryable', () => {
    assert.deepEqual(parseAddressList('Ops <ops@example.org>, dev@example.org', "'to'"), ['ops@example.org', 'dev@example.org']);
    assert.deepEqual(parseAddressList('team: a@x.org, b@x.org;', "'to'"), ['a@x.org', 'b@x.org']);
    for (const bad of ['', 'not an address', 'a@b@c']) {
      assert.throws(() => parseAddressList(bad, "'to'"), (e: unknown) => e instanceof NotifyError && !e.retryable && e.message.includes("'to'"));
    }
  });

  test('exactly one from address', () => {
    assert.deepEqual(emailEnvelope({ from: 'AR <ar@x.org>', to: 'a@x.org, b@x.org' }), { from: 'ar@x.org', to: ['a@x.org', 'b@x.org'] });
    assert.throws(() => emailEnvelope({ from: 'a@x.org, b@x.org', to: 'c@x.org' }), /exactly one 'from' address \(got: 2/);
  });

  test('no username: no auth, whatever the server offers', () => {
    assert.equal(chooseSmtpAuth(['PLAIN', 'LOGIN'], { password: 'p' }), undefined);
  });

  test('the first mechanism in the server order whose credentials are set wins', () => {
    assert.deepEqual(chooseSmtpAuth(['LOGIN', 'PLAIN'], { username: 'u', password: 'p' }), { method: 'LOGIN', username: 'u', password: 'p' });
    assert.deepEqual(chooseSmtpAuth(['PLAIN', 'LOGIN'], { username: 'u', password: 'p', identity: 'id' }), { method: 'PLAIN', username: 'u', password: 'p', identity: 'id' });
    // CRAM-MD5 without a secret is passed over for the next one.
    assert.deepEqual(chooseSmtpAuth(['CRAM-MD5', 'PLAIN'], { username: 'u', password: 'p' }), { method: 'PLAIN', username: 'u', password: 'p', identity: '' });
    assert.deepEqual(chooseSmtpAuth(['CRAM-MD5', 'PLAIN'], { username: 'u', secret: 's' }), { method: 'CRAM-MD5', username: 'u', secret: 's' });
  });

  test('no usable mechanism is a retryable error saying why', () => {
    assert.throws(
      () => chooseSmtpAuth(['CRAM-MD5', 'LOGIN'], { username: 'u' }),
      (e: unknown) => e instanceof NotifyError && e.retryable && /missing secret for CRAM-MD5.*missing password for LOGIN/.test(e.message),
    );
    assert.throws(() => chooseSmtpAuth(['XOAUTH2'], { username: 'u', password: 'p' }), /unknown auth mechanism: XOAUTH2/);
  });

  test('AUTH mechanisms are read from the EHLO answer in the server order', () => {
    assert.deepEqual(advertisedAuthMechanisms('250-mx.example.org\n250-PIPELINING\n250-AUTH LOGIN PLAIN CRAM-MD5\n250 8BITMIME'), ['LOGIN', 'PLAIN', 'CRAM-MD5']);
    assert.deepEqual(advertisedAuthMechanisms('250-mx\n250 AUTH=PLAIN'), ['PLAIN']);
    assert.deepEqual(advertisedAuthMechanisms('250-mx\n250 SIZE 100'), []);
  });

  test('SMTP 5xx answers are permanent, 4xx and connection errors are not', () => {
    assert.equal(smtpErrorRetryable(Object.assign(new Error('x'), { responseCode: 550 })), false);
    assert.equal(smtpErrorRetryable(Object.assign(new Error('x'), { responseCode: 535 })), false);
    assert.equal(smtpErrorRetryable(Object.assign(new Error('x'), { responseCode: 451 })), true);
    assert.equal(smtpErrorRetryable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' })), true);
  });
});

describe('EmailNotifier against a real SMTP server', () => {
  let certs: TestCerts | undefined;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertrouter-email-'));
    if (haveOpenssl()) certs = makeCerts(join(dir, 'certs'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('delivers one message: envelope, EHLO name, headers, subject, text and html bodies', async () => {
    await withServer({}, async (server) => {
      const config = emailConfig({
        smarthost: at(server),
        to: 'Ops <ops@example.org>, dev@example.org',
        from: 'Alert Router <alertrouter@example.org>',
        headers: {
          Subject: '{{ .Status | toUpper }} {{ .GroupLabels.alertname }} — {{ len .Alerts }} alerts',
          To: 'Ops <ops@example.org>, dev@example.org',
          From: 'Alert Router <alertrouter@example.org>',
          'X-Receiver': '{{ .Receiver }}',
        },
        text: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}\n{{ end }}',
        html: '<ul>{{ range .Alerts }}<li>{{ .Annotations.summary }}</li>{{ end }}</ul>',
      });
      const n = notifier(config);
      assert.equal(n.sendResolved, false);
      assert.equal(notifier({ ...config, sendResolved: true }).sendResolved, true);
      await n.notify(ctx(), alerts);
      assert.equal(server.mails.length, 1);
      const mail = server.mails[0]!;
      assert.equal(mail.from, 'alertrouter@example.org');
      assert.deepEqual(mail.to, ['ops@example.org', 'dev@example.org']);
      assert.equal(mail.hello, 'router.example.org');
      assert.equal(mail.secure, false);
      const parsed: ParsedMail = await simpleParser(mail.raw);
      assert.equal(parsed.subject, 'FIRING DiskFull — 2 alerts');
      assert.equal(parsed.headers.get('x-receiver'), 'ops');
      assert.equal(parsed.from?.text, '"Alert Router" <alertrouter@example.org>');
      assert.equal(parsed.text, 'db-1: disk <90%> full & rising\ndb-2: disk 95%\n');
      // The html body is rendered with HTML escaping.
      assert.equal(parsed.html, '<ul><li>disk &lt;90%&gt; full &amp; rising</li><li>disk 95%</li></ul>');
      assert.match(parsed.messageId ?? '', /^<\d+\.\d+@router-host>$/);
      assert.equal(parsed.messageId?.split('.')[0], `<${BigInt(NOW) * 1_000_000n}`);
      assert.equal(parsed.date?.getTime(), Math.floor(NOW / 1000) * 1000);
      assert.match(mail.raw, /\r\nContent-Type: multipart\/alternative;  boundary=[0-9a-f]{60}\r\n/);
    });
  });

  test('default subject and html templates render Alertmanager\'s default email', async () => {
    await withServer({}, async (server) => {
      await notifier(emailConfig({ smarthost: at(server) })).notify(ctx(), alerts);
      const parsed = await simpleParser(server.mails[0]!.raw);
      assert.equal(parsed.subject, '[FIRING:2] DiskFull (page)');
      assert.equal(parsed.text, undefined);
      assert.match(String(parsed.html), /<a href="http:\/\/am\.example:9093\/#\/alerts\?receiver=ops"/);
      assert.match(String(parsed.html), /disk &lt;90%&gt; full &amp; rising/);
    });
  });

  test('STARTTLS with the server certificate checked against tls_config ca_file, then AUTH PLAIN with auth_identity', async (t) => {
    if (!certs) return t.skip('openssl not installed');
    const tls = { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) };
    await withServer({ tls, auth: { username: 'alerts', password: 's3cret', methods: ['PLAIN', 'LOGIN'] } }, async (server) => {
      const config = emailConfig({
        smarthost: at(server),
        requireTls: true,
        tlsConfig: { caFile: certs!.caFile, insecureSkipVerify: false },
        authUsername: 'alerts',
        authPassword: 's3cret',
        authIdentity: 'ops-team',
      });
      await notifier(config).notify(ctx(), alerts);
      const mail = server.mails[0]!;
      assert.equal(mail.secure, true);
      assert.equal(mail.user, 'alerts');
      assert.deepEqual(mail.auth, { method: 'PLAIN', authzid: 'ops-team' });
    });
  });

  test('tls_config server_name verifies a certificate issued for another name than the host dialled', async (t) => {
    if (!certs) return t.skip('openssl not installed');
    const tls = { key: certs.read(certs.namedKeyFile), cert: certs.read(certs.namedCertFile) };
    await withServer({ tls }, async (server) => {
      const base = { smarthost: at(server), requireTls: true };
      const refused = await sendFails(notifier(emailConfig({ ...base, tlsConfig: { caFile: certs!.caFile, insecureSkipVerify: false } })));
      assert.equal(refused.retryable, true);
      assert.match(refused.message, /127\.0\.0\.1:\d+/);
      await notifier(emailConfig({ ...base, tlsConfig: { caFile: certs!.caFile, serverName: 'hook.test', insecureSkipVerify: false } })).notify(ctx(), alerts);
      await notifier(emailConfig({ ...base, tlsConfig: { insecureSkipVerify: true } })).notify(ctx(), alerts);
      assert.equal(server.mails.length, 2);
      assert.ok(server.mails.every((m) => m.secure));
    });
  });

  test('port 465 speaks TLS from the first byte; require_tls is then met without STARTTLS', async (t) => {
    if (!certs) return t.skip('openssl not installed');
    const tls = { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile), implicit: true };
    let server: SmtpCapture;
    try {
      server = await startSmtpCapture({ port: 465, tls });
    } catch (err) {
      return t.skip(`cannot listen on 127.0.0.1:465 here (${(err as Error).message})`);
    }
    try {
      const config = emailConfig({ smarthost: { host: '127.0.0.1', port: '465' }, requireTls: true, tlsConfig: { caFile: certs.caFile, insecureSkipVerify: false } });
      await notifier(config).notify(ctx(), alerts);
      assert.equal(server.mails.length, 1);
      assert.equal(server.mails[0]!.secure, true);
    } finally {
      await server.close();
    }
  });

  test('a server that drops the connection mid-session gives a retryable error, not a crash', async () => {
    const raw = createServer((socket) => {
      socket.write('220 flaky.example ESMTP\r\n');
      socket.once('data', () => {
        socket.write('250-flaky.example\r\n250 PIPELINING\r\n');
        socket.once('data', () => socket.destroy());
      });
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      const port = String((raw.address() as import('node:net').AddressInfo).port);
      const err = await sendFails(notifier(emailConfig({ smarthost: { host: '127.0.0.1', port } })));
      assert.equal(err.retryable, true);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  test('an unreadable tls_config ca_file is not retryable when TLS is needed, and unused otherwise', async () => {
    await withServer({}, async (server) => {
      const tlsConfig = { caFile: join(dir, 'no-such-ca.pem'), insecureSkipVerify: false };
      const err = await sendFails(notifier(emailConfig({ smarthost: at(server), requireTls: true, tlsConfig })));
      assert.equal(err.retryable, false);
      assert.match(err.message, /parse TLS configuration.*no-such-ca\.pem/);
      await notifier(emailConfig({ smarthost: at(server), requireTls: false, tlsConfig })).notify(ctx(), alerts);
      assert.equal(server.mails.length, 1);
    });
  });

  test('require_tls against a server without STARTTLS fails and sends nothing', async () => {
    await withServer({}, async (server) => {
      const err = await sendFails(notifier(emailConfig({ smarthost: at(server), requireTls: true })));
      assert.match(err.message, /STARTTLS/);
      assert.equal(server.mails.length, 0);
    });
  });

  test('AUTH LOGIN when the server offers it first; the password is read from auth_password_file at send time', async () => {
    await withServer({ auth: { username: 'alerts', password: 'from-file', methods: ['LOGIN', 'PLAIN'] } }, async (server) => {
      const file = join(dir, 'smtp-password');
      writeFileSync(file, 'old-password\n');
      const n = notifier(emailConfig({ smarthost: at(server), authUsername: 'alerts', authPasswordFile: file }));
      const refused = await sendFails(n);
      assert.equal(refused.retryable, false, '535 bad credentials is permanent');
      assert.match(refused.message, /LOGIN auth.*535/);
      writeFileSync(file, 'from-file\n');
      await n.notify(ctx(), alerts);
      assert.deepEqual(server.mails[0]!.auth, { method: 'LOGIN' });
      assert.deepEqual(server.authAttempts.map((a) => a.method), ['LOGIN', 'LOGIN']);
    });
  });

  test('AUTH CRAM-MD5 with auth_secret when the server offers it first', async () => {
    await withServer({ auth: { username: 'alerts', password: 'cram-secret', methods: ['CRAM-MD5', 'PLAIN'] } }, async (server) => {
      await notifier(emailConfig({ smarthost: at(server), authUsername: 'alerts', authSecret: 'cram-secret' })).notify(ctx(), alerts);
      assert.deepEqual(server.mails[0]!.auth, { method: 'CRAM-MD5' });
    });
  });

  test('no auth_username: sends without AUTH even when the server offers it', async () => {
    await withServer({ auth: { username: 'alerts', password: 'x', methods: ['PLAIN'] } }, async (server) => {
      await notifier(emailConfig({ smarthost: at(server) })).notify(ctx(), alerts);
      assert.equal(server.mails[0]!.user, undefined);
      assert.equal(server.authAttempts.length, 0);
    });
  });

  test('SMTP refusals: 5xx is not retryable, 4xx is', async () => {
    let answer: { code: number; message: string } | undefined;
    let step: 'mail' | 'rcpt' | 'data' = 'mail';
    await withServer({ refuse: (s) => (s === step ? answer : undefined) }, async (server) => {
      const n = notifier(emailConfig({ smarthost: at(server) }));
      for (const [s, code, retryable] of [['mail', 451, true], ['mail', 553, false], ['rcpt', 550, false], ['rcpt', 452, true], ['data', 554, false], ['data', 421, true]] as const) {
        step = s;
        answer = { code, message: `refused at ${s}` };
        const err = await sendFails(n);
        assert.equal(err.retryable, retryable, `${s} ${code}: ${err.message}`);
        assert.match(err.message, new RegExp(`${code}`));
      }
      assert.equal(server.mails.length, 0);
    });
  });

  test('an unreachable smarthost is a retryable error naming it', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as import('node:net').AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await sendFails(notifier(emailConfig({ smarthost: { host: '127.0.0.1', port: String(port) } })));
    assert.equal(err.retryable, true);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  test('a template error is not retryable and names the template; nothing is sent', async () => {
    await withServer({}, async (server) => {
      const config = emailConfig({ smarthost: at(server), headers: { Subject: '{{ .NoSuchField }}', To: 'ops@example.org', From: 'a@example.org' } });
      const err = await sendFails(notifier(config));
      assert.equal(err.retryable, false);
      assert.match(err.message, /"Subject" header template/);
      const bad = await sendFails(notifier(emailConfig({ smarthost: at(server), text: '{{ template "nope" . }}' })));
      assert.match(bad.message, /execute text template/);
      assert.equal(server.mails.length, 0);
    });
  });

  test('aborting the flush while the server stalls ends the send with a retryable error', async () => {
    const controller = new AbortController();
    await withServer({ refuse: (s) => (s === 'rcpt' ? (controller.abort(), 'hang') : undefined) }, async (server) => {
      const err = await sendFails(notifier(emailConfig({ smarthost: at(server) })), controller.signal);
      assert.equal(err.retryable, true);
      assert.match(err.message, /aborted/);
      assert.equal(server.mails.length, 0);
    });
  });
});
