// Differential test of single values and YAML forms: each probe is a small config, and the real
// amtool check-config (Alertmanager 0.25) and our loader must both accept or both refuse it.
// Covers the rules we reimplemented from Go: URLs (net/url), host:port (net.SplitHostPort),
// durations (model.Duration), YAML 1.1 booleans and integers, tags, merges, aliases and syntax
// (yaml.v2), label names, header-name collisions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verdicts } from './amtool.js';

interface Probe {
  readonly name: string;
  readonly yaml: string;
}

const webhook = (url: string): string => `route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: ${url}\n`;
const smarthost = (v: string): string =>
  `global:\n  smtp_smarthost: ${v}\n  smtp_from: a@example.org\nroute:\n  receiver: r\nreceivers:\n  - name: r\n    email_configs:\n      - to: b@example.org\n`;
const groupWait = (v: string): string => `route:\n  receiver: r\n  group_wait: ${v}\nreceivers:\n  - name: r\n`;
const continueIs = (v: string): string => `route:\n  receiver: r\n  routes:\n    - receiver: r\n      continue: ${v}\nreceivers:\n  - name: r\n`;
const maxAlerts = (v: string): string => webhook('http://example.org/') + `        max_alerts: ${v}\n`;
const groupBy = (v: string): string => `route:\n  receiver: r\n  group_by: [${v}]\nreceivers:\n  - name: r\n`;
const headers = (a: string, b: string): string =>
  smarthost('localhost:25') + `        headers:\n          ${a}: x\n          ${b}: y\n`;

const BASE = 'route:\n  receiver: r\nreceivers:\n  - name: r\n';
const child = (line: string): string => `route:\n  receiver: r\n  routes:\n    - receiver: r\n      ${line}\nreceivers:\n  - name: r\n`;

const SYNTAX: readonly Probe[] = [
  { name: 'yaml: CRLF line ends', yaml: BASE.replace(/\n/g, '\r\n') },
  { name: 'yaml: byte order mark', yaml: '\ufeff' + BASE },
  { name: 'yaml: document markers', yaml: '---\n' + BASE + '...\n' },
  { name: 'yaml: %YAML directive', yaml: '%YAML 1.1\n---\n' + BASE },
  { name: 'yaml: flow style', yaml: 'route: {receiver: r, group_by: [a, b]}\nreceivers: [{name: r}]\n' },
  { name: 'yaml: folded duration', yaml: child('group_wait: >-\n        30s') },
  { name: 'yaml: explicit complex-key syntax', yaml: 'route:\n  ? receiver\n  : r\nreceivers:\n  - name: r\n' },
  { name: 'yaml: unknown alias', yaml: 'route:\n  receiver: *nope\nreceivers:\n  - name: r\n' },
  { name: 'yaml: merge of a non-mapping', yaml: child('<<: [{group_wait: 1s}, 5]') },
  { name: 'yaml: merge into a route', yaml: child('<<: {continue: true, group_wait: 1s}') },
  { name: 'yaml: merge bringing an unknown key', yaml: child('<<: {contnue: true}') },
  { name: 'yaml: null key', yaml: child('null: 1s') },
  { name: 'yaml: quoted key', yaml: child('"group_wait": 1s') },
  { name: 'yaml: !!bool "true"', yaml: child('continue: !!bool "true"') },
  { name: 'yaml: !!bool "maybe"', yaml: child('continue: !!bool "maybe"') },
  { name: 'yaml: !!str true as a boolean', yaml: child('continue: !!str true') },
  { name: 'yaml: !!int "7" as max_alerts', yaml: maxAlerts('!!int "7"') },
  { name: 'yaml: !!str 7 as max_alerts', yaml: maxAlerts('!!str 7') },
  { name: 'yaml: unclosed quote', yaml: 'route:\n  receiver: "r\nreceivers:\n  - name: r\n' },
  { name: 'yaml: same receiver name quoted and plain', yaml: BASE + '  - name: "r"\n' },
  { name: 'yaml: anchored list item reused', yaml: webhook('&h http://x/') + '      - url: *h\n' },
  { name: 'null matcher string', yaml: child('matchers: [~]') },
  { name: 'empty matcher string', yaml: child("matchers: ['']") },
  { name: 'null label in inhibit equal', yaml: BASE + 'inhibit_rules:\n  - equal: [~]\n' },
  { name: 'null label in group_by', yaml: child('group_by: [~]') },
  { name: 'null match_re value', yaml: child('match_re: {a: ~}') },
  { name: 'null match value', yaml: child('match: {a: ~}') },
];

