import { AlertrouterError } from '../util/errors.js';

export type TemplateErrorCode = 'template_parse' | 'template_exec';

/**
 * A template that does not parse (`template_parse`) or fails while executing
 * (`template_exec`). The message reads like Go's text/template errors, e.g.
 * `template: default.tmpl:3:14: unexpected "}" in operand` or
 * `template: :1:3: executing "" at <.Foo>: can't evaluate field Foo in type *template.Data`.
 * `line` and `column` are 1-based line and 0-based byte column as Go counts them; 0 when unknown.
 */
export class TemplateError extends AlertrouterError {
  readonly templateName: string;
  readonly line: number;
  readonly column: number;
  constructor(
    code: TemplateErrorCode,
    message: string,
    where: { templateName: string; line: number; column: number; cause?: unknown },
  ) {
    super(code, message, where.cause === undefined ? undefined : { cause: where.cause });
    this.templateName = where.templateName;
    this.line = where.line;
    this.column = where.column;
  }
}

const utf8 = new TextEncoder();

/** 1-based line and Go's byte column (bytes since the last newline) of UTF-16 offset `pos` in `text`. */
export function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line, column: utf8.encode(before.slice(lineStart)).length };
}
