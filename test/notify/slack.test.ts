import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_SLACK } from '../../src/config/defaults.js';
import { loadConfigString } from '../../src/config/load.js';
import type { HttpClientConfig, SlackConfig } from '../../src/config/types.js';
import { NotifyError } from '../../src/notify/notifier.js';
import {
  buildSlackMessage,
  judgeSlackResponse,
  parseRetryAfterMs,
  SLACK_MAX_TITLE_RUNES,
  SlackNotifier,
  slackBodyLooksOk,
  truncateInRunes,
} from '../../src/notify/slack.js';
import { encodeGoJson, WEBHOOK_USER_AGENT } from '../../src/notify/webhook.js';
import { Templates } from '../../src/template/template.js';
import { errorStack, errorText } from '../../src/util/log.js';
import { makeAlert } from '../support/alerts.js';
import { flushContext } from '../support/flush-context.js';
import { startCapture, type CaptureServer } from './capture.js';

const NOW = Date.UTC(2024, 2, 10, 12, 30, 15);
const HTTP: HttpClientConfig = { followRedirects: true, enableHttp2: true };

/** A slack_configs entry as the config loader fills it when only `overrides` are written. */
function slackConfig(overrides: Partial<SlackConfig> = {}): SlackConfig {
  return {
    sendResolved: false,
    httpConfig: HTTP,
    apiUrl: 'http://127.0.0.1:1/hook',
    channel: '',
    username: DEFAULT_SLACK.username,
    color: DEFAULT_SLACK.color,
    title: DEFAULT_SLACK.title,
    titleLink: DEFAULT_SLACK.titleLink,
    pretext: DEFAULT_SLACK.pretext,
    text: DEFAULT_SLACK.text,
    fields: [],
    shortFields: false,
    footer: DEFAULT_SLACK.footer,
    fallback: DEFAULT_SLACK.fallback,
    callbackId: DEFAULT_SLACK.callbackId,
    iconEmoji: DEFAULT_SLACK.iconEmoji,
    iconUrl: DEFAULT_SLACK.iconUrl,
    imageUrl: '',
    thumbUrl: '',
    linkNames: false,
    mrkdwnIn: [],
    actions: [],
    ...overrides,
  };
}

/** Renders a template as its own text, so the pure tests see exactly what the config holds. */
const verbatim = (_what: string, template: string): string => template;

/** Every option set to plain text, so each key shows up. */
const everything = slackConfig({
  channel: '#ops',
  username: 'bot',
  color: 'danger',
  title: 'T',
  titleLink: 'http://t',
  pretext: 'P',
  text: 'X',
  footer: 'F',
  fallback: 'FB',
  callbackId: 'CB',
  iconEmoji: ':fire:',
  iconUrl: 'http://icon',
  imageUrl: 'http://img',
  thumbUrl: 'http://thumb',
  linkNames: true,
  mrkdwnIn: ['text'],
  shortFields: true,
  fields: [{ title: 'a', value: '1' }, { title: 'b', value: '2', short: false }],
  actions: [
    { type: 'button', text: 'Runbook', url: 'http://runbook', style: 'primary' },
    { type: 'button', text: 'Ack', name: 'ack', value: 'yes', confirm: { text: 'Sure?', title: 'Ack', okText: 'Yes', dismissText: 'No' } },
  ],
});

