// The template set notifiers render with: alertrouter's default templates plus the
// operator's template files, executed as Alertmanager does (text/template for text fields,
// html/template for email HTML bodies).

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { goGlob } from '../config/glob.js';
import { isEmptyTree, type Tree } from './ast.js';
import { BUILTINS } from './builtins.js';
import { DEFAULT_TEMPLATES } from './default.js';
import { TemplateError } from './errors.js';
import { EscapeError, executeTree, type TemplateFunc } from './exec.js';
import { ALERTMANAGER_FUNCS } from './funcs.js';
import { HtmlEscaper } from './html.js';
import { parseTemplate } from './parser.js';
import { fromJs } from './values.js';

export { TemplateError } from './errors.js';

const FUNCS: ReadonlyMap<string, TemplateFunc> = new Map([...BUILTINS, ...ALERTMANAGER_FUNCS]);
const hasFunction = (name: string): boolean => FUNCS.has(name);

/** A named template source, e.g. one file. */
export interface TemplateSource {
  /** The name its top-level template gets (Go uses a file's base name). */
  readonly name: string;
  readonly text: string;
}

export interface ExecuteOptions {
  /** "Now" for time functions such as `since`; pass the flush time. Defaults to the wall clock. */
  readonly nowMs?: number;
  /** Output beyond this many characters fails the execution (default 16 MiB). */
  readonly maxOutputBytes?: number;
}

// Go's associate(): a later definition replaces an earlier one, unless it is empty.
function addTrees(into: Map<string, Tree>, trees: ReadonlyMap<string, Tree>): void {
  for (const [name, tree] of trees) {
    const existing = into.get(name);
    if (existing !== undefined && isEmptyTree(tree.root)) continue;
    into.set(name, tree);
  }
}

const PARSE_CACHE_LIMIT = 512;

/**
 * A set of parsed templates: the defaults (`email.default.subject`, `slack.default.title`, …)
 * overridden by the loaded sources, in order. Immutable once built.
 */
export class Templates {
  // Texts executed against this set, parsed once (notifier texts come from the config).
  private readonly parsed = new Map<string, Map<string, Tree>>();

  private constructor(private readonly trees: ReadonlyMap<string, Tree>) {}

  /**
   * Loads the default templates, then every file the globs match (Go's filepath.Glob; a glob
   * matching nothing is skipped, as Alertmanager does). Throws TemplateError naming the file,
   * line and column of a parse error, or the file that cannot be read.
   */
  static async load(globs: readonly string[]): Promise<Templates> {
    const sources: TemplateSource[] = [];
    for (const glob of globs) {
      if (glob === '') continue;
      for (const path of await goGlob(glob)) {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (err) {
          throw new TemplateError('template_parse', `template: cannot read ${path}: ${(err as Error).message}`, {
            templateName: basename(path),
            line: 0,
            column: 0,
            cause: err,
          });
        }
        sources.push({ name: basename(path), text });
      }
    }
    return Templates.fromStrings(sources);
  }

  /** Builds the set from in-memory sources on top of the defaults; throws TemplateError on a parse error. */
  static fromStrings(sources: readonly TemplateSource[] = []): Templates {
    const trees = new Map<string, Tree>();
    // Alertmanager parses its default files into the unnamed top-level template.
    addTrees(trees, parseTemplate(DEFAULT_TEMPLATES, { name: '', hasFunction }));
    for (const s of sources) addTrees(trees, parseTemplate(s.text, { name: s.name, hasFunction }));
    return new Templates(trees);
  }

  /** Names of all defined templates, sorted. */
  names(): string[] {
    return [...this.trees.keys()].filter((n) => n !== '').sort();
  }

  /**
   * Executes `text` as a text/template against `data` (typically buildTemplateData's result;
   * plain JS objects and arrays also work). "" renders as "". Throws TemplateError.
   */
  executeText(text: string, data: unknown, options: ExecuteOptions = {}): string {
    return this.execute(text, data, options, false);
  }

  /** Like executeText, with html/template's contextual escaping (email HTML bodies). */
  executeHtml(text: string, data: unknown, options: ExecuteOptions = {}): string {
    return this.execute(text, data, options, true);
  }

  private execute(text: string, data: unknown, options: ExecuteOptions, html: boolean): string {
    if (text === '') return '';
    let own = this.parsed.get(text);
    if (own === undefined) {
      own = parseTemplate(text, { name: '', hasFunction });
      if (this.parsed.size >= PARSE_CACHE_LIMIT) this.parsed.clear();
      this.parsed.set(text, own);
    }
    const top = own.get('');
    const templates = new Map(this.trees);
    addTrees(templates, own);
    if (top === undefined) return '';
    const escaper = html ? new HtmlEscaper() : undefined;
    const out = executeTree(top, fromJs(data), {
      templates,
      funcs: FUNCS,
      nowMs: options.nowMs ?? Date.now(),
      escaper,
      maxOutputBytes: options.maxOutputBytes,
    });
    try {
      escaper?.finish();
    } catch (e) {
      if (!(e instanceof EscapeError)) throw e;
      throw new TemplateError('template_exec', `html/template: ${e.message}`, { templateName: '', line: 0, column: 0 });
    }
    return out;
  }
}
