/**
 * The Slack integration: renders a `slack_configs` entry into Slack's legacy-attachment message
 * and POSTs it to the incoming-webhook (or chat.postMessage) URL, through the shared HTTP client
 * so `http_config` applies.
 *
 * The JSON body is Alertmanager 0.25's byte for byte: the same keys in the same order, the same
 * keys left out when empty, Go's json.Encoder escaping and trailing newline. Answers are judged
 * as 0.25 judges them (2xx is success whatever the body, 5xx and no answer are retried, other
 * codes are not), with one addition: a 429 is retried, after the Retry-After Slack asks for.
 */
import { readFile } from 'node:fs/promises';
import type { Alert } from '../alert/alert.js';
import type { SlackConfig } from '../config/types.js';
import type { FlushContext } from '../pipeline/context.js';
import { systemClock, type Clock } from '../util/clock.js';
import { describeUrl, HttpRequestError, requestFailure, UNPARSABLE_URL } from './http-error.js';
import { HttpClient, type HttpResponse } from './http.js';
import { NotifyError, type Notifier } from './notifier.js';
import { encodeGoJson, WEBHOOK_USER_AGENT } from './webhook.js';
import { buildTemplateData } from '../template/data.js';
import type { Templates } from '../template/template.js';

/** Slack cuts attachment titles longer than this many characters; Alertmanager cuts first. */
export const SLACK_MAX_TITLE_RUNES = 1024;

/** Where Slack reads markdown when the config names no fields (`mrkdwn_in` unset). */
const DEFAULT_MRKDWN_IN = Object.freeze(['fallback', 'pretext', 'text']);

export interface SlackMessageField {
  title?: string;
  value?: string;
  short: boolean;
}

export interface SlackMessageAction {
  type?: string;
  text?: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: { text?: string; title?: string; ok_text?: string; dismiss_text?: string };
}

/** One legacy attachment, keys in Alertmanager's order; optional keys are absent when empty. */
export interface SlackAttachment {
  title?: string;
  title_link?: string;
  pretext?: string;
  text: string;
  fallback: string;
  callback_id: string;
  fields?: SlackMessageField[];
  actions?: SlackMessageAction[];
  image_url?: string;
  thumb_url?: string;
  footer: string;
  color?: string;
  mrkdwn_in?: string[];
}

/** The message Alertmanager posts, keys in its order. */
export interface SlackMessage {
  channel?: string;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  link_names?: true;
  attachments: SlackAttachment[];
}

/** Go's `omitempty` for strings: an empty string becomes an absent key (JSON.stringify skips undefined). */
function omitEmpty(s: string): string | undefined {
  return s === '' ? undefined : s;
}

/**
 * Go's TruncateInRunes: a string longer than `max` code points keeps `max - 1` of them and
 * gets `…` appended (just `max` of them when max ≤ 3).
 */
export function truncateInRunes(s: string, max: number): { text: string; truncated: boolean } {
  const runes = Array.from(s);
  if (runes.length <= max) return { text: s, truncated: false };
  if (max <= 3) return { text: runes.slice(0, max).join(''), truncated: true };
  return { text: runes.slice(0, max - 1).join('') + '…', truncated: true };
}

/**
 * Builds the Slack message of a config with every text option rendered by `render` (a text
 * template executor bound to the group's data), in the order Alertmanager renders them.
 * `render` throws on a template error; the caller names the failure. `onTruncatedTitle` is
 * told when the title had to be cut to SLACK_MAX_TITLE_RUNES.
 */
