import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_END_MS, type Alert } from '../../src/alert/alert.js';
import type { InhibitRuleConfig } from '../../src/config/types.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { parseMatchers } from '../../src/labels/parse.js';
import { Inhibitor, RuleSources, equalKey, inhibitingSources } from '../../src/inhibit/inhibitor.js';
import { AlertMarker } from '../../src/store/marker.js';
import { AlertStore } from '../../src/store/alerts.js';
import { makeAlert } from '../support/alerts.js';
import { FakeClock } from '../support/fake-clock.js';

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);

function rule(source: string, target: string, equal: string[]): InhibitRuleConfig {
  return { sourceMatchers: parseMatchers(source), targetMatchers: parseMatchers(target), equal };
}

function firing(labels: Labels, endsAtMs = NO_END_MS): Alert {
  return makeAlert({ labels, startsAtMs: T0 - 1000, endsAtMs });
}

function sourcesOf(r: InhibitRuleConfig, alerts: Alert[]): RuleSources {
  const s = new RuleSources(r);
  for (const a of alerts) s.offer(a);
  return s;
}

describe('inhibitingSources', () => {
  const critical = rule('severity="critical"', 'severity="warning"', ['cluster', 'service']);
  interface Case {
    readonly name: string;
    readonly rule: InhibitRuleConfig;
    readonly sources: Alert[];
    readonly target: Labels;
    /** Indexes into `sources` of the alerts that should inhibit. */
    readonly want: number[];
  }
  const cases: Case[] = [
    {
      name: 'a firing source with equal labels inhibits the target',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu', service: 'db' })],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [0],
    },
    {
      name: 'a different value of an equal label does not inhibit',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'us', service: 'db' })],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [],
    },
    {
      name: 'an equal label absent on both sides counts as equal',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu' })],
      target: { severity: 'warning', cluster: 'eu' },
      want: [0],
    },
    {
      name: 'an equal label absent on one side and empty-valued on the other counts as equal',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu', service: '' })],
      target: { severity: 'warning', cluster: 'eu' },
      want: [0],
    },
    {
      name: 'an equal label absent on one side only does not inhibit',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu' })],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [],
    },
    {
      name: 'a target not matching the target matchers is never inhibited',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu', service: 'db' })],
      target: { severity: 'info', cluster: 'eu', service: 'db' },
      want: [],
    },
    {
      name: 'a resolved source does not inhibit',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu', service: 'db' }, T0 - 1)],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [],
    },
    {
      name: 'a source ending at exactly now is resolved',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu', service: 'db' }, T0)],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [],
    },
    {
      name: 'a source with an end in the future still inhibits',
      rule: critical,
      sources: [firing({ severity: 'critical', cluster: 'eu', service: 'db' }, T0 + 1)],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [0],
    },
    {
      name: 'no equal labels: any firing source inhibits every target',
      rule: rule('alertname="ClusterDown"', 'alertname!="ClusterDown"', []),
      sources: [firing({ alertname: 'ClusterDown', cluster: 'us' })],
      target: { alertname: 'Disk', cluster: 'eu' },
      want: [0],
    },
    {
      name: 'several sources are all reported, sorted by fingerprint',
      rule: critical,
      sources: [
        firing({ severity: 'critical', cluster: 'eu', service: 'db', alertname: 'A' }),
        firing({ severity: 'critical', cluster: 'eu', service: 'db', alertname: 'B' }),
        firing({ severity: 'critical', cluster: 'eu', service: 'web', alertname: 'C' }),
      ],
      target: { severity: 'warning', cluster: 'eu', service: 'db' },
      want: [0, 1],
    },
    {
      name: 'an alert matching both sides does not inhibit itself',
      rule: rule('team="ops"', 'team="ops"', ['cluster']),
      sources: [firing({ team: 'ops', cluster: 'eu' })],
      target: { team: 'ops', cluster: 'eu' },
      want: [],
    },
    {
      name: 'two alerts matching both sides do not inhibit each other',
      rule: rule('team="ops"', 'team="ops"', ['cluster']),
      sources: [firing({ team: 'ops', cluster: 'eu', alertname: 'A' })],
      target: { team: 'ops', cluster: 'eu', alertname: 'B' },
      want: [],
    },
    {
      name: 'an alert matching both sides is inhibited by a source matching only the source side',
      rule: rule('severity=~"critical|warning"', 'severity="warning"', ['cluster']),
      sources: [firing({ severity: 'critical', cluster: 'eu' }), firing({ severity: 'warning', cluster: 'eu', alertname: 'Other' })],
      target: { severity: 'warning', cluster: 'eu' },
      want: [0],
    },
    {
      name: 'a target matching only the target side is inhibited also by sources matching both sides',
      rule: rule('team="ops"', 'alertname="Disk"', ['cluster']),
      sources: [firing({ team: 'ops', alertname: 'Disk', cluster: 'eu' })],
      target: { alertname: 'Disk', cluster: 'eu' },
      want: [0],
    },
    {
      name: 'a label named like an Object property is read from the label set only',
      rule: rule('severity="critical"', 'severity="warning"', ['constructor']),
      sources: [firing({ severity: 'critical' })],
      target: { severity: 'warning' },
      want: [0],
    },
  ];
  for (const c of cases) {
    test(`inhibitingSources: ${c.name}`, () => {
      const got = inhibitingSources(c.rule, { labels: c.target, sources: sourcesOf(c.rule, c.sources), nowMs: T0 });
      assert.deepEqual(got, c.want.map((i) => c.sources[i]!.fingerprint).sort());
    });
  }

  test('inhibitingSources: checks equal labels and source matchers even when handed unindexed candidates', () => {
    const all = [firing({ severity: 'critical', cluster: 'us' }), firing({ severity: 'info', cluster: 'eu' }), firing({ severity: 'critical', cluster: 'eu' })];
    const got = inhibitingSources(rule('severity="critical"', 'severity="warning"', ['cluster']), {
      labels: { severity: 'warning', cluster: 'eu' },
      sources: { candidates: () => all },
      nowMs: T0,
    });
    assert.deepEqual(got, [all[2]!.fingerprint]);
  });
});