describe('Slack message (Alertmanager 0.25 request and attachment)', () => {
  test('every option set: keys in Alertmanager\'s order', () => {
    const json = JSON.stringify(buildSlackMessage(everything, verbatim));
    assert.equal(
      json,
      '{"channel":"#ops","username":"bot","icon_emoji":":fire:","icon_url":"http://icon","link_names":true,"attachments":[{' +
        '"title":"T","title_link":"http://t","pretext":"P","text":"X","fallback":"FB","callback_id":"CB",' +
        '"fields":[{"title":"a","value":"1","short":true},{"title":"b","value":"2","short":false}],' +
        '"actions":[{"type":"button","text":"Runbook","url":"http://runbook","style":"primary"},' +
        '{"type":"button","text":"Ack","name":"ack","value":"yes","confirm":{"text":"Sure?","title":"Ack","ok_text":"Yes","dismiss_text":"No"}}],' +
        '"image_url":"http://img","thumb_url":"http://thumb","footer":"F","color":"danger","mrkdwn_in":["text"]}]}',
    );
  });

  test('empty options are left out, except text, fallback, callback_id and footer; mrkdwn_in defaults', () => {
    const blank = slackConfig({ username: '', color: '', title: '', titleLink: '', pretext: '', text: '', footer: '', fallback: '', callbackId: '', iconEmoji: '', iconUrl: '' });
    assert.equal(
      JSON.stringify(buildSlackMessage(blank, verbatim)),
      '{"attachments":[{"text":"","fallback":"","callback_id":"","footer":"","mrkdwn_in":["fallback","pretext","text"]}]}',
    );
  });

  test('a field without its own short takes short_fields; empty field parts are left out', () => {
    const msg = buildSlackMessage(slackConfig({ shortFields: false, fields: [{ title: 'a', value: '' }, { title: '', value: 'v', short: true }] }), verbatim);
    assert.equal(JSON.stringify(msg.attachments[0]!.fields), '[{"title":"a","short":false},{"value":"v","short":true}]');
  });

  test('every text option is rendered, each under its own name', () => {
    const seen: string[] = [];
    buildSlackMessage(everything, (what, t) => (seen.push(what), t));
    assert.deepEqual(seen, [
      'title', 'title_link', 'pretext', 'text', 'fallback', 'callback_id', 'image_url', 'thumb_url', 'footer', 'color',
      'fields[0].title', 'fields[0].value', 'fields[1].title', 'fields[1].value',
      'actions[0].type', 'actions[0].text', 'actions[0].url', 'actions[0].style', 'actions[0].name', 'actions[0].value',
      'actions[1].type', 'actions[1].text', 'actions[1].url', 'actions[1].style', 'actions[1].name', 'actions[1].value',
      'actions[1].confirm.text', 'actions[1].confirm.title', 'actions[1].confirm.ok_text', 'actions[1].confirm.dismiss_text',
      'channel', 'username', 'icon_emoji', 'icon_url',
    ]);
  });

  test('a title over 1024 characters is cut to 1023 and an ellipsis, counting code points', () => {
    let told = 0;
    const long = '😀'.repeat(SLACK_MAX_TITLE_RUNES + 5);
    const msg = buildSlackMessage(slackConfig({ title: long }), verbatim, (max) => (told = max));
    assert.equal(told, 1024);
    assert.equal(Array.from(msg.attachments[0]!.title!).length, 1024);
    assert.ok(msg.attachments[0]!.title!.endsWith('😀…'));
    assert.deepEqual(truncateInRunes('abcdef', 3), { text: 'abc', truncated: true });
    assert.deepEqual(truncateInRunes('abc', 3), { text: 'abc', truncated: false });
  });
});

