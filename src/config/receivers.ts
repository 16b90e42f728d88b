/**
 * `receivers` as Alertmanager 0.25 reads them, for the three integrations alertrouter runs:
 * email, Slack and webhook — every option parsed, defaulted and checked, the global smtp_*,
 * slack_api_url(_file) and http_config filled in. Receivers using any other integration are
 * refused by name rather than loaded without it.
 */
import type { Cursor } from './cursor.js';
import { DEFAULT_EMAIL_HTML, DEFAULT_EMAIL_SUBJECT, DEFAULT_SEND_RESOLVED, DEFAULT_SLACK } from './defaults.js';
import { atMostOne } from './global.js';
import { readHttpConfig, readTlsConfig, type ResolvePath } from './httpconfig.js';
import type { EmailConfig, GlobalConfig, ReceiverConfig, SlackAction, SlackConfig, SlackField, WebhookConfig } from './types.js';
import { canonicalHeaderKey, readHostPort, readUrl } from './values.js';

export const SUPPORTED_INTEGRATIONS = ['email_configs', 'slack_configs', 'webhook_configs'] as const;

/** Integrations Alertmanager 0.25 knows and alertrouter refuses. */
export const UNSUPPORTED_INTEGRATIONS = [
  'discord_configs', 'pagerduty_configs', 'opsgenie_configs', 'wechat_configs', 'pushover_configs',
  'victorops_configs', 'sns_configs', 'telegram_configs', 'webex_configs',
] as const;

const RECEIVER_KEYS = ['name', ...SUPPORTED_INTEGRATIONS, ...UNSUPPORTED_INTEGRATIONS] as const;

const EMAIL_KEYS = [
  'send_resolved', 'to', 'from', 'hello', 'smarthost', 'auth_username', 'auth_password',
  'auth_password_file', 'auth_secret', 'auth_identity', 'headers', 'html', 'text', 'require_tls', 'tls_config',
] as const;

function readEmail(c: Cursor, g: GlobalConfig): EmailConfig {
  const f = c.fields(EMAIL_KEYS, 'email config');
  if (!f) return c.fail('empty email_configs entry', 'a mapping with at least "to"');
  const to = f.to.text();
  if (to === undefined) return f.to.fail('missing to address in email config', 'a recipient address');

  // Header names are case-insensitive: Alertmanager canonicalizes them and refuses collisions.
  const headers: Record<string, string> = {};
  for (const { key, value, at } of f.headers.strMap() ?? []) {
    const name = canonicalHeaderKey(key);
    if (Object.hasOwn(headers, name)) at.fail(`duplicate header "${name}" in email config`, 'each header once, in any letter case', JSON.stringify(key));
    headers[name] = value;
  }

  const smarthost = readHostPort(f.smarthost) ?? g.smtpSmarthost;
  if (!smarthost) return f.smarthost.fail('no global SMTP smarthost set', 'smarthost here or global.smtp_smarthost', 'neither');
  const from = f.from.text() ?? g.smtpFrom;
  if (from === undefined) return f.from.fail('no global SMTP from set', 'from here or global.smtp_from', 'neither');
  headers['Subject'] ??= DEFAULT_EMAIL_SUBJECT;
  headers['To'] ??= to;
  headers['From'] ??= from;

  const authPassword = f.auth_password.text();
  const authPasswordFile = f.auth_password_file.text();
  const inheritPassword = authPassword === undefined && authPasswordFile === undefined;
  return Object.freeze({
    sendResolved: f.send_resolved.boolOr(DEFAULT_SEND_RESOLVED.email),
    to,
    from,
    hello: f.hello.text() ?? g.smtpHello,
    smarthost: Object.freeze(smarthost),
    authUsername: f.auth_username.text() ?? g.smtpAuthUsername,
    authPassword: inheritPassword ? g.smtpAuthPassword : authPassword,
    authPasswordFile: inheritPassword ? g.smtpAuthPasswordFile : authPasswordFile,
    authSecret: f.auth_secret.text() ?? g.smtpAuthSecret,
    authIdentity: f.auth_identity.text() ?? g.smtpAuthIdentity,
    headers: Object.freeze(headers),
    html: f.html.strOr(DEFAULT_EMAIL_HTML),
    text: f.text.text(),
    requireTls: f.require_tls.bool() ?? g.smtpRequireTls,
    // Alertmanager does not join email tls_config paths with the config folder (only http_config ones).
    tlsConfig: readTlsConfig(f.tls_config, (p) => p),
  });
}

