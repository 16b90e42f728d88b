// `alertrouter template render` in-process: sample data, JSON data, the config's templates plus
// globs, html escaping, errors with template, line and column; and the same command lines
// given to amtool 0.25's `template render` print the same.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runInProcess } from './run-in-process.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

const amtool = requireOracle('amtool');
const execFileP = promisify(execFile);

let dir = '';
let configFile = '';
let dataFile = '';
let extraGlob = '';

const CONFIG_TMPL = `{{ define "team.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }}{{ end }}
{{ define "team.body" }}{{ range .Alerts }}- {{ .Labels.instance }} {{ .Annotations.summary }}
{{ end }}{{ end }}
{{ define "team.overridden" }}from config{{ end }}`;

const EXTRA_TMPL = `{{ define "team.overridden" }}from glob{{ end }}
{{ define "team.broken" }}ok
{{ .Alerts.Nope }}{{ end }}`;

const DATA = {
  receiver: 'team\\.db',
  status: 'firing',
  alerts: [
    { status: 'firing', labels: { alertname: 'DiskFull', instance: 'db-1' }, annotations: { summary: 'disk <95%> & rising' }, startsAt: '2024-03-10T12:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prom/graph?g0.expr=up', fingerprint: 'aa11' },
    { status: 'resolved', labels: { alertname: 'DiskFull', instance: 'db-2' }, annotations: { summary: 'fine' }, startsAt: '2024-03-10T11:00:00+02:00', endsAt: '2024-03-10T12:30:00.5Z', generatorURL: '', fingerprint: 'bb22' },
  ],
  groupLabels: { alertname: 'DiskFull' },
  commonLabels: { alertname: 'DiskFull' },
  commonAnnotations: {},
  externalURL: 'http://am.example:9093',
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertrouter-cli-template-'));
  writeFileSync(join(dir, 'team.tmpl'), CONFIG_TMPL);
  writeFileSync(join(dir, 'extra.tmpl.in'), EXTRA_TMPL);
  configFile = join(dir, 'alertmanager.yml');
  // Relative template globs resolve against the config file's folder.
  writeFileSync(configFile, 'route:\n  receiver: team\nreceivers:\n  - name: team\ntemplates:\n  - "*.tmpl"\n');
  dataFile = join(dir, 'data.json');
  writeFileSync(dataFile, JSON.stringify(DATA));
  extraGlob = join(dir, 'extra.tmpl.*');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const run = runInProcess;

describe('alertrouter template render', () => {
  test('renders the built-in sample group by default, as text, without adding a newline', async () => {
    const r = await run(['template', 'render', '--template.text={{ .Status }} {{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }} {{ .CommonLabels.service }}']);
    assert.deepEqual(r, { stdout: 'firing 2/1 checkout', stderr: '', exitCode: 0 });
  });

  test("loads the config's templates, then --template.glob files, over the defaults", async () => {
    const r = await run(['template', 'render', `--config.file=${configFile}`, `--template.glob=${extraGlob}`, '--template.data', dataFile, '--template.text', '{{ template "team.title" . }}|{{ template "team.overridden" . }}|{{ template "email.default.subject" . }}\n{{ template "team.body" . }}']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, '[FIRING:1] DiskFull|from glob|[FIRING:1] DiskFull \n- db-1 disk <95%> & rising\n- db-2 fine\n');
    const configOnly = await run(['template', 'render', `--config.file=${configFile}`, '--template.text={{ template "team.overridden" . }} {{ template "team.title" . }}']);
    assert.deepEqual(configOnly, { stdout: 'from config [FIRING:2] HighRequestLatency checkout', stderr: '', exitCode: 0 });
  });

  test('--template.html and --template.type=html escape as html/template', async () => {
    const text = '<li title="{{ (index .Alerts 0).Annotations.summary }}">{{ (index .Alerts 0).Annotations.summary }}</li><a href="{{ (index .Alerts 0).GeneratorURL }}">x</a>';
    const want = '<li title="disk &lt;95%&gt; &amp; rising">disk &lt;95%&gt; &amp; rising</li><a href="http://prom/graph?g0.expr=up">x</a>';
    for (const flag of ['--template.html', '--template.type=html']) {
      const r = await run(['template', 'render', flag, `--template.data=${dataFile}`, `--template.text=${text}`]);
      assert.deepEqual(r, { stdout: want, stderr: '', exitCode: 0 }, flag);
    }
    const plain = await run(['template', 'render', `--template.data=${dataFile}`, `--template.text=${text}`]);
    assert.match(plain.stdout, /title="disk <95%> & rising"/);
  });

  test('a parse error names template, line and column and exits 1', async () => {
    const r = await run(['template', 'render', '--template.text=line one\n {{ .Status | nosuchfunc }}']);
    assert.deepEqual(r, { stdout: '', stderr: 'alertrouter: error: template: :2:14: function "nosuchfunc" not defined\n', exitCode: 1 });
  });

  test('an error in a loaded file names that file, line and column', async () => {
    const exec = await run(['template', 'render', `--template.glob=${extraGlob}`, '--template.text={{ template "team.broken" . }}']);
    assert.equal(exec.exitCode, 1);
    assert.match(exec.stderr, /^alertrouter: error: template: extra\.tmpl\.in:3:10: executing "team\.broken" at <\.Alerts\.Nope>: can't evaluate field Nope/);
    const bad = join(dir, 'bad.tmpl.x');
    writeFileSync(bad, 'fine\n\n  {{ end }}');
    const parse = await run(['template', 'render', `--template.glob=${bad}`, '--template.text=x']);
    assert.deepEqual(parse, { stdout: '', stderr: 'alertrouter: error: template: bad.tmpl.x:3:5: unexpected {{end}}\n', exitCode: 1 });
  });

  test('refuses missing or conflicting flags and unreadable data', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /required flag --template.text not provided/],
      [['--template.text=x', '--template.type=pdf'], /enum value must be one of html,text, got 'pdf'/],
      [['--template.text=x', `--template.data=${dataFile}`, '--receiver=r'], /give --template.data or --group\/--receiver, not both/],
      [['--template.text=x', '--group=g', '--receiver=r'], /give --group or --receiver, not both/],
      [['--template.text=x', `--template.data=${join(dir, 'missing.json')}`], /--template.data: cannot read .*missing\.json/],
      [['--template.text=x', `--template.data=${configFile}`], /--template.data .*alertmanager\.yml: not JSON: .*\(want template.Data as JSON/],
      [['--template.text=x', '--receiver=r', '--alertmanager.url=ftp://x'], /--alertmanager.url "ftp:\/\/x": want an http or https URL/],
      [['--template.text=x', 'stray'], /unexpected stray/],
    ];
    for (const [args, want] of cases) {
      const r = await run(['template', 'render', ...args]);
      assert.equal(r.exitCode, 1, args.join(' '));
      assert.match(r.stderr, want, args.join(' '));
    }
    const sub = await run(['template', 'show']);
    assert.match(sub.stderr, /want "template render"/);
  });

  test('--help describes the command and its flags', async () => {
    for (const argv of [['template'], ['template', '--help'], ['template', 'render', '--help']]) {
      const r = await run(argv);
      assert.equal(r.exitCode, 0);
      assert.match(r.stdout, /^usage: alertrouter template render --template.text=<text>/);
      for (const flag of ['--config.file', '--template.glob', '--template.type', 'template.html', '--template.data', '--group', '--receiver', '--alertmanager.url']) {
        assert.ok(r.stdout.includes(flag), flag);
      }
    }
    assert.match((await run(['--help'])).stdout, /template render/);
  });
});

