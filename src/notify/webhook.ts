/**
 * The webhook integration: POSTs Alertmanager's webhook message (version "4") as JSON.
 * The payload is built by a pure function, byte for byte as Alertmanager 0.25 encodes it
 * (Go's json.Encoder: map keys sorted, <>& escaped, a trailing newline). Which alerts to send
 * (send_resolved) is the retry stage's decision; this notifier sends what it is given.
 */
import { readFile } from 'node:fs/promises';
import { isResolved, type Alert } from '../alert/alert.js';
import type { WebhookConfig } from '../config/types.js';
import { sortedLabelNames, type Labels } from '../labels/labels.js';
import type { FlushContext } from '../pipeline/context.js';
import type { Clock } from '../util/clock.js';
import { formatGoTime, GO_ZERO_TIME } from '../util/gotime.js';
import { describeUrl, HttpRequestError, requestFailure } from './http-error.js';
import { HttpClient } from './http.js';
import { NotifyError, type Notifier } from './notifier.js';

/**
 * What receivers see as User-Agent. Alertmanager 0.25 sends `Alertmanager/0.25.0`; receivers
 * that key on the product name keep working, and the comment says who really sent it.
 */
export const WEBHOOK_USER_AGENT = 'Alertmanager/0.25.0 (compatible; alertrouter)';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** Alertmanager's webhook message, keys in its order. */
export interface WebhookPayload {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: WebhookAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
}

export interface WebhookPayloadOptions {
  readonly externalURL: string;
  /** 0: all alerts. */
  readonly maxAlerts: number;
  /** Decides which alerts count as resolved. */
  readonly nowMs: number;
}

function sortedObject(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of sortedLabelNames(labels)) out[name] = labels[name]!;
  return out;
}

/** The pairs every label set shares (same name, same value). */
function common(sets: readonly Labels[]): Labels {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const set of sets.slice(1)) {
    for (const name of Object.keys(out)) if (!Object.hasOwn(set, name) || set[name] !== out[name]) delete out[name];
  }
  return out;
}

/** Go's regexp.QuoteMeta, which Alertmanager applies to the receiver name in template data. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * The webhook message for a flush: alerts cut to `maxAlerts` first (the rest counted in
 * truncatedAlerts), then status, common labels and annotations computed over those sent;
 * a firing alert's endsAt is Go's zero time, as Alertmanager hides ends not reached yet.
 */
export function buildWebhookPayload(
  ctx: Pick<FlushContext, 'groupKey' | 'groupLabels' | 'receiverName'>,
  alerts: readonly Alert[],
  options: WebhookPayloadOptions,
): WebhookPayload {
  const { maxAlerts, nowMs } = options;
  const sent = maxAlerts > 0 && alerts.length > maxAlerts ? alerts.slice(0, maxAlerts) : alerts;
  const items = sent.map((a): WebhookAlert => {
    const resolved = isResolved(a, nowMs);
    return {
      status: resolved ? 'resolved' : 'firing',
      labels: sortedObject(a.labels),
      annotations: sortedObject(a.annotations),
      startsAt: formatGoTime(a.startsAtMs),
      endsAt: resolved ? formatGoTime(a.endsAtMs) : GO_ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    };
  });
  return {
    receiver: quoteMeta(ctx.receiverName),
    status: items.some((i) => i.status === 'firing') ? 'firing' : 'resolved',
    alerts: items,
    groupLabels: sortedObject(ctx.groupLabels),
    commonLabels: sortedObject(common(sent.map((a) => a.labels))),
    commonAnnotations: sortedObject(common(sent.map((a) => a.annotations))),
    externalURL: options.externalURL,
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts: alerts.length - sent.length,
  };
}

/** JSON as Go's json.Encoder writes it: <, >, &, U+2028 and U+2029 escaped, newline at the end. */
export function encodeGoJson(value: unknown): string {
  return (
    JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n'
  );
}

export interface WebhookNotifierOptions {
  readonly config: WebhookConfig;
  /** Position among the receiver's webhook_configs. */
  readonly index: number;
  readonly externalURL: string;
  readonly userAgent?: string;
  /** Times the request timeout and oauth2 token expiry; the system clock by default. */
  readonly clock?: Clock;
}

/** One `webhook_configs` entry. */
export class WebhookNotifier implements Notifier {
  readonly integration = 'webhook';
  readonly index: number;
  readonly sendResolved: boolean;
  private readonly config: WebhookConfig;
  private readonly externalURL: string;
  private readonly userAgent: string;
  private readonly client: HttpClient;

  constructor(options: WebhookNotifierOptions) {
    this.config = options.config;
    this.index = options.index;
    this.sendResolved = options.config.sendResolved;
    this.externalURL = options.externalURL;
    this.userAgent = options.userAgent ?? WEBHOOK_USER_AGENT;
    this.client = new HttpClient(options.config.httpConfig, options.clock ? { clock: options.clock } : {});
  }

  /** POSTs the message; 2xx is success, 5xx and no answer are retryable, anything else is not. */
  async notify(ctx: FlushContext, alerts: readonly Alert[]): Promise<void> {
    const url = await this.url();
    const payload = buildWebhookPayload(ctx, alerts, { externalURL: this.externalURL, maxAlerts: this.config.maxAlerts, nowMs: ctx.nowMs });
    let res;
    try {
      res = await this.client.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', 'user-agent': this.userAgent },
        body: encodeGoJson(payload),
        timeoutMs: this.config.timeoutMs,
        signal: ctx.signal,
      });
    } catch (err) {
      const retryable = !(err instanceof HttpRequestError && err.reason === 'config');
      throw new NotifyError(`webhook ${describeUrl(url)}: ${requestFailure(err, 'POST', url)}`, { retryable, cause: err });
    }
    if (res.status >= 200 && res.status < 300) return;
    // Alertmanager 0.25's words: the status, the URL (here without credentials or query) and the
    // answer's body as it came, after ": " even when it is empty.
    throw new NotifyError(`unexpected status code ${res.status}: ${describeUrl(url)}: ${res.body}`, { retryable: res.status >= 500 && res.status < 600 });
  }

  // url_file is read at every send, so rotating the secret URL needs no reload.
  private async url(): Promise<string> {
    if (this.config.url !== undefined) return this.config.url;
    const file = this.config.urlFile;
    if (file === undefined) throw new NotifyError('webhook: neither url nor url_file is set', { retryable: false });
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new NotifyError(`webhook: cannot read url_file ${JSON.stringify(file)}: ${(err as Error).message}`, { retryable: true, cause: err });
    }
    const url = text.trim();
    if (!/^https?:\/\//.test(url)) {
      throw new NotifyError(`webhook: url_file ${JSON.stringify(file)} holds no http(s) URL (got ${JSON.stringify(describeUrl(url))})`, { retryable: false });
    }
    return url;
  }
}
