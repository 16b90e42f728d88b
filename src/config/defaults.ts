/**
 * Alertmanager 0.25's defaults for the options alertrouter fills in at load time: route timings,
 * global settings and the template texts of unset email and Slack fields (they name templates of
 * Alertmanager's default.tmpl, which template/ provides).
 */

/** Root route timings when unset (children inherit at routing time). */
export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3600_000;

export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_SMTP_HELLO = 'localhost';
export const DEFAULT_SMTP_REQUIRE_TLS = true;

export const DEFAULT_EMAIL_SUBJECT = '{{ template "email.default.subject" . }}';
export const DEFAULT_EMAIL_HTML = '{{ template "email.default.html" . }}';

export const DEFAULT_SLACK = Object.freeze({
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  username: '{{ template "slack.default.username" . }}',
  title: '{{ template "slack.default.title" . }}',
  titleLink: '{{ template "slack.default.titlelink" . }}',
  iconEmoji: '{{ template "slack.default.iconemoji" . }}',
  iconUrl: '{{ template "slack.default.iconurl" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  callbackId: '{{ template "slack.default.callbackid" . }}',
  footer: '{{ template "slack.default.footer" . }}',
});

/** send_resolved when unset, per integration. */
export const DEFAULT_SEND_RESOLVED = Object.freeze({ email: false, slack: false, webhook: true });