export function buildSlackMessage(
  config: SlackConfig,
  render: (what: string, template: string) => string,
  onTruncatedTitle?: (maxRunes: number) => void,
): SlackMessage {
  const title = truncateInRunes(render('title', config.title), SLACK_MAX_TITLE_RUNES);
  if (title.truncated) onTruncatedTitle?.(SLACK_MAX_TITLE_RUNES);
  const titleLink = render('title_link', config.titleLink);
  const pretext = render('pretext', config.pretext);
  const text = render('text', config.text);
  const fallback = render('fallback', config.fallback);
  const callbackId = render('callback_id', config.callbackId);
  const imageUrl = render('image_url', config.imageUrl);
  const thumbUrl = render('thumb_url', config.thumbUrl);
  const footer = render('footer', config.footer);
  const color = render('color', config.color);
  const fields = config.fields.map(
    (f, i): SlackMessageField => ({
      title: omitEmpty(render(`fields[${i}].title`, f.title)),
      value: omitEmpty(render(`fields[${i}].value`, f.value)),
      // A field's own `short` wins; otherwise the config's short_fields.
      short: f.short ?? config.shortFields,
    }),
  );
  const actions = config.actions.map((a, i): SlackMessageAction => {
    const at = `actions[${i}]`;
    return {
      type: omitEmpty(render(`${at}.type`, a.type)),
      text: omitEmpty(render(`${at}.text`, a.text)),
      url: omitEmpty(render(`${at}.url`, a.url ?? '')),
      style: omitEmpty(render(`${at}.style`, a.style ?? '')),
      name: omitEmpty(render(`${at}.name`, a.name ?? '')),
      value: omitEmpty(render(`${at}.value`, a.value ?? '')),
      confirm: a.confirm && {
        text: omitEmpty(render(`${at}.confirm.text`, a.confirm.text)),
        title: omitEmpty(render(`${at}.confirm.title`, a.confirm.title ?? '')),
        ok_text: omitEmpty(render(`${at}.confirm.ok_text`, a.confirm.okText ?? '')),
        dismiss_text: omitEmpty(render(`${at}.confirm.dismiss_text`, a.confirm.dismissText ?? '')),
      },
    };
  });
  // text, fallback, callback_id and footer have no omitempty in Alertmanager: sent even when empty.
  const attachment: SlackAttachment = {
    title: omitEmpty(title.text),
    title_link: omitEmpty(titleLink),
    pretext: omitEmpty(pretext),
    text,
    fallback,
    callback_id: callbackId,
    fields: fields.length > 0 ? fields : undefined,
    actions: actions.length > 0 ? actions : undefined,
    image_url: omitEmpty(imageUrl),
    thumb_url: omitEmpty(thumbUrl),
    footer,
    color: omitEmpty(color),
    mrkdwn_in: [...(config.mrkdwnIn.length > 0 ? config.mrkdwnIn : DEFAULT_MRKDWN_IN)],
  };
  return {
    channel: omitEmpty(render('channel', config.channel)),
    username: omitEmpty(render('username', config.username)),
    icon_emoji: omitEmpty(render('icon_emoji', config.iconEmoji)),
    icon_url: omitEmpty(render('icon_url', config.iconUrl)),
    link_names: config.linkNames ? true : undefined,
    attachments: [attachment],
  };
}

/**
 * A Retry-After header in milliseconds: delta-seconds or an HTTP date (relative to `nowMs`);
 * undefined when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * What a Slack answer means: undefined for success (any 2xx, as Alertmanager 0.25), otherwise
 * the NotifyError to throw — retryable for 5xx and for 429 (with Retry-After), not for the rest.
 */
export function judgeSlackResponse(res: Pick<HttpResponse, 'status' | 'headers' | 'body'>, options: { channel: string; nowMs: number }): NotifyError | undefined {
  if (res.status >= 200 && res.status < 300) return undefined;
  const body = res.body.trim();
  const message = `channel ${JSON.stringify(options.channel)}: unexpected status code ${res.status}${body === '' ? '' : `: ${body}`}`;
  if (res.status === 429) {
    return new NotifyError(message, { retryable: true, retryAfterMs: parseRetryAfterMs(res.headers['retry-after'], options.nowMs) });
  }
  return new NotifyError(message, { retryable: res.status >= 500 && res.status < 600 });
}

/**
 * Whether a 2xx body reads as Slack's success: `ok` from an incoming webhook, or a JSON object
 * with `"ok": true` from the Web API. Alertmanager 0.25 does not look; we only log the others.
 */
export function slackBodyLooksOk(body: string): boolean {
  const text = body.trim();
  if (text === '' || text === 'ok') return true;
  try {
    const parsed = JSON.parse(text) as { ok?: unknown };
    return parsed.ok === true;
  } catch {
    return false;
  }
}

