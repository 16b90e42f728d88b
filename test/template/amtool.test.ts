// Differential checks against the real Alertmanager's template engine (`amtool template
// render`, Alertmanager 0.25): the recorded expectations in cases.ts must still be what amtool
// renders, and alertrouter's default templates must render what Alertmanager's defaults do.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { templateDataFromJson } from '../../src/template/data.js';
import { Templates } from '../../src/template/template.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { FIXTURE, HTML_CASES, TEXT_CASES, type Case } from './cases.js';

const run = promisify(execFile);
const amtool = requireOracle('amtool');
// Debian ships Alertmanager's default templates as files instead of compiling them in.
const AM_DEFAULTS = '/usr/share/prometheus/alertmanager/*.tmpl';
const NO_FILES = '/nonexistent-alertrouter-test/*.tmpl';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertrouter-amtool-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writeData(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

/** amtool's rendering, or "ERR <message>" as amtool reports it. */
async function amtoolRender(tmpl: string, opts: { data: string; mode?: 'html'; glob?: string }): Promise<string> {
  const args = ['template', 'render', `--template.glob=${opts.glob ?? NO_FILES}`, `--template.data=${opts.data}`, `--template.text=${tmpl}`, `--template.type=${opts.mode ?? 'text'}`];
  try {
    return (await run(amtool!, args, { encoding: 'utf8' })).stdout;
  } catch (e) {
    return 'ERR ' + String((e as { stderr: string }).stderr).replace(/^amtool: error: /, '').trim();
  }
}

/** Runs `f` over the items, a few at a time (each amtool run takes ~20 ms). */
async function mapLimited<T, R>(items: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

describe('recorded expectations are what amtool renders', { skip: amtool ? false : missingOracleReason('amtool') }, () => {
  for (const [label, cases] of [
    ['text', TEXT_CASES],
    ['html', HTML_CASES],
  ] as const) {
    test(`${label} cases`, { timeout: 60_000 }, async () => {
      const data = writeData('fixture.json', FIXTURE);
      const got = await mapLimited(cases, (c: Case) => amtoolRender(c.tmpl, { data, mode: c.mode }));
      cases.forEach((c, i) => assert.equal(got[i], c.want, c.name));
    });
  }
});

const RESOLVED_GROUP = {
  receiver: 'web.hook',
  status: 'resolved',
  alerts: [
    {
      status: 'resolved',
      labels: { alertname: 'DiskFull', device: '/dev/sda1', instance: 'db-1' },
      annotations: { summary: 'disk full' },
      startsAt: '2024-03-01T10:00:00Z',
      endsAt: '2024-03-01T11:00:00Z',
      generatorURL: 'http://prom/graph',
      fingerprint: '0123456789abcdef',
    },
  ],
  groupLabels: { alertname: 'DiskFull', instance: 'db-1' },
  commonLabels: { alertname: 'DiskFull', device: '/dev/sda1', instance: 'db-1' },
  commonAnnotations: { summary: 'disk full' },
  externalURL: 'http://am:9093',
};
const UNGROUPED = {
  receiver: 'team a+b',
  status: 'firing',
  alerts: [
    { status: 'firing', labels: { alertname: 'A', x: '1' }, annotations: {}, startsAt: '2024-03-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'a' },
    { status: 'firing', labels: { alertname: 'B', x: '1' }, annotations: {}, startsAt: '2024-03-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'b' },
  ],
  groupLabels: {},
  commonLabels: { x: '1' },
  commonAnnotations: {},
  externalURL: 'https://am.example/prefix',
};

const DEFAULT_TEXT_TEMPLATES = [
  '__subject',
  '__alertmanager',
  '__alertmanagerURL',
  '__description',
  'email.default.subject',
  'slack.default.title',
  'slack.default.username',
  'slack.default.fallback',
  'slack.default.callbackid',
  'slack.default.pretext',
  'slack.default.titlelink',
  'slack.default.iconemoji',
  'slack.default.iconurl',
  'slack.default.text',
  'slack.default.footer',
];

describe('default templates render as Alertmanager 0.25 defaults', { skip: amtool && existsSync('/usr/share/prometheus/alertmanager/default.tmpl') ? false : missingOracleReason('amtool') }, () => {
  const ours = Templates.fromStrings();
  for (const [label, json] of [
    ['a firing group with a resolved alert', FIXTURE],
    ['a resolved group', RESOLVED_GROUP],
    ['a group without group labels', UNGROUPED],
  ] as const) {
    test(`${label}: subject, Slack texts and the text alert list`, { timeout: 30_000 }, async () => {
      const dataFile = writeData(`defaults-${label.replace(/\W+/g, '-')}.json`, json);
      const data = templateDataFromJson(json);
      const texts = [
        ...DEFAULT_TEXT_TEMPLATES.map((n) => `{{ template "${n}" . }}`),
        '{{ template "__text_alert_list" .Alerts }}',
        '{{ template "__text_alert_list" .Alerts.Resolved }}',
      ];
      const want = await mapLimited(texts, (t) => amtoolRender(t, { data: dataFile, glob: AM_DEFAULTS }));
      texts.forEach((t, i) => assert.equal(ours.executeText(t, data), want[i], t));
    });
  }

  test('alertrouter executes Alertmanager\'s own email.tmpl byte for byte (html/template escaping)', { timeout: 30_000 }, async () => {
    const am = await Templates.load([AM_DEFAULTS]);
    for (const json of [FIXTURE, RESOLVED_GROUP, UNGROUPED]) {
      const dataFile = writeData('email.json', json);
      const want = await amtoolRender('{{ template "email.default.html" . }}', { data: dataFile, glob: AM_DEFAULTS, mode: 'html' });
      assert.ok(want.includes('<html'), 'amtool rendered the email');
      assert.equal(am.executeHtml('{{ template "email.default.html" . }}', templateDataFromJson(json)), want);
    }
  });
});
