/**
 * `alertrouter routes show` and `alertrouter routes test`: the routing tree and where a label set
 * goes, printed exactly as `amtool config routes show|test` prints them. Pure: text in, text out.
 */
import type { Labels } from '../labels/labels.js';
import { formatMatchers, matchesAll } from '../labels/matcher.js';
import { parseClassicMatcher } from '../labels/parse.js';
import type { Route } from '../dispatch/route.js';
import { AlertrouterError } from '../util/errors.js';
import { formatTree, type TreeNode } from './treeprint.js';

/** A `label=value` argument that amtool would refuse too. */
export class LabelArgError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_label_arg', message, options);
  }
}

/**
 * Reads `routes test` label arguments as amtool 0.25 does: each is a matcher in the classic
 * syntax (`a=b`, `a="b c"`, spaces around `=` allowed) that must use `=`; a later duplicate wins.
 */
export function parseLabelArgs(args: readonly string[]): Labels {
  const labels: Record<string, string> = {};
  for (const arg of args) {
    let matcher;
    try {
      matcher = parseClassicMatcher(arg);
    } catch (err) {
      throw new LabelArgError(`Failed to parse labels: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (matcher.type !== '=') {
      throw new LabelArgError(`Failed to parse labels: labels must be specified as key=value pairs (got ${JSON.stringify(arg)})`);
    }
    labels[matcher.name] = matcher.value;
  }
  return labels;
}

// amtool's branch text: the matchers (or `default-route` when there are none), then optional parts.
function slug(route: Route, opts: { showContinue: boolean; showReceiver: boolean }): string {
  let s = route.matchers.length === 0 ? 'default-route' : formatMatchers(route.matchers);
  if (opts.showContinue && route.continue) s += '  continue: true';
  if (opts.showReceiver) s += `  receiver: ${route.receiver}`;
  return s;
}

function fullTree(route: Route): TreeNode {
  return { value: slug(route, { showContinue: true, showReceiver: true }), children: route.routes.map(fullTree) };
}

/** `routes show`: every route with its matchers, `continue` and receiver. */
export function formatRoutesShow(root: Route): string {
  return 'Routing tree:\n' + formatTree([fullTree(root)]) + '\n';
}

// The branch of the tree a label set walks; the routes it ends on carry their receiver.
function matchingTree(route: Route, labels: Labels): TreeNode {
  const children: TreeNode[] = [];
  for (const child of route.routes) {
    if (!matchesAll(child.matchers, labels)) continue;
    children.push(matchingTree(child, labels));
    if (!child.continue) break;
  }
  return { value: slug(route, { showContinue: false, showReceiver: children.length === 0 }), children };
}

export interface RoutesTestOptions {
  /** Print the matching branch of the tree before the receivers (`--tree`). */
  readonly tree: boolean;
  /** `--verify.receivers`: the comma-joined receivers expected; '' for no check. */
  readonly verifyReceivers: string;
}

export interface RoutesTestResult {
  readonly stdout: string;
  /** 0, or 1 when the receivers differ from `verifyReceivers`. */
  readonly exitCode: number;
  /** The receivers in tree order, duplicates kept as amtool keeps them. */
  readonly receivers: readonly string[];
}

/** `routes test`: the receivers the label set is routed to, comma-joined, as amtool prints them. */
export function routesTest(root: Route, labels: Labels, options: RoutesTestOptions): RoutesTestResult {
  let stdout = '';
  if (options.tree) stdout += 'Matching routes:\n' + formatTree([matchingTree(root, labels)]) + '\n\n';
  const receivers = root.match(labels).map((r) => r.receiver);
  const joined = receivers.join(',');
  stdout += joined + '\n';
  if (options.verifyReceivers !== '' && options.verifyReceivers !== joined) {
    return { stdout: stdout + 'WARNING: Expected receivers did not match resolved receivers.\n', exitCode: 1, receivers };
  }
  return { stdout, exitCode: 0, receivers };
}
