import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { templateDataFromJson } from '../../src/template/data.js';
import { TemplateError } from '../../src/template/errors.js';
import { Templates } from '../../src/template/template.js';
import { GoFunc, T_STRING } from '../../src/template/values.js';
import { FIXTURE, HTML_CASES, TEXT_CASES, type Case } from './cases.js';

const templates = Templates.fromStrings();
const data = templateDataFromJson(FIXTURE);

/** Renders a case; errors come back as "ERR <message>" with the TemplateError. */
function render(c: Case): { out: string; err?: TemplateError } {
  try {
    const out = c.mode === 'html' ? templates.executeHtml(c.tmpl, data) : templates.executeText(c.tmpl, data);
    return { out };
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
    return { out: 'ERR ' + e.message, err: e };
  }
}

/** Go's parse error `template: name:line: msg` with alertrouter's column added. */
function withColumn(goMessage: string, column: number): string {
  return goMessage.replace(/^(ERR template: [^:]*:\d+):/, `$1:${column}:`);
}

function check(c: Case): void {
  const { out, err } = render(c);
  if (c.column !== undefined) {
    assert.equal(out, withColumn(c.want, c.column));
    assert.equal(err?.code, 'template_parse');
    assert.equal(err?.column, c.column);
    assert.equal(err?.line, Number(/^ERR template: [^:]*:(\d+):/.exec(c.want)![1]));
    return;
  }
  assert.equal(out, c.want);
  if (c.want.startsWith('ERR ')) assert.equal(err?.code, 'template_exec');
}

describe('text/template language, functions and errors as Alertmanager renders them', () => {
  for (const c of TEXT_CASES) test(c.name, () => check(c));
});

describe('html/template escaping as Alertmanager renders it', () => {
  for (const c of HTML_CASES) test(c.name, () => check(c));
});

describe('execution errors carry their position', () => {
  test('line and column point at the failing node, in bytes', () => {
    const { err } = render({ name: '', tmpl: 'é\nab {{ .Nope }}', want: '' });
    assert.equal(err?.line, 2);
    assert.equal(err?.column, 6);
    assert.equal(err?.templateName, '');
  });

  test('an error inside a template file names the file', () => {
    const t = Templates.fromStrings([{ name: 'team.tmpl', text: '{{ define "x" }}\n\n  {{ .Nope }}{{ end }}' }]);
    assert.throws(
      () => t.executeText('{{ template "x" . }}', data),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message === 'template: team.tmpl:3:5: executing "x" at <.Nope>: can\'t evaluate field Nope in type template.Data' &&
        e.templateName === 'team.tmpl' &&
        e.line === 3 &&
        e.column === 5,
    );
  });
});

describe('execution is bounded and safe', () => {
  test('recursive templates stop at the depth limit', () => {
    assert.throws(
      () => templates.executeText('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', data),
      /executing "r" at <\{\{template "r" \.\}\}>: exceeded maximum template depth \(1000\)/,
    );
  });

  test('output beyond the size limit fails instead of growing without bound', () => {
    const t = '{{ define "a" }}xxxxxxxxxx{{ end }}{{ define "b" }}{{ template "a" }}{{ template "a" }}{{ template "a" }}{{ template "a" }}{{ end }}{{ range .Alerts }}{{ template "b" }}{{ end }}';
    assert.equal(templates.executeText(t, data).length, 120);
    assert.throws(() => templates.executeText(t, data, { maxOutputBytes: 100 }), /output exceeds the limit of 100 bytes/);
  });

  test('plain objects expose only their own keys, never prototype members', () => {
    const plain = { a: { b: 'x' }, list: [1, 'two'] };
    assert.equal(templates.executeText('{{ .a.b }} {{ .list }} {{ len .list }}', plain), 'x [1 two] 2');
    assert.equal(templates.executeText('[{{ .constructor }}][{{ .a.toString }}][{{ .__proto__ }}]', plain), '[<no value>][<no value>][<no value>]');
    assert.throws(() => templates.executeText('{{ .list.length }}', plain), /can't evaluate field length in type \[\]interface \{\}/);
  });

  test('an empty template renders nothing, like Alertmanager', () => {
    assert.equal(templates.executeText('', data), '');
    assert.equal(templates.executeHtml('', data), '');
  });

  test('call invokes a function value from the data, checking its arguments', () => {
    const upper = new GoFunc('upper', { params: [T_STRING], impl: (a) => String(a[0]).toUpperCase() });
    assert.equal(templates.executeText('{{ call .f "x" }}', { f: upper }), 'X');
    assert.throws(() => templates.executeText('{{ call .f 1 }}', { f: upper }), /error calling call: arg 0: value has type int; should be string/);
    assert.throws(() => templates.executeText('{{ call .f }}', { f: upper }), /error calling call: wrong number of args: got 0 want 1/);
    assert.throws(() => templates.executeText('{{ call .s }}', { s: 'x' }), /error calling call: non-function of type string/);
  });

  test('else with chains like Go 1.23', () => {
    assert.equal(templates.executeText('{{ with .CommonAnnotations.x }}a{{ else with .Status }}{{ . }}{{ else }}c{{ end }}', data), 'firing');
  });
});
