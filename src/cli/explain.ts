/**
 * `alertrouter alert explain FINGERPRINT`: asks a running alertrouter why an alert is or is
 * not notified (GET /api/ext/v1/alerts/{fingerprint}/explain) and prints the answer: its
 * routes, groups and next flushes, what mutes it, and when each integration last notified it.
 */
import type { Explanation, ExplainedIntegration, ExplainedRoute } from '../explain/explain.js';
import { formatLabels } from '../labels/labels.js';
import { ExtClientError, requestExt } from './ext-client.js';
import { FlagError, formatHelp, parseFlags, type FlagSpecs } from './flags.js';
import type { CliDeps } from './run.js';
import { DEFAULT_ALERTMANAGER_URL } from './template.js';

const APP = 'alertrouter';

export const ALERT_EXPLAIN_FLAGS = {
  'alertmanager.url': { kind: 'string', default: DEFAULT_ALERTMANAGER_URL, help: 'alertrouter to ask.', placeholder: '<url>' },
  output: { kind: 'string', short: 'o', default: 'simple', help: 'Output format: simple or json.', placeholder: '<format>' },
  timeout: { kind: 'duration', default: '30s', help: 'How long to wait for the answer.' },
} as const satisfies FlagSpecs;

function alertHelp(): string {
  return formatHelp({
    usage: `${APP} alert explain [<flags>] <fingerprint>`,
    description:
      'Explains, from a running alertrouter, how an alert is handled right now: the routes it takes\n' +
      '(and the path to each from the root), its aggregation group on each and when that group\n' +
      'flushes next, whether it is muted and by what (silences, inhibiting alerts, the route\'s\n' +
      'time intervals now), and when each integration last notified it. The fingerprint is the one\n' +
      'GET /api/v2/alerts and `amtool alert query -o extended` show.',
    specs: ALERT_EXPLAIN_FLAGS,
    args: [['<fingerprint>', 'The alert\'s fingerprint (16 hex digits).']],
  });
}

/** `alertrouter alert …`: only `explain` exists. Resolves to the exit status. */
export async function alertCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const outer = parseFlags(argv, {}, { stopAtPositional: true });
  const [sub, ...rest] = outer.rest;
  if (sub === undefined || outer.help) {
    deps.io.stdout(alertHelp());
    return 0;
  }
  if (sub !== 'explain') throw new FlagError(`expected command but got ${JSON.stringify(sub)} (want "alert explain")`);
  const { values, positional, help } = parseFlags(rest, ALERT_EXPLAIN_FLAGS);
  if (help) {
    deps.io.stdout(alertHelp());
    return 0;
  }
  if (positional.length !== 1) throw new FlagError(`want exactly one alert fingerprint (got ${positional.length} arguments)`);
  if (values.output !== 'simple' && values.output !== 'json') throw new FlagError(`enum value must be one of json,simple, got '${values.output}'`);
  const fingerprint = positional[0]!;
  const answer = await requestExt({
    baseUrl: values['alertmanager.url'],
    method: 'GET',
    path: `/alerts/${encodeURIComponent(fingerprint)}/explain`,
    timeoutMs: values.timeout,
  });
  if (typeof answer !== 'object' || answer === null || !Array.isArray((answer as Explanation).routes)) {
    throw new ExtClientError(`alert explain: unexpected answer ${JSON.stringify(answer).slice(0, 200)}`);
  }
  const explanation = answer as Explanation;
  deps.io.stdout(values.output === 'json' ? JSON.stringify(explanation, null, 2) + '\n' : formatExplanation(explanation));
  return 0;
}

/** The explanation as text for a terminal. Pure. */
export function formatExplanation(x: Explanation): string {
  const lines: string[] = [];
  lines.push(`alert ${x.fingerprint} ${formatLabels(x.labels)}`);
  lines.push(`  ${x.resolved ? 'resolved' : 'firing'}: starts ${x.startsAt}, ends ${x.endsAt}`);
  lines.push(
    `  status: ${x.status.state}` +
      (x.status.silencedBy.length > 0 ? `, silenced by ${x.status.silencedBy.join(', ')}` : '') +
      (x.status.inhibitedBy.length > 0 ? `, inhibited by ${x.status.inhibitedBy.join(', ')}` : ''),
  );
  const muted = x.muted;
  if (!muted.muted && muted.silences.length === 0) lines.push('muted: no (no silence matches, nothing inhibits it)');
  else lines.push(`muted: ${muted.muted ? 'yes' : 'no'}`);
  for (const s of muted.silences) {
    lines.push(`  silence ${s.id} (${s.state}, ${s.startsAt} to ${s.endsAt}, by ${s.createdBy}): ${JSON.stringify(s.comment)}`);
  }
  for (const i of muted.inhibitions) lines.push(`  inhibited by inhibit_rules[${i.ruleIndex}]: alerts ${i.sources.join(', ')}`);
  if (x.routes.length === 0) lines.push('routes: none');
  x.routes.forEach((route, n) => lines.push(...formatRoute(route, n, x.routes.length)));
  return lines.join('\n') + '\n';
}

function formatRoute(route: ExplainedRoute, n: number, of: number): string[] {
  const lines = [`route ${n + 1} of ${of}: ${route.id} → receiver ${route.receiver}`];
  lines.push(`  path: ${route.path.map((p) => `${p.matchers} ${p.receiver}${p.continue ? ' (continue)' : ''}`).join(' → ')}`);
  const groupBy = route.groupBy === '...' ? '...' : `[${route.groupBy.join(', ')}]`;
  lines.push(`  group_by ${groupBy}, group_wait ${route.groupWait}, group_interval ${route.groupInterval}, repeat_interval ${route.repeatInterval}`);
  const g = route.group;
  if (g) {
    const next = g.nextFlushAt === null ? 'no further flush' : `next flush ${g.nextFlushAt}`;
    lines.push(`  group ${g.groupKey}: ${g.alerts} alert${g.alerts === 1 ? '' : 's'}, ${next}${g.flushing ? ' (flushing now)' : ''}`);
  } else {
    lines.push('  group: none (not grouped on this route now)');
  }
  const ti = route.timeIntervals;
  const named = [...ti.mute.map((i) => `mute ${i.name}=${i.now ? 'now' : 'not now'}`), ...ti.active.map((i) => `active ${i.name}=${i.now ? 'now' : 'not now'}`)];
  lines.push(`  time intervals: ${ti.mutedNow ? 'MUTED' : 'not muted'}, ${ti.reason}${named.length > 0 ? ` (${named.join(', ')})` : ''}`);
  for (const i of route.integrations) lines.push(`  ${formatIntegration(i)}`);
  if (route.integrations.length === 0) lines.push('  no integrations (the receiver sends nothing)');
  return lines;
}

function formatIntegration(i: ExplainedIntegration): string {
  const parts: string[] = [];
  const last = i.lastGroupNotification;
  parts.push(last ? `group last notified ${last.at}${last.alertSentAs ? ` (this alert as ${last.alertSentAs})` : ' (without this alert)'}` : 'group never notified');
  if (i.lastAttempt) {
    const a = i.lastAttempt;
    parts.push(`last attempt ${a.at} ${a.outcome} (attempt ${a.attempt})${a.error !== undefined ? `: ${a.error}` : ''}`);
  }
  if (i.lastSuccess && i.lastSuccess.at !== i.lastAttempt?.at) parts.push(`last success ${i.lastSuccess.at}`);
  return `${i.name}: ${parts.join('; ')}`;
}