describe('RuleSources', () => {
  test('RuleSources: keeps only source-side alerts, keyed by equal values, and forgets removed ones', () => {
    const r = rule('severity="critical"', 'severity="warning"', ['cluster']);
    const s = new RuleSources(r);
    const a = firing({ severity: 'critical', cluster: 'eu' });
    s.offer(a);
    s.offer(firing({ severity: 'warning', cluster: 'eu' }));
    assert.equal(s.size, 1);
    assert.deepEqual([...s.candidates({ cluster: 'eu' })], [a]);
    assert.deepEqual([...s.candidates({ cluster: 'us' })], []);
    const resolved = { ...a, endsAtMs: T0 };
    s.offer(resolved);
    assert.deepEqual([...s.candidates({ cluster: 'eu' })], [resolved], 'the latest version replaces the older one');
    s.remove(a.fingerprint);
    assert.equal(s.size, 0);
    assert.deepEqual([...s.candidates({ cluster: 'eu' })], []);
  });

  test('equalKey: absent and empty values give the same key, different values differ', () => {
    assert.equal(equalKey(['a', 'b'], { a: 'x' }), equalKey(['a', 'b'], { a: 'x', b: '' }));
    assert.notEqual(equalKey(['a', 'b'], { a: 'x,y' }), equalKey(['a', 'b'], { a: 'x', b: 'y' }));
  });
});

