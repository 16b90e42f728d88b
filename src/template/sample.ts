// A built-in, realistic alert group to try templates and receivers on before a real alert
// pages anyone: two firing alerts and one resolved, with the labels and annotations
// Prometheus alerting rules usually carry (summary, description, runbook_url).

import type { Alert } from '../alert/alert.js';
import { compareAlerts } from '../dispatch/order.js';
import { fingerprint, formatLabels, type Labels } from '../labels/labels.js';
import { buildTemplateData } from './data.js';
import type { GoStruct } from './values.js';

/** An aggregation group as notifiers get it: its key, group labels, receiver and alerts. */
export interface SampleGroup {
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly alerts: readonly Alert[];
}

export interface SampleOptions {
  /** "Now": firing alerts started before it, the resolved one ended a minute before it. */
  readonly nowMs: number;
  /** The receiver named in the data; `team-checkout-pager` by default. */
  readonly receiver?: string;
}

export const SAMPLE_RECEIVER = 'team-checkout-pager';
/** The external URL `template render` shows when no daemon is involved. */
export const SAMPLE_EXTERNAL_URL = 'http://alertrouter.example.com:9093';

const MINUTE_MS = 60_000;

const GROUP_LABELS: Labels = { alertname: 'HighRequestLatency', service: 'checkout' };

interface SampleSpec {
  readonly instance: string;
  readonly severity: string;
  readonly p99: string;
  readonly startedMinutesAgo: number;
  /** Minutes ago it ended; undefined while it fires. */
  readonly endedMinutesAgo?: number;
}

const SPECS: readonly SampleSpec[] = [
  { instance: 'checkout-7f9c4-2xk8p:8080', severity: 'critical', p99: '2.31s', startedMinutesAgo: 12 },
  { instance: 'checkout-7f9c4-9mzq4:8080', severity: 'warning', p99: '780ms', startedMinutesAgo: 4 },
  { instance: 'checkout-7f9c4-h5t2w:8080', severity: 'warning', p99: '640ms', startedMinutesAgo: 35, endedMinutesAgo: 1 },
];

/**
 * The sample group at `nowMs`: alerts of one HighRequestLatency group (service checkout) —
 * two firing (critical and warning) and one resolved — in the order notifiers get them.
 * Firing alerts end in the future (as an alert sent without endsAt does); pure.
 */
export function sampleGroup(options: SampleOptions): SampleGroup {
  const { nowMs } = options;
  const alerts = SPECS.map((s): Alert => {
    const labels: Labels = {
      ...GROUP_LABELS,
      cluster: 'eu-west-1',
      instance: s.instance,
      job: 'checkout-api',
      namespace: 'shop',
      severity: s.severity,
    };
    return {
      labels,
      annotations: {
        summary: `checkout p99 latency is ${s.p99} on ${s.instance}`,
        description: `99th percentile request latency of checkout on ${s.instance} has been above 500ms for 5 minutes (sample alert from alertrouter).`,
        runbook_url: 'https://runbooks.example.com/checkout/high-request-latency',
      },
      startsAtMs: nowMs - s.startedMinutesAgo * MINUTE_MS,
      endsAtMs: s.endedMinutesAgo === undefined ? nowMs + 5 * MINUTE_MS : nowMs - s.endedMinutesAgo * MINUTE_MS,
      generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28http_request_duration_seconds_bucket%7Bservice%3D%22checkout%22%7D%5B5m%5D%29%29+%3E+0.5&g0.tab=1`,
      updatedAtMs: nowMs,
      timeout: s.endedMinutesAgo === undefined,
      fingerprint: fingerprint(labels),
    };
  }).sort(compareAlerts);
  return {
    receiver: options.receiver ?? SAMPLE_RECEIVER,
    // The form Alertmanager gives a group under the root route: `{}:<group labels>`.
    groupKey: `{}:${formatLabels(GROUP_LABELS)}`,
    groupLabels: GROUP_LABELS,
    alerts,
  };
}

/** The template data (Alertmanager's template.Data) of sampleGroup, as notification templates see it. */
export function sampleTemplateData(options: SampleOptions & { readonly externalURL?: string }): GoStruct {
  const group = sampleGroup(options);
  return buildTemplateData({
    receiver: group.receiver,
    alerts: group.alerts,
    groupLabels: group.groupLabels,
    externalURL: options.externalURL ?? SAMPLE_EXTERNAL_URL,
    nowMs: options.nowMs,
  });
}
