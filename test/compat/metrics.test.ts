// /metrics next to the real Alertmanager 0.25: the metric families dashboards use exist in
// both with the same type, help text and label names (histogram buckets included), and after
// the same configuration file and the same alerts the values that should agree do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager, startWebhookSink } from '../support/real-alertmanager.js';

interface Family {
  type: string;
  help: string;
  labels: Set<string>;
  /** `le` values of a histogram's buckets. */
  buckets: Set<string>;
  samples: Map<string, number>;
}

/** Reads the text exposition format into families by name. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: '', help: '', labels: new Set(), buckets: new Set(), samples: new Map() }));
    return f;
  };
  for (const line of text.split('\n')) {
    let m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') family(m[2]!).type = m[3]!;
      else family(m[2]!).help = m[3]!;
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    let name = m[1]!;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    if (base !== name && ['histogram', 'summary'].includes(families.get(base)?.type ?? '')) name = base;
    const f = family(name);
    const pairs = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)];
    for (const [, label, value] of pairs) {
      if (label === 'le') f.buckets.add(String(Number(value === '+Inf' ? Infinity : value)));
      else if (label !== 'quantile') f.labels.add(label!);
    }
    const key = pairs
      .filter(([, l]) => l !== 'le')
      .map(([, l, v]) => `${l}="${v}"`)
      .sort()
      .join(',');
    f.samples.set(`${m[1]}{${key}}`, Number(m[3]));
  }
  return families;
}

// The families alertrouter exports under Alertmanager's names (nflog/silence snapshot sizes
// are the SQLite files' sizes; the rest means what it means in Alertmanager).
const REQUIRED = [
  'alertmanager_alerts',
  'alertmanager_alerts_received_total',
  'alertmanager_alerts_invalid_total',
  'alertmanager_notifications_total',
  'alertmanager_notifications_failed_total',
  'alertmanager_notification_requests_total',
  'alertmanager_notification_requests_failed_total',
  'alertmanager_notification_latency_seconds',
  'alertmanager_silences',
  'alertmanager_silences_queries_total',
  'alertmanager_silences_query_errors_total',
  'alertmanager_silences_query_duration_seconds',
  'alertmanager_silences_gc_duration_seconds',
  'alertmanager_silences_snapshot_size_bytes',
  'alertmanager_config_last_reload_successful',
  'alertmanager_config_last_reload_success_timestamp_seconds',
  'alertmanager_config_hash',
  'alertmanager_nflog_gc_duration_seconds',
  'alertmanager_nflog_snapshot_size_bytes',
  'alertmanager_nflog_queries_total',
  'alertmanager_nflog_query_errors_total',
  'alertmanager_nflog_query_duration_seconds',
  'alertmanager_dispatcher_aggregation_groups',
  'alertmanager_marked_alerts',
  'alertmanager_build_info',
  'alertmanager_receivers',
  'alertmanager_integrations',
  'alertmanager_cluster_enabled',
  'alertmanager_http_request_duration_seconds',
  'alertmanager_http_response_size_bytes',
  'alertmanager_http_requests_in_flight',
  'alertmanager_http_concurrency_limit_exceeded_total',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_start_time_seconds',
  'process_open_fds',
  'process_max_fds',
];

const FAR_FUTURE = '2999-01-01T00:00:00Z';

test('metrics compat: Alertmanager\'s families with the same types, help, labels and buckets; same values for the same config and alerts', async (t) => {
  const binary = requireOracle('alertmanager');
  if (!binary) return t.skip(missingOracleReason('alertmanager'));
  const sink = await startWebhookSink(t);
  const config = (receiver: string) => `route:
  receiver: ${receiver}
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: ${receiver}
    webhook_configs:
      - url: ${sink.url}/${receiver}
`;
  // The same file text, so alertmanager_config_hash must be the same too.
  const am = await startAlertmanager(t, binary, config('r'));
  const ours = await startAlertrouter(t, config('r'));
  const targets = [
    { name: 'alertmanager', url: `http://${am.address}` },
    { name: 'alertrouter', url: ours.url },
  ];
  const body = JSON.stringify([
    { labels: { alertname: 'Disk', instance: 'a' }, endsAt: FAR_FUTURE },
    { labels: { alertname: 'Disk', instance: 'b' }, startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-01-01T01:00:00Z' },
    { labels: { alertname: 'Disk', 'bad-name': 'x' }, endsAt: FAR_FUTURE },
  ]);
  for (const target of targets) {
    const res = await fetch(`${target.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 400, `${target.name} refuses the invalid alert`);
  }
  await sink.waitFor(2);
  const scrape = async (url: string) => {
    await fetch(`${url}/metrics`);
    return parseExposition(await (await fetch(`${url}/metrics`)).text());
  };
  const [theirs, mine] = await Promise.all(targets.map((target) => scrape(target.url)));

  for (const name of REQUIRED) {
    const a = theirs!.get(name);
    const b = mine!.get(name);
    assert.ok(a, `Alertmanager exports ${name}`);
    assert.ok(b, `alertrouter exports ${name}`);
    assert.equal(b.type, a.type, `${name}: type`);
    assert.deepEqual([...b.labels].sort(), [...a.labels].sort(), `${name}: label names`);
    assert.deepEqual([...b.buckets].sort(), [...a.buckets].sort(), `${name}: buckets`);
    if (name.startsWith('alertmanager_')) assert.equal(b.help, a.help, `${name}: help`);
  }

  const same = [
    'alertmanager_config_hash{}',
    'alertmanager_config_last_reload_successful{}',
    'alertmanager_alerts_received_total{status="firing",version="v2"}',
    'alertmanager_alerts_received_total{status="resolved",version="v2"}',
    'alertmanager_alerts_invalid_total{version="v2"}',
    'alertmanager_notifications_total{integration="webhook"}',
    'alertmanager_notifications_failed_total{integration="webhook"}',
    'alertmanager_notification_requests_total{integration="webhook"}',
    'alertmanager_alerts{state="active"}',
    'alertmanager_alerts{state="suppressed"}',
    'alertmanager_silences{state="active"}',
    'alertmanager_dispatcher_aggregation_groups{}',
    'alertmanager_receivers{}',
    'alertmanager_integrations{}',
    'alertmanager_cluster_enabled{}',
  ];
  const value = (families: Map<string, Family>, series: string) => families.get(series.slice(0, series.indexOf('{')))?.samples.get(series);
  for (const series of same) {
    assert.equal(value(mine!, series), value(theirs!, series), series);
    assert.notEqual(value(mine!, series), undefined, series);
  }
  assert.equal(value(mine!, 'alertmanager_alerts_received_total{status="firing",version="v2"}'), 2);
});
