// Differential test: `alertrouter check-config` against the real `amtool check-config` on the config
// fixtures and routes.example.yaml — same exit status, same report apart from the error wording.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAlertrouter, runAmtool as runAmtoolIn } from './run-both.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

const amtool = requireOracle('amtool');
const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'config');
const EXAMPLE = join(ROOT, 'routes.example.yaml');

// amtool's HOME: an empty folder, so no user settings apply.
let home = '';
before(() => {
  home = mkdtempSync(join(tmpdir(), 'alertrouter-check-compat-'));
});
after(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

function configFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const runAmtool = (args: readonly string[]) => runAmtoolIn(amtool!, args, home);
const runOurs = runAlertrouter;

// Refused by both, but at a different step, on purpose: amtool loads the config (printing its
// "Found:" summary) and fails only when it expands the malformed template glob; we refuse the
// glob while loading, so the error can name the file, line and key. Exit statuses still agree.
const REFUSED_EARLIER = new Set(['bad-template-glob.yml']);
const refusedEarlier = (file: string) => REFUSED_EARLIER.has(file.split('/').pop()!);

// The error text is each implementation's own (amtool's may span lines); the shape, the counts
// and SUCCESS/FAILED must agree.
function withoutErrorText(stdout: string): string {
  const out: string[] = [];
  let inError = false;
  for (const line of stdout.split('\n')) {
    if (inError && line !== '' && line !== 'Found:' && !line.startsWith(' - ') && !line.startsWith('Checking ')) continue;
    inError = line.includes('  FAILED: ');
    out.push(line.replace(/ {2}FAILED: .*$/, '  FAILED'));
  }
  return out.join('\n');
}

test('compat: check-config agrees with amtool on the good and bad config fixtures and routes.example.yaml', { skip: !amtool && missingOracleReason('amtool') }, async (t) => {
  const files = [EXAMPLE, ...configFiles(join(FIXTURES, 'good')), ...configFiles(join(FIXTURES, 'bad'))];
  const diffs: string[] = [];
  let failures = 0;
  for (const file of files) {
    const [theirs, ours] = await Promise.all([runAmtool(['check-config', file]), runOurs(['check-config', file])]);
    if (theirs.exitCode !== 0) failures++;
    const sameReport = refusedEarlier(file) || withoutErrorText(theirs.stdout) === withoutErrorText(ours.stdout);
    if (theirs.exitCode !== ours.exitCode || !sameReport) {
      diffs.push(`${file}: amtool exit ${theirs.exitCode}, ours ${ours.exitCode}\n--- amtool\n${theirs.stdout}--- alertrouter\n${ours.stdout}`);
    }
  }
  assert.equal(diffs.length, 0, `${diffs.length} of ${files.length} files differ:\n${diffs.join('\n')}`);
  t.diagnostic(`${files.length} files, ${failures} refused by amtool`);
});

test('compat: check-config of several files at once reports each and fails if any fails', { skip: !amtool && missingOracleReason('amtool') }, async () => {
  const bad = configFiles(join(FIXTURES, 'bad')).filter((f) => !refusedEarlier(f));
  const files = [EXAMPLE, ...configFiles(join(FIXTURES, 'good')).slice(0, 10), ...bad.slice(0, 10)];
  const [theirs, ours] = await Promise.all([runAmtool(['check-config', ...files]), runOurs(['check-config', ...files])]);
  assert.equal(ours.exitCode, theirs.exitCode);
  assert.equal(withoutErrorText(ours.stdout), withoutErrorText(theirs.stdout));
});

test('compat: check-config of a missing file fails before checking anything, as amtool', { skip: !amtool && missingOracleReason('amtool') }, async () => {
  const args = ['check-config', EXAMPLE, join(FIXTURES, 'does-not-exist.yml')];
  const [theirs, ours] = await Promise.all([runAmtool(args), runOurs(args)]);
  assert.deepEqual([ours.exitCode, ours.stdout], [theirs.exitCode, theirs.stdout]);
  assert.equal(ours.exitCode, 1);
  assert.equal(ours.stdout, '');
});

test('compat: check-config departs from amtool only in the designed direction for extensions and unsupported integrations', { skip: !amtool && missingOracleReason('amtool') }, async () => {
  // extensions/: alertrouter-only options amtool refuses; unsupported/: integrations alertrouter refuses.
  for (const [folder, want] of [['extensions', { amtool: 1, ours: 0 }], ['unsupported', { amtool: 0, ours: 1 }]] as const) {
    for (const file of configFiles(join(FIXTURES, folder))) {
      const [theirs, ours] = await Promise.all([runAmtool(['check-config', file]), runOurs(['check-config', file])]);
      assert.deepEqual({ amtool: theirs.exitCode, ours: ours.exitCode }, want, file);
    }
  }
});

test('compat: check-config parses the templates a config names, as amtool does', { skip: !amtool && missingOracleReason('amtool') }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-check-templates-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const templates: Record<string, string> = {
    good: '{{ define "my.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}',
    unclosed: '{{ define "x" }}{{ .Status ',
    unknownFunc: '{{ define "y" }}{{ nosuchfunc .Status }}{{ end }}',
    noEnd: '{{ define "z" }}{{ if .Status }}yes{{ end }}',
  };
  const files: string[] = [];
  for (const [name, text] of Object.entries(templates)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, `${name}.tmpl`), text);
    const config = join(dir, `${name}.yml`);
    writeFileSync(config, `route:\n  receiver: r\nreceivers:\n  - name: r\ntemplates:\n  - '${name}/*.tmpl'\n  - 'absent/*.tmpl'\n`);
    files.push(config);
  }
  for (const file of files) {
    const [theirs, ours] = await Promise.all([runAmtool(['check-config', file]), runOurs(['check-config', file])]);
    assert.equal(ours.exitCode, theirs.exitCode, file);
    assert.equal(withoutErrorText(ours.stdout), withoutErrorText(theirs.stdout), file);
  }
});

test('check-config: routes.example.yaml passes with its summary', async () => {
  const ours = await runOurs(['check-config', EXAMPLE]);
  assert.equal(ours.exitCode, 0);
  assert.equal(
    ours.stdout,
    `Checking '${EXAMPLE}'  SUCCESS\nFound:\n - global config\n - route\n - 2 inhibit rules\n - 11 receivers\n - 0 templates\n\n`,
  );
});
