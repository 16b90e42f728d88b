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
  /**
   * The files those globs match now, in Go's filepath.Glob order (loadConfigFile fills it; a
   * glob matching nothing is fine, as in Alertmanager). Empty from loadConfigString, which reads
   * no files.
   */
  readonly templateFiles: readonly string[];
  /** The YAML text as read with secret values replaced by `<secret>`, for /api/v2/status `config.original`. */
  readonly original: string;
  /** Path of the file it was loaded from ('' when loaded from a string). */
  readonly sourceFile: string;
}

/**
 * Prometheus common's HTTP client options. File paths are already joined with the config file's
 * folder, as Alertmanager does for http_config.
 */
export interface HttpClientConfig {
  readonly basicAuth?: { readonly username: string; readonly password?: string; readonly passwordFile?: string };
  /**
   * The Authorization header to send. As Prometheus does, `bearer_token`/`bearer_token_file`
   * are turned into `{ type: 'Bearer', ... }` here, and an unset type is "Bearer": use this one.
   */
  readonly authorization?: { readonly type: string; readonly credentials?: string; readonly credentialsFile?: string };
  /** As written (for display); already folded into `authorization`. */
  readonly bearerToken?: string;
  /** As written (for display); already folded into `authorization`. */
  readonly bearerTokenFile?: string;
  /** Client credentials: a token fetched from token_url is sent as the Authorization header (notify/oauth2.ts). */
  readonly oauth2?: OAuth2Config;
  readonly tlsConfig?: TlsConfig;
  readonly proxyUrl?: string;
  /** Headers for the proxy's CONNECT request; only set together with proxyUrl. */
  readonly proxyConnectHeader?: Readonly<Record<string, readonly string[]>>;
  readonly followRedirects: boolean;
  readonly enableHttp2: boolean;
}

export interface OAuth2Config {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly clientSecretFile?: string;
  readonly scopes: readonly string[];
  readonly tokenUrl: string;
  readonly endpointParams: Readonly<Record<string, string>>;
  readonly proxyUrl?: string;
  readonly tlsConfig: TlsConfig;
}

export interface TlsConfig {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
  /** "TLS10" … "TLS13". */
  readonly minVersion?: string;
  readonly maxVersion?: string;
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
  /**
   * Label names to group by; undefined when not set (inherit). As in Alertmanager, `group_by: []`
   * and `group_by: ['...']` also leave this undefined (an empty list inherits too).
   */
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
  /** Exactly one of url and urlFile is set. */
  readonly url?: string;
  /** Newer Alertmanager's `url_file` (0.26+; Alertmanager 0.25 refuses the key): read at send time. */
  readonly urlFile?: string;
  /** 0 means all alerts. */
  readonly maxAlerts: number;
  /** Newer Alertmanager's `timeout` (0.28+); 0 means no timeout beyond the flush. */
  readonly timeoutMs: number;
}

/** An email_configs entry, with the global smtp_* options already filled in. */
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
  /**
   * Header name (Go's canonical form, e.g. `Reply-To`) → template text; Subject, To, From are
   * filled from defaults when unset.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Template of the HTML body; '' sends none. Default `{{ template "email.default.html" . }}`. */
  readonly html?: string;
  /** Template of the plain-text body; undefined or '' sends none. */
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

/** A slack_configs entry; unset text options hold Alertmanager's default templates. */
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