const PROBES: readonly Probe[] = [
  ...SYNTAX,
  ...[
    "'http://example.org/'", "'https://example.org:8443/x?y=1#z'", "'HTTP://EXAMPLE.ORG/'", "'http://ex ample.org/'",
    "'http://example.org/a b'", "'http://example.org/%zz'", "'http://[::1]:80/'", "'http://[::1/'", "'http://example.org:/'",
    "'http://example.org:99999/'", "'http://user@example.org/'", "'http://us er@example.org/'", "'mailto:x@example.org'",
    "'example.org'", "'//example.org/'", "'http:example.org'", "'https://example.org/#%'", "':foo'", "'http://exa%41mple.org/'",
    "'http://ex%C3%A4mple.org/'", "'http://éxample.org/'", "'<secret>'", "''", "'http://example.org/?q=%zz'", "'http://a_b.example.org/'",
  ].map((v) => ({ name: `webhook url ${v}`, yaml: webhook(v) })),
  ...["'localhost:25'", "':25'", "'localhost'", "'localhost:'", "'[::1]:25'", "'::1:25'", "'[::1]25'", "'[a]:b]'", "'host:smtp'", "''"].map((v) => ({
    name: `smtp_smarthost ${v}`,
    yaml: smarthost(v),
  })),
  ...["30s", "1h30m", "90m", "1d", "1w", "1y", "0", "0s", "''", "30", "'1h 30m'", "-1s", "1.5h", "1m1h", "1s500ms", "01s", "292y", "293y"].map((v) => ({
    name: `group_wait ${v}`,
    yaml: groupWait(v),
  })),
  ...["true", "True", "TRUE", "yes", "on", "y", "Y", "n", "off", "'true'", "1", "tRue", "~"].map((v) => ({ name: `continue ${v}`, yaml: continueIs(v) })),
  ...["0", "5", "-1", "1.5", "0x10", "'3'", "1e3", "0o17", "017", "1_000", "18446744073709551615", ".inf", "true"].map((v) => ({
    name: `max_alerts ${v}`,
    yaml: maxAlerts(v),
  })),
  ...["a", "_a", "'1a'", "a.b", "'a:b'", "é", "''"].map((v) => ({ name: `group_by ${v}`, yaml: groupBy(v) })),
  ...[["Subject", "subject"], ["x-a", "X-A"], ["X A", "x a"], ["reply-to", "Reply-To"], ["X-Ä", "x-ä"]].map(([a, b]) => ({
    name: `email headers ${a} and ${b}`,
    yaml: headers(a!, b!),
  })),
];

describe('config values and YAML forms: alertrouter agrees with amtool check-config', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertrouter-config-probe-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  PROBES.forEach((probe, i) => {
    it(probe.name, async (t) => {
      const file = join(dir, `probe-${i}.yml`);
      writeFileSync(file, probe.yaml);
      const v = await verdicts(t, file);
      if (!v) return;
      if (v.amtoolAccepts) {
        assert.equal(v.ours, undefined, `amtool accepts, alertrouter refuses: ${v.ours?.message}`);
      } else {
        assert.ok(v.ours, `amtool refuses (${v.amtoolOutput}), alertrouter accepts`);
      }
    });
  });
});