function readSlackField(c: Cursor): SlackField {
  const f = c.fields(['title', 'value', 'short'] as const, 'Slack field');
  if (!f) return c.fail('empty Slack field', 'a mapping with title and value');
  const title = f.title.text();
  if (title === undefined) return f.title.fail('missing title in Slack field configuration', 'a title');
  const value = f.value.text();
  if (value === undefined) return f.value.fail('missing value in Slack field configuration', 'a value');
  const short = f.short.bool();
  return Object.freeze(short === undefined ? { title, value } : { title, value, short });
}

function readSlackAction(c: Cursor): SlackAction {
  const f = c.fields(['type', 'text', 'url', 'style', 'name', 'value', 'confirm'] as const, 'Slack action');
  if (!f) return c.fail('empty Slack action', 'a mapping with type, text and url or name');
  const type = f.type.text();
  if (type === undefined) return f.type.fail('missing type in Slack action configuration', 'an action type like "button"');
  const text = f.text.text();
  if (text === undefined) return f.text.fail('missing text in Slack action configuration', 'the button text');
  const cf = f.confirm.fields(['text', 'title', 'ok_text', 'dismiss_text'] as const, 'Slack confirmation');
  let confirm: SlackAction['confirm'];
  if (cf) {
    const confirmText = cf.text.text();
    if (confirmText === undefined) return cf.text.fail('missing text in Slack confirmation configuration', 'the question to confirm');
    confirm = Object.freeze({ text: confirmText, title: cf.title.text(), okText: cf.ok_text.text(), dismissText: cf.dismiss_text.text() });
  }
  const style = f.style.text();
  const url = f.url.text();
  // As Alertmanager: a URL makes it a link button and drops the message-action fields.
  if (url !== undefined) return Object.freeze({ type, text, url, style });
  const name = f.name.text();
  if (name === undefined) return f.url.fail('missing name or url in Slack action configuration', 'url (link button) or name (message action)', 'neither');
  return Object.freeze({ type, text, style, name, value: f.value.text(), confirm });
}

const SLACK_KEYS = [
  'send_resolved', 'http_config', 'api_url', 'api_url_file', 'channel', 'username', 'color', 'title',
  'title_link', 'pretext', 'text', 'fields', 'short_fields', 'footer', 'fallback', 'callback_id',
  'icon_emoji', 'icon_url', 'image_url', 'thumb_url', 'link_names', 'mrkdwn_in', 'actions',
] as const;

