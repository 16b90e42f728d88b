// Differential test: the same alerts and inhibit_rules in the real Alertmanager 0.25 and in our
// Inhibitor; every alert must be inhibited in both or in neither, and the source Alertmanager
// names must be one our rule finds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InhibitRuleConfig } from '../../src/config/types.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { parseMatchers } from '../../src/labels/parse.js';
import { Inhibitor, RuleSources, inhibitingSources } from '../../src/inhibit/inhibitor.js';
import { AlertMarker } from '../../src/store/marker.js';
import { AlertStore } from '../../src/store/alerts.js';
import { decodePostableAlerts, prepareAlerts } from '../../src/api/v2/postable.js';
import { FakeClock } from '../support/fake-clock.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const RULES: { source: string; target: string; equal: string[] }[] = [
  { source: 'severity="critical"', target: 'severity="warning"', equal: ['cluster', 'service'] },
  { source: 'alertname="NodeDown"', target: 'alertname=~"Node.+"', equal: ['instance'] },
  { source: 'team="ops"', target: 'team="ops"', equal: ['cluster'] },
];

const ALERTS: Labels[] = [
  { alertname: 'DbDown', severity: 'critical', cluster: 'eu', service: 'db' },
  { alertname: 'DbSlow', severity: 'warning', cluster: 'eu', service: 'db' },
  { alertname: 'DbSlow', severity: 'warning', cluster: 'us', service: 'db' },
  { alertname: 'WebSlow', severity: 'warning', cluster: 'eu' },
  { alertname: 'WebDown', severity: 'critical', cluster: 'eu', service: '' },
  { alertname: 'CacheSlow', severity: 'warning', service: 'cache' },
  { alertname: 'NodeDown', instance: 'h1' },
  { alertname: 'NodeDiskFull', instance: 'h1' },
  { alertname: 'NodeDiskFull', instance: 'h2' },
  { alertname: 'NodeDown', instance: 'h2', severity: 'warning' },
  { alertname: 'OpsA', team: 'ops', cluster: 'eu' },
  { alertname: 'OpsB', team: 'ops', cluster: 'eu' },
  { alertname: 'OpsC', team: 'ops', cluster: 'us', severity: 'critical' },
  { alertname: 'OpsD', team: 'ops', cluster: 'us', severity: 'warning', service: '' },
];

function yamlConfig(): string {
  const rules = RULES.map(
    (r) =>
      `  - source_matchers: [${JSON.stringify(r.source)}]\n    target_matchers: [${JSON.stringify(r.target)}]\n    equal: [${r.equal.map((e) => JSON.stringify(e)).join(', ')}]`,
  ).join('\n');
  return `route:\n  receiver: default\nreceivers:\n  - name: default\ninhibit_rules:\n${rules}\n`;
}

interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[] };
}

test('inhibition: our Inhibitor inhibits the same alerts as Alertmanager 0.25, by a source it would pick', async (t) => {
  const binary = requireOracle('alertmanager');
  if (!binary) return t.skip(missingOracleReason('alertmanager'));
  const am = await startAlertmanager(t, binary, yamlConfig());
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const posted = ALERTS.map((labels) => ({ labels, startsAt }));
  await am.postAlerts(posted);

  const rules: InhibitRuleConfig[] = RULES.map((r) => ({
    sourceMatchers: parseMatchers(r.source),
    targetMatchers: parseMatchers(r.target),
    equal: r.equal,
  }));
  const clock = new FakeClock(Date.now());
  const marker = new AlertMarker();
  const store = new AlertStore({ clock, marker });
  // Through our API's ingest, which drops empty-valued labels as Alertmanager does.
  const { valid: alerts, errors } = prepareAlerts(decodePostableAlerts(JSON.stringify(posted)), {
    nowMs: clock.nowMs(),
    resolveTimeoutMs: 300_000,
  });
  assert.deepEqual(errors, []);
  store.put(alerts);
  const inhibitor = new Inhibitor({ rules, alerts: store, marker, clock });
  t.after(() => inhibitor.close());

  // Sources per alert under the first rule that inhibits it (Alertmanager names one of them).
  const ours = new Map<string, string[]>();
  for (const a of alerts) {
    inhibitor.mutes(a.labels);
    let sources: string[] = [];
    for (const r of rules) {
      sources = inhibitingSources(r, { labels: a.labels, sources: sourcesFor(r), nowMs: clock.nowMs() });
      if (sources.length > 0) break;
    }
    ours.set(a.fingerprint, sources);
    assert.equal(marker.status(a.fingerprint).inhibitedBy.length > 0, sources.length > 0);
  }
  function sourcesFor(r: InhibitRuleConfig): RuleSources {
    const s = new RuleSources(r);
    for (const a of alerts) s.offer(a);
    return s;
  }
  assert.ok([...ours.values()].some((s) => s.length > 0) && [...ours.values()].some((s) => s.length === 0), 'cases cover both outcomes');

  // Alertmanager fills its inhibition cache from its alert subscription in the background: ask
  // again until its answer settles on ours or the deadline passes.
  const deadline = Date.now() + 10_000;
  let mismatch = '';
  for (;;) {
    const got = (await (await fetch(`http://${am.address}/api/v2/alerts`)).json()) as AmAlert[];
    mismatch = compare(got);
    if (mismatch === '' || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(mismatch, '');

  function compare(got: AmAlert[]): string {
    if (got.length !== alerts.length) return `Alertmanager holds ${got.length} alerts, want ${alerts.length}`;
    const problems: string[] = [];
    for (const a of got) {
      assert.equal(a.fingerprint, fingerprint(a.labels));
      const sources = ours.get(a.fingerprint) ?? [];
      const amSource = a.status.inhibitedBy[0];
      if ((amSource !== undefined) !== (sources.length > 0) || (amSource !== undefined && !sources.includes(amSource))) {
        problems.push(`${JSON.stringify(a.labels)}: Alertmanager inhibitedBy ${JSON.stringify(a.status.inhibitedBy)}, ours ${JSON.stringify(sources)}`);
      }
    }
    return problems.join('\n');
  }
});
