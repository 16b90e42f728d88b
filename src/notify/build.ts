/**
 * Turns the configured receivers into their integrations: one Notifier per entry of
 * webhook_configs, email_configs and slack_configs, indexed per kind as Alertmanager does
 * (the index is part of the notification-log key and of log lines).
 */
import type { Config } from '../config/types.js';
import type { Templates } from '../template/template.js';
import type { Clock } from '../util/clock.js';
import { EmailNotifier } from './email.js';
import type { Notifier } from './notifier.js';
import { SlackNotifier } from './slack.js';
import { WebhookNotifier } from './webhook.js';

export interface BuildIntegrationsOptions {
  readonly templates: Templates;
  readonly externalURL: string;
  readonly clock: Clock;
}

/** Receiver name → its integrations, in the order Alertmanager builds them. */
export function buildIntegrations(config: Config, options: BuildIntegrationsOptions): Map<string, Notifier[]> {
  const { templates, externalURL, clock } = options;
  // Templates show a firing alert's end as Alertmanager computes it from resolve_timeout.
  const resolveTimeoutMs = config.global.resolveTimeoutMs;
  const byReceiver = new Map<string, Notifier[]>();
  for (const receiver of config.receivers) {
    const notifiers: Notifier[] = [];
    receiver.webhookConfigs.forEach((c, index) => notifiers.push(new WebhookNotifier({ config: c, index, externalURL, clock })));
    receiver.emailConfigs.forEach((c, index) => notifiers.push(new EmailNotifier({ config: c, index, templates, externalURL, clock, resolveTimeoutMs })));
    receiver.slackConfigs.forEach((c, index) => notifiers.push(new SlackNotifier({ config: c, index, templates, externalURL, clock, resolveTimeoutMs })));
    byReceiver.set(receiver.name, notifiers);
  }
  return byReceiver;
}