function readSlack(c: Cursor, g: GlobalConfig, resolve: ResolvePath): SlackConfig {
  const f = c.fields(SLACK_KEYS, 'Slack config');
  if (!f) return c.fail('empty slack_configs entry', 'a mapping of Slack options');
  let apiUrl = readUrl(f.api_url, { secret: true });
  let apiUrlFile = f.api_url_file.text();
  atMostOne({ c: f.api_url, set: apiUrl !== undefined }, { c: f.api_url_file, set: apiUrlFile !== undefined });
  const fields = (f.fields.list() ?? []).map(readSlackField);
  const actions = (f.actions.list() ?? []).map(readSlackAction);
  if (apiUrl === undefined && apiUrlFile === undefined) {
    if (g.slackApiUrl === undefined && g.slackApiUrlFile === undefined) {
      f.api_url.fail('no global Slack API URL set either inline or in a file', 'api_url or api_url_file here, or global.slack_api_url(_file)', 'none');
    }
    apiUrl = g.slackApiUrl;
    apiUrlFile = g.slackApiUrlFile;
  }
  const d = DEFAULT_SLACK;
  return Object.freeze({
    sendResolved: f.send_resolved.boolOr(DEFAULT_SEND_RESOLVED.slack),
    httpConfig: readHttpConfig(f.http_config, resolve) ?? g.httpConfig,
    apiUrl,
    apiUrlFile,
    channel: f.channel.str() ?? '',
    username: f.username.strOr(d.username),
    color: f.color.strOr(d.color),
    title: f.title.strOr(d.title),
    titleLink: f.title_link.strOr(d.titleLink),
    pretext: f.pretext.strOr(d.pretext),
    text: f.text.strOr(d.text),
    fields: Object.freeze(fields),
    shortFields: f.short_fields.bool() ?? false,
    footer: f.footer.strOr(d.footer),
    fallback: f.fallback.strOr(d.fallback),
    callbackId: f.callback_id.strOr(d.callbackId),
    iconEmoji: f.icon_emoji.strOr(d.iconEmoji),
    iconUrl: f.icon_url.strOr(d.iconUrl),
    imageUrl: f.image_url.str() ?? '',
    thumbUrl: f.thumb_url.str() ?? '',
    linkNames: f.link_names.bool() ?? false,
    mrkdwnIn: Object.freeze(f.mrkdwn_in.strList() ?? []),
    actions: Object.freeze(actions),
  });
}

// url_file (Alertmanager 0.26) and timeout (0.28) are accepted beyond 0.25 so the types'
// urlFile/timeoutMs can be set; 0.25's amtool refuses both keys.
const WEBHOOK_KEYS = ['send_resolved', 'http_config', 'url', 'url_file', 'max_alerts', 'timeout'] as const;

function readWebhook(c: Cursor, g: GlobalConfig, resolve: ResolvePath): WebhookConfig {
  const f = c.fields(WEBHOOK_KEYS, 'webhook config');
  if (!f) return c.fail('empty webhook_configs entry', 'a mapping with url');
  const url = readUrl(f.url, { secret: false });
  const urlFile = f.url_file.text();
  if (url === undefined && urlFile === undefined) f.url.fail('missing URL in webhook config', 'url (or url_file)', 'neither');
  atMostOne({ c: f.url, set: url !== undefined }, { c: f.url_file, set: urlFile !== undefined });
  return Object.freeze({
    sendResolved: f.send_resolved.boolOr(DEFAULT_SEND_RESOLVED.webhook),
    httpConfig: readHttpConfig(f.http_config, resolve) ?? g.httpConfig,
    url,
    urlFile,
    maxAlerts: f.max_alerts.uint() ?? 0,
    timeoutMs: f.timeout.durationMs() ?? 0,
  });
}

/**
 * One `receivers` entry; `name` must be set. Returns where the name is written, for the
 * caller's uniqueness check.
 */
export function readReceiver(c: Cursor, g: GlobalConfig, resolve: ResolvePath): { receiver: ReceiverConfig; nameAt: Cursor } {
  const f = c.fields(RECEIVER_KEYS, 'receiver');
  if (!f) return c.fail('empty receiver', 'a mapping with a name');
  const name = f.name.text();
  if (name === undefined) return f.name.fail('missing name in receiver', 'a receiver name');
  for (const key of UNSUPPORTED_INTEGRATIONS) {
    const entries = f[key].list();
    if (entries && entries.length > 0) {
      f[key].fail(
        `receiver "${name}" uses ${key}, an integration alertrouter does not support`,
        `only ${SUPPORTED_INTEGRATIONS.join(', ')}`,
        `${entries.length} ${key} ${entries.length === 1 ? 'entry' : 'entries'}`,
      );
    }
  }
  const receiver = Object.freeze({
    name,
    emailConfigs: Object.freeze((f.email_configs.list() ?? []).map((e) => readEmail(e, g))),
    slackConfigs: Object.freeze((f.slack_configs.list() ?? []).map((e) => readSlack(e, g, resolve))),
    webhookConfigs: Object.freeze((f.webhook_configs.list() ?? []).map((e) => readWebhook(e, g, resolve))),
  });
  return { receiver, nameAt: f.name };
}
