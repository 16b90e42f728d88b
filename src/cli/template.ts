/**
 * `alertrouter template render`: renders a template the way notifications will, before an
 * alert needs it. Flags follow amtool's `template render` (--template.glob, --template.text,
 * --template.type, --template.data); on top, the config's own `templates:` are loaded, the
 * data can be a group held by a running alertrouter (--group / --receiver), and without data
 * a realistic sample group (firing and resolved alerts) is used.
 */
import { readFile } from 'node:fs/promises';
import { templateDataFromJson } from '../template/data.js';
import { SAMPLE_EXTERNAL_URL, sampleTemplateData } from '../template/sample.js';
import { Templates } from '../template/template.js';
import type { GoStruct } from '../template/values.js';
import { systemClock, type Clock } from '../util/clock.js';
import { AlertrouterError } from '../util/errors.js';
import { requestExt } from './ext-client.js';
import { FlagError, formatHelp, parseFlags, type FlagSpecs } from './flags.js';
import type { CliDeps } from './run.js';

const APP = 'alertrouter';
export const DEFAULT_ALERTMANAGER_URL = 'http://localhost:9093/';

/** A template render that cannot start: unreadable or malformed --template.data. */
export class TemplateRenderError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('template_render_failed', message, options);
  }
}

export const TEMPLATE_RENDER_FLAGS = {
  'config.file': { kind: 'string', help: "Configuration file whose 'templates:' are loaded (optional).", placeholder: '<file>' },
  'template.glob': { kind: 'repeated', help: 'Glob of template files loaded too, after the config\'s.', placeholder: '<glob>' },
  'template.text': { kind: 'string', help: 'The template that will be rendered.', placeholder: '<text>' },
  'template.type': { kind: 'string', default: 'text', help: 'The type of the template: text or html (html/template escaping, as email html bodies).', placeholder: '<type>' },
  'template.html': { kind: 'bool', help: 'Same as --template.type=html.' },
  'template.data': {
    kind: 'string',
    help: 'JSON file with the data to render (template.Data, as in a webhook message). Default: a built-in sample group.',
    placeholder: '<file>',
  },
  group: { kind: 'string', help: 'Render with the current alert group of this key, fetched from --alertmanager.url.', placeholder: '<group key>' },
  receiver: { kind: 'string', help: 'Render with a current alert group of this receiver, fetched from --alertmanager.url.', placeholder: '<receiver>' },
  'alertmanager.url': { kind: 'string', default: DEFAULT_ALERTMANAGER_URL, help: 'alertrouter to fetch --group / --receiver data from.', placeholder: '<url>' },
  timeout: { kind: 'duration', default: '30s', help: 'Timeout for fetching data from --alertmanager.url.' },
} as const satisfies FlagSpecs;

function templateHelp(): string {
  return formatHelp({
    usage: `${APP} template render --template.text=<text> [<flags>]`,
    description:
      'Renders a template to standard output as notifications render it: the default templates,\n' +
      "then the config's templates (--config.file), then --template.glob files. Data: a built-in\n" +
      'sample group (two firing alerts, one resolved), a JSON file (--template.data), or a group\n' +
      'held by a running alertrouter (--group or --receiver). Errors name the template, line and\n' +
      'column; exit status 1. Example:\n\n' +
      `  ${APP} template render --config.file=alertmanager.yml --template.text='{{ template "slack.default.title" . }}'`,
    specs: TEMPLATE_RENDER_FLAGS,
  });
}

/** `alertrouter template …`: only `render` exists. Resolves to the exit status. */
export async function templateCommand(argv: readonly string[], deps: CliDeps, options: { readonly clock?: Clock } = {}): Promise<number> {
  const outer = parseFlags(argv, {}, { stopAtPositional: true });
  const [sub, ...rest] = outer.rest;
  if (sub === undefined || outer.help) {
    deps.io.stdout(templateHelp());
    return 0;
  }
  if (sub !== 'render') throw new FlagError(`expected command but got ${JSON.stringify(sub)} (want "template render")`);
  const { values, positional, help } = parseFlags(rest, TEMPLATE_RENDER_FLAGS);
  if (help) {
    deps.io.stdout(templateHelp());
    return 0;
  }
  if (positional.length > 0) throw new FlagError(`unexpected ${positional[0]} (template render takes flags only)`);
  const text = values['template.text'];
  if (text === undefined) throw new FlagError('required flag --template.text not provided');
  const type = values['template.html'] ? 'html' : values['template.type'];
  if (type !== 'text' && type !== 'html') throw new FlagError(`enum value must be one of html,text, got '${type}'`);
  const sources = [values['template.data'] !== undefined, values.group !== undefined || values.receiver !== undefined];
  if (sources.every(Boolean)) throw new FlagError('give --template.data or --group/--receiver, not both');
  if (values.group !== undefined && values.receiver !== undefined) throw new FlagError('give --group or --receiver, not both');

  const globs = values['config.file'] === undefined ? [] : [...(await deps.loadConfigFile(values['config.file'])).templates];
  globs.push(...values['template.glob']);
  const templates = await Templates.load(globs);

  const nowMs = (options.clock ?? systemClock).nowMs();
  let data: GoStruct;
  if (values['template.data'] !== undefined) {
    data = await readTemplateData(values['template.data']);
  } else if (values.group !== undefined || values.receiver !== undefined) {
    const json = await requestExt({
      baseUrl: values['alertmanager.url'],
      method: 'GET',
      path: '/templates/data',
      query: { groupKey: values.group, receiver: values.receiver },
      timeoutMs: values.timeout,
    });
    data = templateDataFromJson(json);
  } else {
    data = sampleTemplateData({ nowMs, externalURL: SAMPLE_EXTERNAL_URL });
  }
  // As amtool: the output exactly as rendered, without a newline added.
  deps.io.stdout(type === 'html' ? templates.executeHtml(text, data, { nowMs }) : templates.executeText(text, data, { nowMs }));
  return 0;
}

/** template.Data from a JSON file, as amtool's --template.data reads it. */
async function readTemplateData(path: string): Promise<GoStruct> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TemplateRenderError(`--template.data: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const want = '(want template.Data as JSON, e.g. a webhook message)';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8 quotes the text around the error, newlines included; keep the message on one line.
    throw new TemplateRenderError(`--template.data ${path}: not JSON: ${(err as Error).message.replace(/\n/g, '\\n')} ${want}`, { cause: err });
  }
  try {
    return templateDataFromJson(json);
  } catch (err) {
    throw new TemplateRenderError(`--template.data ${path}: ${(err as Error).message} ${want}`, { cause: err });
  }
}