describe('template render: same output as amtool 0.25 for the same command line', { skip: amtool ? false : missingOracleReason('amtool') }, () => {
  // amtool's own flags; alertrouter prints "alertrouter: error:" where amtool prints "amtool: error:".
  const TEMPLATES: ReadonlyArray<readonly [string, 'text' | 'html']> = [
    ['{{ .Receiver }} {{ .Status }} {{ range .Alerts }}{{ .Labels.instance }}={{ .Status }}@{{ .StartsAt }}..{{ .EndsAt }} {{ end }}', 'text'],
    ['{{ template "team.title" . }}|{{ template "team.overridden" . }}\n{{ template "team.body" . }}', 'text'],
    ['{{ range .Alerts.Resolved }}{{ .EndsAt.Sub .StartsAt }} {{ .Fingerprint }}{{ end }} {{ .CommonLabels.SortedPairs }}', 'text'],
    ['<p title="{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}">{{ template "team.body" . }}</p>', 'html'],
    ['{{ (index .Alerts 0).Annotations.summary }} <a href="{{ (index .Alerts 0).GeneratorURL }}">', 'html'],
    ['{{ template "team.broken" . }}', 'text'],
    ['{{ .Alerts.Firing.Nope }}', 'text'],
  ];

  for (const [text, type] of TEMPLATES) {
    test(`${type}: ${text.slice(0, 60)}`, async () => {
      const flags = [`--template.glob=${join(dir, '*.tmpl')}`, `--template.glob=${extraGlob}`, `--template.data=${dataFile}`, `--template.type=${type}`, `--template.text=${text}`];
      let want: { stdout: string; stderr: string; exitCode: number };
      try {
        const r = await execFileP(amtool!, ['template', 'render', ...flags], { encoding: 'utf8' });
        want = { stdout: r.stdout, stderr: r.stderr, exitCode: 0 };
      } catch (e) {
        const err = e as { stdout: string; stderr: string; code: number };
        // kingpin ends its error with an empty line.
        want = { stdout: err.stdout, stderr: err.stderr.replace(/^amtool:/, 'alertrouter:').replace(/\n\n$/, '\n'), exitCode: err.code };
      }
      assert.deepEqual(await run(['template', 'render', ...flags]), want);
    });
  }
});