describe('Slack answers', () => {
  test('Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfterMs('7', NOW), 7000);
    assert.equal(parseRetryAfterMs(['30'], NOW), 30_000);
    assert.equal(parseRetryAfterMs(new Date(NOW + 12_000).toUTCString(), NOW), 12_000);
    assert.equal(parseRetryAfterMs(new Date(NOW - 12_000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfterMs('soon', NOW), undefined);
    assert.equal(parseRetryAfterMs(undefined, NOW), undefined);
  });

  test('2xx succeeds whatever the body; 5xx and 429 are retryable; other codes are not', () => {
    const judge = (status: number, body = '', headers = {}) => judgeSlackResponse({ status, body, headers }, { channel: '#ops', nowMs: NOW });
    assert.equal(judge(200, 'ok'), undefined);
    assert.equal(judge(200, 'invalid_payload'), undefined);
    assert.equal(judge(204), undefined);
    const busy = judge(429, 'rate_limited', { 'retry-after': '3' });
    assert.ok(busy && busy.retryable && busy.retryAfterMs === 3000);
    assert.equal(busy.message, 'channel "#ops": unexpected status code 429: rate_limited');
    assert.equal(judge(429)?.retryAfterMs, undefined);
    assert.equal(judge(503, 'down')?.retryable, true);
    for (const status of [400, 403, 404, 410, 301]) assert.equal(judge(status, 'no_service')?.retryable, false, String(status));
  });

  test('success bodies: "ok" or a JSON object with ok true', () => {
    assert.equal(slackBodyLooksOk('ok'), true);
    assert.equal(slackBodyLooksOk('{"ok":true,"ts":"1"}'), true);
    assert.equal(slackBodyLooksOk('{"ok":false,"error":"channel_not_found"}'), false);
    assert.equal(slackBodyLooksOk('invalid_token'), false);
  });
});

describe('SlackNotifier against a real HTTP server', () => {
  const alerts = [
    makeAlert({ labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'page' }, annotations: { summary: 'disk <90%> & rising' }, startsAtMs: NOW - 60_000 }),
    makeAlert({ labels: { alertname: 'DiskFull', instance: 'db-2', severity: 'page' }, annotations: { summary: 'disk 95%' }, startsAtMs: NOW - 30_000 }),
  ];
  const warnings: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  const ctx = (signal?: AbortSignal) =>
    flushContext({ nowMs: NOW, groupKey: '{}:{alertname="DiskFull"}', groupLabels: { alertname: 'DiskFull' }, receiverName: 'ops', logger, ...(signal ? { signal } : {}) });

  let templates: Templates;
  let server: CaptureServer;
  let dir: string;
  before(async () => {
    templates = await Templates.load([]);
    server = await startCapture();
    dir = mkdtempSync(join(tmpdir(), 'alertrouter-slack-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const notifier = (config: SlackConfig) =>
    new SlackNotifier({ config, index: 0, templates, externalURL: 'http://am.example:9093', clock: { nowMs: () => NOW, setTimer: () => () => undefined } });

  async function fails(p: Promise<unknown>): Promise<NotifyError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof NotifyError, `want a NotifyError, got ${String(err)}`);
      return err;
    }
    assert.fail('want a NotifyError');
  }

  test('http_config.oauth2: the message carries the client-credentials token as Bearer; a token failure is retryable and hides the URL', async () => {
    const tokenServer = await startCapture();
    try {
      tokenServer.answer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"slack-tok","token_type":"bearer","expires_in":3600}' }));
      server.answer(() => ({ status: 200, body: 'ok' }));
      const oauth2 = { clientId: 'am', clientSecret: 's', scopes: ['chat:write'], tokenUrl: `${tokenServer.url}/token`, endpointParams: {}, tlsConfig: { insecureSkipVerify: false } };
      const config = slackConfig({ apiUrl: `${server.url}/services/T0/B0/secret`, httpConfig: { ...HTTP, oauth2 } });
      const slack = notifier(config);
      await slack.notify(ctx(), alerts);
      await slack.notify(ctx(), alerts);
      assert.deepEqual(server.requests.slice(-2).map((r) => r.headers.authorization), ['Bearer slack-tok', 'Bearer slack-tok']);
      assert.equal(tokenServer.requests.length, 1);
      assert.equal(new URLSearchParams(tokenServer.requests[0]!.body).get('scope'), 'chat:write');

      tokenServer.answer(() => ({ status: 503, body: 'down' }));
      const err = await fails(notifier(config).notify(ctx(), alerts));
      assert.equal(err.retryable, true);
      assert.match(err.message, new RegExp(`POST <redacted>: oauth2: cannot fetch token from ${tokenServer.url}/token: 503 Service Unavailable: down`));
      assert.ok(!err.message.includes('secret'), err.message);
    } finally {
      await tokenServer.close();
    }
  });

  test('posts the rendered message as Go-encoded JSON with Alertmanager\'s headers', async () => {
    server.answer(() => ({ status: 200, body: 'ok' }));
    const before = server.requests.length;
    const config = slackConfig({
      apiUrl: `${server.url}/services/T0/B0/secret`,
      channel: '#{{ .CommonLabels.severity }}',
      text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}',
      fields: [{ title: 'instances', value: '{{ range .Alerts }}{{ .Labels.instance }} {{ end }}' }],
    });
    await notifier(config).notify(ctx(), alerts);
    const req = server.requests[before]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/services/T0/B0/secret');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['user-agent'], WEBHOOK_USER_AGENT);
    const expected = {
      channel: '#page',
      username: 'Alertmanager',
      attachments: [
        {
          title: '[FIRING:2] DiskFull (page)',
          title_link: 'http://am.example:9093/#/alerts?receiver=ops',
          text: 'disk <90%> & rising\ndisk 95%\n',
          fallback: '[FIRING:2] DiskFull (page) | http://am.example:9093/#/alerts?receiver=ops',
          callback_id: '',
          fields: [{ title: 'instances', value: 'db-1 db-2 ', short: false }],
          footer: '',
          color: 'danger',
          mrkdwn_in: ['fallback', 'pretext', 'text'],
        },
      ],
    };
    assert.equal(req.body, encodeGoJson(expected));
    assert.match(req.body, /disk \\u003c90%\\u003e \\u0026 rising/);
  });

  test('resolved groups are coloured good', async () => {
    server.answer(() => ({ status: 200, body: 'ok' }));
    const before = server.requests.length;
    const resolved = alerts.map((a) => ({ ...a, endsAtMs: NOW - 1000 }));
    await notifier(slackConfig({ apiUrl: `${server.url}/hook` })).notify(ctx(), resolved);
    const body = JSON.parse(server.requests[before]!.body) as { attachments: Array<{ color: string; title: string }> };
    assert.equal(body.attachments[0]!.color, 'good');
    assert.equal(body.attachments[0]!.title, '[RESOLVED] DiskFull (page)');
  });

  test('api_url_file is read at every send', async () => {
    server.answer(() => ({ status: 200, body: 'ok' }));
    const file = join(dir, 'slack-url');
    writeFileSync(file, `${server.url}/first\n`);
    const n = notifier(slackConfig({ apiUrl: undefined, apiUrlFile: file }));
    await n.notify(ctx(), alerts);
    writeFileSync(file, `${server.url}/second`);
    await n.notify(ctx(), alerts);
    assert.deepEqual(server.requests.slice(-2).map((r) => r.url), ['/first', '/second']);
    rmSync(file);
    const missing = await fails(n.notify(ctx(), alerts));
    assert.equal(missing.retryable, false);
    assert.match(missing.message, /api_url_file/);
  });

  test('without api_url the global slack_api_url_file is used, read at send time', async () => {
    server.answer(() => ({ status: 200, body: 'ok' }));
    const file = join(dir, 'global-slack-url');
    writeFileSync(file, `${server.url}/global-one\n`);
    const loaded = loadConfigString(
      `global:\n  slack_api_url_file: ${JSON.stringify(file)}\nroute:\n  receiver: s\nreceivers:\n  - name: s\n    slack_configs:\n      - channel: '#ops'\n`,
    );
    const n = notifier(loaded.receivers[0]!.slackConfigs[0]!);
    await n.notify(ctx(), alerts);
    writeFileSync(file, `${server.url}/global-two\n`);
    await n.notify(ctx(), alerts);
    assert.deepEqual(server.requests.slice(-2).map((r) => r.url), ['/global-one', '/global-two']);
    assert.equal((JSON.parse(server.requests.at(-1)!.body) as { channel: string }).channel, '#ops');
  });

  test('429 with Retry-After is retryable and carries the wait', async () => {
    server.answer(() => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': '17' } }));
    const err = await fails(notifier(slackConfig({ apiUrl: `${server.url}/hook`, channel: '#ops' })).notify(ctx(), alerts));
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, 17_000);
    assert.equal(err.message, 'channel "#ops": unexpected status code 429: rate_limited');
  });

  test('5xx is retryable, 4xx is not, and the secret URL never shows in the error', async () => {
    const n = notifier(slackConfig({ apiUrl: `${server.url}/services/T0/B0/topsecret` }));
    server.answer(() => ({ status: 502, body: 'bad gateway' }));
    const e5 = await fails(n.notify(ctx(), alerts));
    assert.equal(e5.retryable, true);
    server.answer(() => ({ status: 404, body: 'no_service' }));
    const e4 = await fails(n.notify(ctx(), alerts));
    assert.equal(e4.retryable, false);
    assert.match(e4.message, /404: no_service/);
    for (const e of [e4, e5]) assert.doesNotMatch(e.message, /topsecret/);
  });

  test('200 with an error body counts as sent (as Alertmanager 0.25) and is logged', async () => {
    server.answer(() => ({ status: 200, body: 'invalid_payload' }));
    warnings.length = 0;
    await notifier(slackConfig({ apiUrl: `${server.url}/hook` })).notify(ctx(), alerts);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.body, 'invalid_payload');
  });

  test('http_config basic auth is sent', async () => {
    server.answer(() => ({ status: 200, body: 'ok' }));
    const config = slackConfig({ apiUrl: `${server.url}/hook`, httpConfig: { ...HTTP, basicAuth: { username: 'slack', password: 'pw' } } });
    await notifier(config).notify(ctx(), alerts);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Basic ' + Buffer.from('slack:pw').toString('base64'));
  });

  test('no answer at all is retryable and does not name the URL, in the message or in what a log line holds (causes, stacks)', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await fails(notifier(slackConfig({ apiUrl: `http://127.0.0.1:${port}/services/secretpath` })).notify(ctx(), alerts));
    assert.equal(err.retryable, true);
    assert.doesNotMatch(err.message, /secretpath/);
    assert.match(err.message, new RegExp(`: POST <redacted>: network: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
    assert.doesNotMatch(errorText(err), /secretpath/);
    assert.doesNotMatch(errorStack(err), /secretpath/);
  });

  test('a template error is not retryable, names the option, and sends nothing', async () => {
    const before = server.requests.length;
    const err = await fails(notifier(slackConfig({ apiUrl: `${server.url}/hook`, pretext: '{{ .Nope }}' })).notify(ctx(), alerts));
    assert.equal(err.retryable, false);
    assert.match(err.message, /execute pretext template/);
    assert.equal(server.requests.length, before);
  });
});