describe('Inhibitor', () => {
  function setup(rules: InhibitRuleConfig[]) {
    const clock = new FakeClock(T0);
    const marker = new AlertMarker();
    const store = new AlertStore({ clock, marker });
    return { clock, marker, store, make: () => new Inhibitor({ rules, alerts: store, marker, clock }) };
  }
  const rules = [rule('severity="critical"', 'severity="warning"', ['cluster'])];

  test('Inhibitor: alerts already held and alerts put later both inhibit; the marker names the source', () => {
    const { store, marker, make } = setup(rules);
    const early = firing({ severity: 'critical', cluster: 'eu', alertname: 'Down' });
    store.put([early]);
    const inhibitor = make();
    const target = { severity: 'warning', cluster: 'eu', alertname: 'Slow' };
    assert.equal(inhibitor.mutes(target), true);
    assert.deepEqual(marker.status(fingerprint(target)), { state: 'suppressed', silencedBy: [], inhibitedBy: [early.fingerprint] });

    const other = { severity: 'warning', cluster: 'us', alertname: 'Slow' };
    assert.equal(inhibitor.mutes(other), false);
    const late = firing({ severity: 'critical', cluster: 'us', alertname: 'Down' });
    store.put([late]);
    assert.equal(inhibitor.mutes(other), true);
    assert.deepEqual(marker.status(fingerprint(other)).inhibitedBy, [late.fingerprint]);
    inhibitor.close();
  });

  test('Inhibitor: stops inhibiting once the source resolves, by time or by the client, and after gc', async () => {
    const { store, marker, clock, make } = setup(rules);
    const inhibitor = make();
    const target = { severity: 'warning', cluster: 'eu' };
    store.put([firing({ severity: 'critical', cluster: 'eu' }, T0 + 60_000)]);
    assert.equal(inhibitor.mutes(target), true);
    await clock.advance(60_000);
    assert.equal(inhibitor.mutes(target), false, 'source ended by its endsAt');
    assert.deepEqual(marker.status(fingerprint(target)), { state: 'active', silencedBy: [], inhibitedBy: [] });

    store.put([firing({ severity: 'critical', cluster: 'eu', alertname: 'B' })]);
    assert.equal(inhibitor.mutes(target), true);
    store.put([{ ...firing({ severity: 'critical', cluster: 'eu', alertname: 'B' }), endsAtMs: clock.nowMs() }]);
    assert.equal(inhibitor.mutes(target), false, 'source resolved by the client');
    store.gc(clock.nowMs() + 1);
    assert.equal(store.size, 0);
    assert.equal(inhibitor.mutes(target), false);
    inhibitor.close();
  });

  test('Inhibitor: the first rule that inhibits decides', () => {
    const { store, marker, make } = setup([
      rule('alertname="A"', 'severity="warning"', []),
      rule('alertname="B"', 'severity="warning"', []),
    ]);
    const inhibitor = make();
    const b = firing({ alertname: 'B' });
    store.put([b]);
    const target = { severity: 'warning' };
    assert.equal(inhibitor.mutes(target), true);
    assert.deepEqual(marker.status(fingerprint(target)).inhibitedBy, [b.fingerprint]);
    const a = firing({ alertname: 'A' });
    store.put([a]);
    inhibitor.mutes(target);
    assert.deepEqual(marker.status(fingerprint(target)).inhibitedBy, [a.fingerprint]);
    inhibitor.close();
  });

  test('Inhibitor: after close() alerts put into the store are not followed', () => {
    const { store, make } = setup(rules);
    const inhibitor = make();
    inhibitor.close();
    store.put([firing({ severity: 'critical', cluster: 'eu' })]);
    assert.equal(inhibitor.mutes({ severity: 'warning', cluster: 'eu' }), false);
    const open = make();
    assert.equal(open.mutes({ severity: 'warning', cluster: 'eu' }), true, 'a new inhibitor lists the store');
    open.close();
  });

  test('Inhibitor.inhibitions: every inhibiting rule with all its sources, without marking', () => {
    const { store, marker, make } = setup([
      rule('alertname="A"', 'severity="warning"', []),
      rule('alertname="B"', 'severity="info"', []),
      rule('severity="critical"', 'severity="warning"', ['cluster']),
    ]);
    const inhibitor = make();
    const a = firing({ alertname: 'A' });
    const c1 = firing({ severity: 'critical', cluster: 'eu', alertname: 'X' });
    const c2 = firing({ severity: 'critical', cluster: 'eu', alertname: 'Y' });
    store.put([a, c1, c2, firing({ alertname: 'B' })]);
    const target = { severity: 'warning', cluster: 'eu' };
    assert.deepEqual(inhibitor.inhibitions(target), [
      { ruleIndex: 0, sources: [a.fingerprint] },
      { ruleIndex: 2, sources: [c1.fingerprint, c2.fingerprint].sort() },
    ]);
    assert.deepEqual(marker.status(fingerprint(target)), { state: 'unprocessed', silencedBy: [], inhibitedBy: [] });
    assert.deepEqual(inhibitor.inhibitions({ severity: 'page' }), []);
    inhibitor.close();
  });
});
