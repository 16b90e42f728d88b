import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TemplateError, Templates } from '../../src/template/template.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertrouter-tmpl-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.tmpl'), '{{ define "team.title" }}A {{ .Status }}{{ end }}');
  writeFileSync(join(dir, 'b.tmpl'), '{{ define "team.title" }}B {{ .Status }}{{ end }}{{ define "__subject" }}subject from b{{ end }}');
  writeFileSync(join(dir, '.hidden.tmpl'), '{{ define "hidden" }}seen{{ end }}');
  writeFileSync(join(dir, 'sub', 'c.tmpl'), '{{ define "c" }}C{{ end }}');
  writeFileSync(join(dir, 'notes.txt'), '{{ define "txt" }}T{{ end }}');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('Templates.load', () => {
  test('loads matching files in name order; later definitions win, defaults can be overridden', async () => {
    const t = await Templates.load([join(dir, '*.tmpl')]);
    assert.equal(t.executeText('{{ template "team.title" . }}', { Status: 'firing' }), 'B firing');
    assert.equal(t.executeText('{{ template "email.default.subject" . }}', {}), 'subject from b');
    assert.ok(t.names().includes('slack.default.title'));
  });

  test('glob stars match dot files but never cross a folder', async () => {
    const t = await Templates.load([join(dir, '*.tmpl')]);
    assert.equal(t.executeText('{{ template "hidden" }}', {}), 'seen');
    assert.throws(() => t.executeText('{{ template "c" }}', {}), /template "c" not defined/);
    const sub = await Templates.load([join(dir, '*', '*.tmpl')]);
    assert.equal(sub.executeText('{{ template "c" }}', {}), 'C');
  });

  test('several globs load in order; a glob matching nothing is skipped', async () => {
    const t = await Templates.load([join(dir, 'b.tmpl'), join(dir, 'nothing-*.tmpl'), join(dir, 'a.tmpl')]);
    assert.equal(t.executeText('{{ template "team.title" . }}', { Status: 'x' }), 'A x');
  });

  test('with no globs only the defaults exist', async () => {
    const t = await Templates.load([]);
    assert.deepEqual(
      t.names().filter((n) => !n.startsWith('__')),
      [
        'email.default.html',
        'email.default.subject',
        'slack.default.callbackid',
        'slack.default.fallback',
        'slack.default.footer',
        'slack.default.iconemoji',
        'slack.default.iconurl',
        'slack.default.pretext',
        'slack.default.text',
        'slack.default.title',
        'slack.default.titlelink',
        'slack.default.username',
      ],
    );
  });

  test('a parse error names the file, line and column', async () => {
    const bad = join(dir, 'bad', 'broken.tmpl');
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(bad, '{{ define "x" }}\nok\n  {{ if .Status }}\n{{ end }}');
    await assert.rejects(Templates.load([bad]), (e: unknown) => {
      assert.ok(e instanceof TemplateError);
      assert.equal(e.code, 'template_parse');
      assert.equal(e.message, 'template: broken.tmpl:4:9: unexpected EOF');
      assert.equal(e.templateName, 'broken.tmpl');
      assert.deepEqual([e.line, e.column], [4, 9]);
      return true;
    });
    writeFileSync(bad, 'x\ny {{ .A | nope }}');
    await assert.rejects(Templates.load([bad]), { message: 'template: broken.tmpl:2:10: function "nope" not defined' });
  });

  test('a malformed glob is refused', async () => {
    await assert.rejects(Templates.load([join(dir, '[')]), { code: 'bad_glob' });
  });
});

describe('Templates.fromStrings', () => {
  test('defines from the executed text are visible to it only', () => {
    const t = Templates.fromStrings();
    assert.equal(t.executeText('{{ define "tmp" }}x{{ end }}{{ template "tmp" }}', {}), 'x');
    assert.throws(() => t.executeText('{{ template "tmp" }}', {}), /template "tmp" not defined/);
  });

  test('an empty definition does not replace an existing one', () => {
    const t = Templates.fromStrings([
      { name: 'one', text: '{{ define "x" }}first{{ end }}' },
      { name: 'two', text: '{{ define "x" }}  {{ end }}' },
    ]);
    assert.equal(t.executeText('{{ template "x" }}', {}), 'first');
  });

  test('the same text is parsed once and executes with different data', () => {
    const t = Templates.fromStrings();
    assert.equal(t.executeText('{{ .a }}', { a: 1 }), '1');
    assert.equal(t.executeText('{{ .a }}', { a: 2 }), '2');
  });
});