export interface SlackNotifierOptions {
  readonly config: SlackConfig;
  /** Position among the receiver's slack_configs. */
  readonly index: number;
  readonly templates: Templates;
  readonly externalURL: string;
  /** global.resolve_timeout, so alerts sent without an end show the end Alertmanager gives them. */
  readonly resolveTimeoutMs?: number;
  /** For Retry-After dates and oauth2 token expiry; the system clock when absent. */
  readonly clock?: Clock;
  readonly userAgent?: string;
}

/** One `slack_configs` entry. */
export class SlackNotifier implements Notifier {
  readonly integration = 'slack';
  readonly index: number;
  readonly sendResolved: boolean;
  private readonly config: SlackConfig;
  private readonly clock: Clock;
  private readonly client: HttpClient;

  constructor(private readonly options: SlackNotifierOptions) {
    this.config = options.config;
    this.index = options.index;
    this.sendResolved = options.config.sendResolved;
    this.clock = options.clock ?? systemClock;
    this.client = new HttpClient(options.config.httpConfig, { clock: this.clock });
  }

  /** Renders and POSTs the message; throws NotifyError saying whether (and when) a retry can help. */
  async notify(ctx: FlushContext, alerts: readonly Alert[]): Promise<void> {
    const { templates, externalURL, resolveTimeoutMs } = this.options;
    const data = buildTemplateData({ receiver: ctx.receiverName, groupLabels: ctx.groupLabels, alerts, externalURL, nowMs: ctx.nowMs, resolveTimeoutMs });
    const render = (what: string, template: string): string => {
      try {
        return templates.executeText(template, data, { nowMs: ctx.nowMs });
      } catch (err) {
        throw new NotifyError(`slack: execute ${what} template: ${(err as Error).message}`, { retryable: false, cause: err });
      }
    };
    const message = buildSlackMessage(this.config, render, (maxRunes) =>
      ctx.logger.warn({ integration: 'slack', key: ctx.groupKey, max_runes: maxRunes }, 'Truncated title'),
    );
    const url = await this.url();
    const channel = message.channel ?? '';
    let res: HttpResponse;
    try {
      res = await this.client.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', 'user-agent': this.options.userAgent ?? WEBHOOK_USER_AGENT },
        body: encodeGoJson(message),
        signal: ctx.signal,
      });
    } catch (err) {
      // Never the URL itself: for Slack it is the secret. So the client's error is not kept as
      // the cause either: its message and stack name the URL, and logs print a cause's stack.
      const retryable = !(err instanceof HttpRequestError && err.reason === 'config');
      const reason = err instanceof HttpRequestError ? err.reason : 'network';
      const cause = redacted(requestFailure(err, 'POST', url), url);
      // oauth2 failures already start with "oauth2:".
      const detail = cause.startsWith(`${reason}:`) ? cause : `${reason}: ${cause}`;
      throw new NotifyError(`slack: channel ${JSON.stringify(channel)}: POST <redacted>: ${detail}`, { retryable });
    }
    const failure = judgeSlackResponse(res, { channel, nowMs: this.clock.nowMs() });
    if (failure) throw failure;
    if (!slackBodyLooksOk(res.body)) {
      ctx.logger.warn({ integration: 'slack', channel, status: res.status, body: res.body.slice(0, 200) }, 'Slack answered 2xx with an error body');
    }
  }

  // api_url_file is read at every send, so rotating the webhook URL needs no reload.
  private async url(): Promise<string> {
    if (this.config.apiUrl !== undefined) return this.config.apiUrl;
    const file = this.config.apiUrlFile;
    if (file === undefined) throw new NotifyError('slack: neither api_url nor api_url_file is set', { retryable: false });
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (err) {
      // As Alertmanager 0.25: not retried within this flush; the next flush reads the file again.
      throw new NotifyError(`slack: cannot read api_url_file ${JSON.stringify(file)}: ${(err as Error).message}`, { retryable: false, cause: err });
    }
  }
}

// The HTTP client's messages name a URL as describeUrl shows it; for Slack the path is the secret.
function redacted(text: string, url: string): string {
  const shown = describeUrl(url);
  return shown === UNPARSABLE_URL ? text : text.split(shown).join('<redacted>');
}
