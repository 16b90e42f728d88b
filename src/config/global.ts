/**
 * The `global` section as Alertmanager 0.25 reads it: defaults first, then the options written.
 * Options for integrations alertrouter does not run (PagerDuty, OpsGenie, WeChat, VictorOps,
 * Telegram, Webex) are checked as Alertmanager checks them, so existing files load, and dropped.
 */
import type { Cursor } from './cursor.js';
import { DEFAULT_RESOLVE_TIMEOUT_MS, DEFAULT_SMTP_HELLO, DEFAULT_SMTP_REQUIRE_TLS } from './defaults.js';
import { DEFAULT_HTTP_CONFIG, readHttpConfig, type ResolvePath } from './httpconfig.js';
import type { GlobalConfig } from './types.js';
import { readHostPort, readUrl } from './values.js';

const GLOBAL_KEYS = [
  'resolve_timeout', 'http_config',
  'smtp_from', 'smtp_hello', 'smtp_smarthost', 'smtp_auth_username', 'smtp_auth_password',
  'smtp_auth_password_file', 'smtp_auth_secret', 'smtp_auth_identity', 'smtp_require_tls',
  'slack_api_url', 'slack_api_url_file',
  'pagerduty_url', 'opsgenie_api_url', 'opsgenie_api_key', 'opsgenie_api_key_file',
  'wechat_api_url', 'wechat_api_secret', 'wechat_api_corp_id',
  'victorops_api_url', 'victorops_api_key', 'victorops_api_key_file',
  'telegram_api_url', 'webex_api_url',
] as const;

/** Refuses two options set together when Alertmanager allows at most one of them. */
export function atMostOne(a: { c: Cursor; set: boolean }, b: { c: Cursor; set: boolean }): void {
  if (a.set && b.set) {
    const name = (c: Cursor) => c.path.slice(c.path.lastIndexOf('.') + 1);
    b.c.fail(`at most one of ${name(a.c)} & ${name(b.c)} must be configured`, 'only one of them', 'both');
  }
}

/** The global section (absent or null: all defaults). */
export function readGlobal(c: Cursor, resolve: ResolvePath): GlobalConfig {
  const f = c.fields(GLOBAL_KEYS, 'global');
  if (!f) {
    return Object.freeze({
      resolveTimeoutMs: DEFAULT_RESOLVE_TIMEOUT_MS,
      httpConfig: DEFAULT_HTTP_CONFIG,
      smtpHello: DEFAULT_SMTP_HELLO,
      smtpRequireTls: DEFAULT_SMTP_REQUIRE_TLS,
    });
  }
  // Checked for compatibility only: their integrations are refused in receivers.
  for (const key of ['pagerduty_url', 'opsgenie_api_url', 'wechat_api_url', 'victorops_api_url', 'telegram_api_url', 'webex_api_url'] as const) {
    readUrl(f[key], { secret: false });
  }
  f.wechat_api_secret.str();
  f.wechat_api_corp_id.str();
  atMostOne({ c: f.opsgenie_api_key, set: f.opsgenie_api_key.text() !== undefined }, { c: f.opsgenie_api_key_file, set: f.opsgenie_api_key_file.text() !== undefined });
  atMostOne({ c: f.victorops_api_key, set: f.victorops_api_key.text() !== undefined }, { c: f.victorops_api_key_file, set: f.victorops_api_key_file.text() !== undefined });

  const slackApiUrl = readUrl(f.slack_api_url, { secret: true });
  const slackApiUrlFile = f.slack_api_url_file.text();
  // Alertmanager tests the URL for presence (a pointer), so even "" counts as set here.
  atMostOne({ c: f.slack_api_url, set: slackApiUrl !== undefined }, { c: f.slack_api_url_file, set: slackApiUrlFile !== undefined });
  const smtpAuthPassword = f.smtp_auth_password.text();
  const smtpAuthPasswordFile = f.smtp_auth_password_file.text();
  atMostOne({ c: f.smtp_auth_password, set: smtpAuthPassword !== undefined }, { c: f.smtp_auth_password_file, set: smtpAuthPasswordFile !== undefined });

  return Object.freeze({
    // A null resolve_timeout is Go's zero duration, not the default.
    resolveTimeoutMs: f.resolve_timeout.node === undefined ? DEFAULT_RESOLVE_TIMEOUT_MS : (f.resolve_timeout.durationMs() ?? 0),
    httpConfig: readHttpConfig(f.http_config, resolve) ?? DEFAULT_HTTP_CONFIG,
    smtpFrom: f.smtp_from.text(),
    smtpHello: f.smtp_hello.strOr(DEFAULT_SMTP_HELLO),
    smtpSmarthost: readHostPort(f.smtp_smarthost),
    smtpAuthUsername: f.smtp_auth_username.text(),
    smtpAuthPassword,
    smtpAuthPasswordFile,
    smtpAuthSecret: f.smtp_auth_secret.text(),
    smtpAuthIdentity: f.smtp_auth_identity.text(),
    smtpRequireTls: f.smtp_require_tls.boolOr(DEFAULT_SMTP_REQUIRE_TLS),
    slackApiUrl,
    slackApiUrlFile,
  });
}
