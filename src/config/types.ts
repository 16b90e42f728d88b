/**
 * The frozen, typed configuration the rest of alertrouter receives. Everything here was
 * validated by config/load.ts; consumers never re-check. Durations are milliseconds.
 * Field names follow Alertmanager's YAML keys in camelCase so operators and code speak alike.
 */
import type { Matcher } from '../labels/matcher.js';
import type { TimeInterval } from '../timeinterval/timeinterval.js';

export interface Config {
  readonly global: GlobalConfig;
  /** The root route, exactly as written (unset options stay undefined; dispatch/route.ts inherits). */
  readonly route: RouteConfig;
  readonly receivers: readonly ReceiverConfig[];
  readonly inhibitRules: readonly InhibitRuleConfig[];
  /** `time_intervals` and legacy `mute_time_intervals`, by name. */
  readonly timeIntervals: ReadonlyMap<string, readonly TimeInterval[]>;
  /** Template globs resolved relative to the config file's folder. */
  readonly templates: readonly string[];
  /** The YAML text as read, for /api/v2/status `config.original`. */
  readonly original: string;
  /** Path of the file it was loaded from ('' when loaded from a string). */
  readonly sourceFile: string;
}

export interface HttpClientConfig {
  readonly basicAuth?: { readonly username: string; readonly password?: string; readonly passwordFile?: string };
  readonly authorization?: { readonly type: string; readonly credentials?: string; readonly credentialsFile?: string };
  readonly bearerToken?: string;
  readonly bearerTokenFile?: string;
  readonly tlsConfig?: TlsConfig;
  readonly proxyUrl?: string;
  readonly followRedirects: boolean;
  readonly enableHttp2: boolean;
}

export interface TlsConfig {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
  readonly minVersion?: string;
}

export interface GlobalConfig {
  readonly resolveTimeoutMs: number;
  readonly httpConfig: HttpClientConfig;
  readonly smtpFrom?: string;
  readonly smtpHello: string;
  readonly smtpSmarthost?: { readonly host: string; readonly port: string };
  readonly smtpAuthUsername?: string;
  readonly smtpAuthPassword?: string;
  readonly smtpAuthPasswordFile?: string;
  readonly smtpAuthSecret?: string;
  readonly smtpAuthIdentity?: string;
  readonly smtpRequireTls: boolean;
  readonly slackApiUrl?: string;
  readonly slackApiUrlFile?: string;
}

export interface RouteConfig {
  readonly receiver?: string;
  /** Label names to group by; undefined when not set (inherit). */
  readonly groupBy?: readonly string[];
  /** `group_by: ['...']`: group by all labels. */
  readonly groupByAll: boolean;
  /** `match`, `match_re` and `matchers`, in that order, as written. */
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly groupWaitMs?: number;
  readonly groupIntervalMs?: number;
  readonly repeatIntervalMs?: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly RouteConfig[];
}

export interface InhibitRuleConfig {
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}

export interface ReceiverConfig {
  readonly name: string;
  readonly emailConfigs: readonly EmailConfig[];
  readonly slackConfigs: readonly SlackConfig[];
  readonly webhookConfigs: readonly WebhookConfig[];
}

export interface WebhookConfig {
  readonly sendResolved: boolean;
  readonly httpConfig: HttpClientConfig;
  readonly url?: string;
  readonly urlFile?: string;
  /** 0 means all alerts. */
  readonly maxAlerts: number;
  /** 0 means no timeout beyond the flush. */
  readonly timeoutMs: number;
}

export interface EmailConfig {
  readonly sendResolved: boolean;
  readonly to: string;
  readonly from: string;
  readonly hello: string;
  readonly smarthost: { readonly host: string; readonly port: string };
  readonly authUsername?: string;
  readonly authPassword?: string;
  readonly authPasswordFile?: string;
  readonly authSecret?: string;
  readonly authIdentity?: string;
  /** Header name → template text; Subject, To, From are filled from defaults when unset. */
  readonly headers: Readonly<Record<string, string>>;
  readonly html?: string;
  readonly text?: string;
  readonly requireTls: boolean;
  readonly tlsConfig: TlsConfig;
}

export interface SlackField {
  readonly title: string;
  readonly value: string;
  readonly short?: boolean;
}

export interface SlackAction {
  readonly type: string;
  readonly text: string;
  readonly url?: string;
  readonly style?: string;
  readonly name?: string;
  readonly value?: string;
  readonly confirm?: { readonly text: string; readonly title?: string; readonly okText?: string; readonly dismissText?: string };
}

export interface SlackConfig {
  readonly sendResolved: boolean;
  readonly httpConfig: HttpClientConfig;
  readonly apiUrl?: string;
  readonly apiUrlFile?: string;
  readonly channel: string;
  readonly username: string;
  readonly color: string;
  readonly title: string;
  readonly titleLink: string;
  readonly pretext: string;
  readonly text: string;
  readonly fields: readonly SlackField[];
  readonly shortFields: boolean;
  readonly footer: string;
  readonly fallback: string;
  readonly callbackId: string;
  readonly iconEmoji: string;
  readonly iconUrl: string;
  readonly imageUrl: string;
  readonly thumbUrl: string;
  readonly linkNames: boolean;
  readonly mrkdwnIn: readonly string[];
  readonly actions: readonly SlackAction[];
}
