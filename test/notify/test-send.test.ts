import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { loadConfigString } from '../../src/config/load.js';
import { buildIntegrations } from '../../src/notify/build.js';
import { sendTestNotification, type TestSendOptions } from '../../src/notify/test-send.js';
import { sampleGroup } from '../../src/template/sample.js';
import { Templates } from '../../src/template/template.js';
import { FakeClock } from '../support/fake-clock.js';
import { startCapture, type CaptureServer } from './capture.js';
import { startSmtpCapture, type SmtpCapture } from './email-capture.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

let hook: CaptureServer;
let smtp: SmtpCapture;
before(async () => {
  hook = await startCapture();
  smtp = await startSmtpCapture();
});
after(async () => {
  await hook.close();
  await smtp.close();
});

function config(): string {
  return `
global:
  smtp_smarthost: 127.0.0.1:${smtp.port}
  smtp_from: alertrouter@example.org
  smtp_require_tls: false
route:
  receiver: team
receivers:
  - name: team
    webhook_configs:
      - url: ${hook.url}/hook-a
      - url: ${hook.url}/hook-b
        send_resolved: false
    email_configs:
      - to: oncall@example.org
        send_resolved: true
`;
}

/** Log lines as JSON objects, written by a real pino logger. */
function capturingLogger(): { logger: TestSendOptions['logger']; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

function integrationsOf(clock: FakeClock) {
  const cfg = loadConfigString(config());
  return buildIntegrations(cfg, { templates: Templates.fromStrings(), externalURL: 'http://router.example:9093', clock }).get('team')!;
}

describe('sendTestNotification', () => {
  test('sends once through every integration and reports each outcome in order', async () => {
    hook.requests.length = 0;
    smtp.mails.length = 0;
    hook.answer((req) => (req.url === '/hook-b' ? { status: 500, body: 'boom' } : { status: 200 }));
    const clock = new FakeClock(NOW);
    const { logger, lines } = capturingLogger();
    const group = sampleGroup({ nowMs: NOW, receiver: 'team' });
    const outcomes = await sendTestNotification({ receiver: 'team', notifiers: integrationsOf(clock), group, clock, logger });

    assert.deepEqual(
      outcomes.map(({ integration, index, ok, alerts }) => ({ integration, index, ok, alerts })),
      [
        { integration: 'webhook', index: 0, ok: true, alerts: 3 },
        // send_resolved: false leaves the resolved sample alert out, as a real flush would.
        { integration: 'webhook', index: 1, ok: false, alerts: 2 },
        { integration: 'email', index: 0, ok: true, alerts: 3 },
      ],
    );
    assert.match(outcomes[1]!.error!, /unexpected status code 500.*hook-b.*boom/);
    assert.equal(outcomes[0]!.error, undefined);
    for (const o of outcomes) assert.ok(o.latencyMs >= 0);

    // One attempt each: a 500 is not retried in a test.
    assert.deepEqual(hook.requests.map((r) => r.url).sort(), ['/hook-a', '/hook-b']);
    const message = JSON.parse(hook.requests.find((r) => r.url === '/hook-a')!.body) as { receiver: string; groupKey: string; status: string; alerts: unknown[] };
    assert.equal(message.receiver, 'team');
    assert.equal(message.groupKey, group.groupKey);
    assert.equal(message.status, 'firing');
    assert.equal(message.alerts.length, 3);
    assert.equal((JSON.parse(hook.requests.find((r) => r.url === '/hook-b')!.body) as { alerts: unknown[] }).alerts.length, 2);

    await smtp.received(1);
    const mail = await simpleParser(smtp.mails[0]!.raw);
    assert.deepEqual(smtp.mails[0]!.to, ['oncall@example.org']);
    assert.match(mail.subject ?? '', /^\[FIRING:2\] HighRequestLatency checkout/);

    // Every line says it is a test.
    const sendLines = lines.filter((l) => /^test notification/.test(String(l.msg)));
    assert.equal(sendLines.length, 3);
    for (const l of sendLines) {
      assert.equal(l.test, true);
      assert.equal(l.receiver, 'team');
    }
    assert.deepEqual(sendLines.map((l) => `${String(l.integration)} ${String(l.msg)}`).sort(), [
      'email[0] test notification sent',
      'webhook[0] test notification sent',
      'webhook[1] test notification failed',
    ]);
  });

  test('an integration without send_resolved sends nothing when every alert is resolved, and says so', async () => {
    hook.requests.length = 0;
    smtp.mails.length = 0;
    hook.answer(() => ({ status: 200 }));
    const clock = new FakeClock(NOW);
    const sample = sampleGroup({ nowMs: NOW });
    const resolvedOnly = { ...sample, alerts: sample.alerts.filter((a) => a.endsAtMs <= NOW) };
    const outcomes = await sendTestNotification({ receiver: 'team', notifiers: integrationsOf(clock), group: resolvedOnly, clock, logger: capturingLogger().logger });
    assert.deepEqual(
      outcomes.map(({ integration, index, ok, alerts, latencyMs }) => ({ integration, index, ok, alerts, latencyMs: integration === 'webhook' && index === 1 ? latencyMs : 'any' })),
      [
        { integration: 'webhook', index: 0, ok: true, alerts: 1, latencyMs: 'any' },
        { integration: 'webhook', index: 1, ok: true, alerts: 0, latencyMs: 0 },
        { integration: 'email', index: 0, ok: true, alerts: 1, latencyMs: 'any' },
      ],
    );
    assert.deepEqual(hook.requests.map((r) => r.url), ['/hook-a']);
  });

  test('a send that does not finish is aborted after the timeout, on the injected clock', async () => {
    hook.requests.length = 0;
    hook.answer((req) => (req.url === '/hook-a' ? 'hang' : { status: 200 }));
    const clock = new FakeClock(NOW);
    const notifiers = integrationsOf(clock).filter((n) => n.integration === 'webhook');
    const pending = sendTestNotification({ receiver: 'team', notifiers, group: sampleGroup({ nowMs: NOW }), clock, logger: capturingLogger().logger, timeoutMs: 5_000 });
    await hook.received(2);
    await clock.advance(5_000);
    const outcomes = await pending;
    assert.equal(outcomes[0]!.ok, false);
    assert.match(outcomes[0]!.error!, /abort/i);
    assert.equal(outcomes[1]!.ok, true);
  });

  test('aborting the caller signal ends the sends still running', async () => {
    hook.answer(() => 'hang');
    const clock = new FakeClock(NOW);
    const notifiers = integrationsOf(clock).filter((n) => n.integration === 'webhook');
    const stop = new AbortController();
    const before = hook.requests.length;
    const pending = sendTestNotification({ receiver: 'team', notifiers, group: sampleGroup({ nowMs: NOW }), clock, logger: capturingLogger().logger, signal: stop.signal });
    await hook.received(before + 2);
    stop.abort(new Error('client went away'));
    const outcomes = await pending;
    assert.deepEqual(outcomes.map((o) => o.ok), [false, false]);
    hook.answer(() => ({ status: 200 }));
  });

  test('a receiver without integrations sends nothing', async () => {
    const clock = new FakeClock(NOW);
    assert.deepEqual(await sendTestNotification({ receiver: 'none', notifiers: [], group: sampleGroup({ nowMs: NOW }), clock, logger: capturingLogger().logger }), []);
  });
});
