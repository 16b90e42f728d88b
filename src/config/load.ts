/**
 * Loads an Alertmanager configuration file as Alertmanager 0.25 does (yaml.v2 UnmarshalStrict
 * plus its checks), into the frozen Config the rest of alertrouter consumes. Anything Alertmanager
 * refuses is refused with a ConfigError naming file, line, column and key path; integrations
 * alertrouter does not run are refused too (see receivers.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { TimeInterval } from '../timeinterval/timeinterval.js';
import { rootCursor, type Cursor } from './cursor.js';
import { ConfigError } from './errors.js';
import { GlobPatternError, checkGoPattern, goGlob } from './glob.js';
import { readGlobal } from './global.js';
import { redactSecrets } from './redact.js';
import type { ResolvePath } from './httpconfig.js';
import { readNamedIntervals } from './intervals.js';
import { readMatchMap, readMatchReMap, readMatcherList } from './matchers.js';
import { readReceiver } from './receivers.js';
import { readRootRoute } from './route.js';
import type { Config, InhibitRuleConfig, ReceiverConfig } from './types.js';
import { readLabelName } from './values.js';
import { parseYamlTree } from './yamltree.js';

const TOP_KEYS = ['global', 'route', 'inhibit_rules', 'receivers', 'templates', 'mute_time_intervals', 'time_intervals'] as const;

const INHIBIT_KEYS = ['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'] as const;

function readInhibitRule(c: Cursor): InhibitRuleConfig {
  const f = c.fields(INHIBIT_KEYS, 'inhibit rule');
  if (!f) return c.fail('empty inhibit rule', 'a mapping with source and target matchers');
  return Object.freeze({
    sourceMatchers: Object.freeze([...readMatchMap(f.source_match), ...readMatchReMap(f.source_match_re), ...readMatcherList(f.source_matchers)]),
    targetMatchers: Object.freeze([...readMatchMap(f.target_match), ...readMatchReMap(f.target_match_re), ...readMatcherList(f.target_matchers)]),
    equal: Object.freeze((f.equal.list() ?? []).map(readLabelName)),
  });
}

function readReceivers(c: Cursor, read: (c: Cursor) => { receiver: ReceiverConfig; nameAt: Cursor }): ReceiverConfig[] {
  const seen = new Set<string>();
  return (c.list() ?? []).map((item) => {
    const { receiver, nameAt } = read(item);
    if (seen.has(receiver.name)) nameAt.fail(`receiver name "${receiver.name}" is not unique`, 'each receiver name once');
    seen.add(receiver.name);
    return receiver;
  });
}

function readTemplates(c: Cursor, resolve: ResolvePath): string[] {
  return (c.list() ?? []).map((item) => {
    const pattern = item.str() ?? '';
    const resolved = pattern === '' ? pattern : resolve(pattern);
    try {
      checkGoPattern(resolved);
    } catch (err) {
      if (err instanceof GlobPatternError) item.failWith(err);
      throw err;
    }
    return resolved;
  });
}

export interface LoadOptions {
  /** Shown in errors and kept as Config.sourceFile. */
  readonly sourceFile?: string;
  /** Folder that relative template globs and http_config file paths are joined with; none: left as written. */
  readonly baseDir?: string;
}

/**
 * Parses and checks configuration text; reads no files. Throws ConfigError for anything
 * Alertmanager 0.25 refuses and for integrations alertrouter does not support.
 */
export function loadConfigString(text: string, opts: LoadOptions = {}): Config {
  const file = opts.sourceFile ?? '';
  const baseDir = opts.baseDir;
  const resolve: ResolvePath = baseDir === undefined ? (p) => p : (p) => (p === '' || isAbsolute(p) ? p : join(baseDir, p));
  const root = rootCursor(parseYamlTree(text, file), file);
  const top = root.fields(TOP_KEYS, 'configuration');
  if (!top) return root.fail('no route provided in config', 'a route with at least a receiver', 'an empty document');

  const global = readGlobal(top.global, resolve);
  const receivers = readReceivers(top.receivers, (c) => readReceiver(c, global, resolve));
  const timeIntervals = new Map<string, readonly TimeInterval[]>();
  readNamedIntervals(top.mute_time_intervals, 'mute_time_intervals', timeIntervals);
  readNamedIntervals(top.time_intervals, 'time_intervals', timeIntervals);
  const route = readRootRoute(top.route, {
    receivers: new Set(receivers.map((r) => r.name)),
    timeIntervals: new Set(timeIntervals.keys()),
  });
  const inhibitRules = (top.inhibit_rules.list() ?? []).map(readInhibitRule);
  const templates = readTemplates(top.templates, resolve);

  return Object.freeze({
    global,
    route,
    receivers: Object.freeze(receivers),
    inhibitRules: Object.freeze(inhibitRules),
    timeIntervals,
    templates: Object.freeze(templates),
    templateFiles: Object.freeze([]),
    original: redactSecrets(text),
    sourceFile: file,
  });
}

/**
 * Reads the file at `path` and loads it (loadConfigString with the file's folder as base), then
 * expands the template globs with Go's filepath.Glob rules into Config.templateFiles. Reads
 * nothing else: `*_file` options are kept as paths. Throws ConfigError.
 */
export async function loadConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError({
      file: path,
      keyPath: '',
      problem: `cannot read the configuration file: ${(err as Error).message}`,
      seen: JSON.stringify(path),
      wanted: 'a readable file',
      cause: err,
    });
  }
  const config = loadConfigString(text, { sourceFile: path, baseDir: dirname(path) });
  const templateFiles: string[] = [];
  for (const pattern of config.templates) {
    if (pattern !== '') templateFiles.push(...(await goGlob(pattern)));
  }
  return Object.freeze({ ...config, templateFiles: Object.freeze(templateFiles) });
}
