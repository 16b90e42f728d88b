// Differential test: every fixture under test/fixtures/config/ is checked by the real
// `amtool check-config` (Alertmanager 0.25) and by our loader, and the two must agree with each
// other and with the folder the fixture sits in:
//   good/         amtool accepts, alertrouter accepts
//   bad/          amtool refuses, alertrouter refuses with a positioned ConfigError
//   unsupported/  amtool accepts, alertrouter refuses ON PURPOSE: the receiver uses an
//                 integration alertrouter cannot notify (PagerDuty, OpsGenie, …), and loading it
//                 without that integration would silently drop notifications
//   extensions/   amtool 0.25 refuses, alertrouter accepts ON PURPOSE: options of later
//                 Alertmanager releases (webhook url_file 0.26, timeout 0.28, UTF-8 matchers 0.27)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verdicts } from './amtool.js';

const ROOT = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const FOLDERS = ['good', 'bad', 'unsupported', 'extensions'] as const;

function fixtures(folder: string): string[] {
  return readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(ROOT, folder, f));
}

it('config fixtures: at least 30, covering every folder', () => {
  const counts = FOLDERS.map((f) => fixtures(f).length);
  assert.ok(counts.reduce((a, b) => a + b, 0) >= 30, `only ${counts.join('+')} fixtures`);
  for (const [i, n] of counts.entries()) assert.ok(n > 0, `no fixtures in ${FOLDERS[i]}/`);
});

describe('config compat with amtool check-config: good/ (both accept)', () => {
  for (const file of fixtures('good')) {
    it(file.slice(ROOT.length), async (t) => {
      const v = await verdicts(t, file);
      if (!v) return;
      assert.ok(v.amtoolAccepts, `amtool refuses a good/ fixture: move it to bad/\n${v.amtoolOutput}`);
      assert.equal(v.ours, undefined, `amtool accepts but alertrouter refuses: ${v.ours?.message}`);
    });
  }
});

describe('config compat with amtool check-config: bad/ (both refuse)', () => {
  for (const file of fixtures('bad')) {
    it(file.slice(ROOT.length), async (t) => {
      const v = await verdicts(t, file);
      if (!v) return;
      assert.ok(!v.amtoolAccepts, `amtool accepts a bad/ fixture: move it to good/\n${v.amtoolOutput}`);
      const err = v.ours;
      assert.ok(err, `amtool refuses (${v.amtoolOutput}) but alertrouter accepts`);
      assert.equal(err.code, 'bad_config');
      assert.equal(err.file, file);
      assert.ok(err.line !== undefined && err.line >= 1, `no line in: ${err.message}`);
      assert.ok(err.message.startsWith(`${file}:${err.line}:`), err.message);
    });
  }
});

describe('config compat: unsupported/ (amtool accepts, alertrouter refuses the integration on purpose)', () => {
  for (const file of fixtures('unsupported')) {
    it(file.slice(ROOT.length), async (t) => {
      const v = await verdicts(t, file);
      if (!v) return;
      assert.ok(v.amtoolAccepts, `amtool refuses an unsupported/ fixture, so it shows nothing here\n${v.amtoolOutput}`);
      const err = v.ours;
      assert.ok(err, 'alertrouter accepted a receiver with an unsupported integration');
      assert.match(err.keyPath, /^receivers\[\d+\]\.[a-z]+_configs$/);
      assert.match(err.message, /receiver "[^"]+" uses [a-z]+_configs/);
      assert.match(err.message, /email_configs, slack_configs, webhook_configs/);
    });
  }
});

describe('config compat: extensions/ (amtool 0.25 refuses, alertrouter accepts newer options on purpose)', () => {
  for (const file of fixtures('extensions')) {
    it(file.slice(ROOT.length), async (t) => {
      const v = await verdicts(t, file);
      if (!v) return;
      assert.ok(!v.amtoolAccepts, `amtool 0.25 accepts an extensions/ fixture: move it to good/\n${v.amtoolOutput}`);
      assert.equal(v.ours, undefined, `alertrouter refuses: ${v.ours?.message}`);
    });
  }
});
