/**
 * `alertrouter receivers test RECEIVER`: asks a running alertrouter to send one test
 * notification through every integration of the receiver and prints how each went; exit
 * status 1 when any failed.
 */
import { readFile } from 'node:fs/promises';
import { lazy, zod } from '../util/lazy.js';
import type { TestSendOutcome } from '../notify/test-send.js';
import { AlertrouterError } from '../util/errors.js';
import { ExtClientError, requestExt } from './ext-client.js';
import { FlagError, formatHelp, parseFlags, type FlagSpecs } from './flags.js';
import type { CliDeps } from './run.js';
import { DEFAULT_ALERTMANAGER_URL } from './template.js';

const APP = 'alertrouter';

export const RECEIVERS_TEST_FLAGS = {
  'alertmanager.url': { kind: 'string', default: DEFAULT_ALERTMANAGER_URL, help: 'alertrouter to send the test notification through.', placeholder: '<url>' },
  group: { kind: 'string', help: 'Send the alerts of the current alert group with this key instead of the sample group.', placeholder: '<group key>' },
  'alerts.file': {
    kind: 'string',
    help: 'Send these alerts instead of the sample group: a JSON array as POST /api/v2/alerts takes.',
    placeholder: '<file>',
  },
  output: { kind: 'string', short: 'o', default: 'simple', help: 'Output format: simple or json.', placeholder: '<format>' },
  timeout: { kind: 'duration', default: '60s', help: 'How long to wait for the answer.' },
} as const satisfies FlagSpecs;

/** A test that could not be run: unreadable --alerts.file. */
export class ReceiversTestError extends AlertrouterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('receivers_test_failed', message, options);
  }
}

/** Built on first use (util/lazy.ts: zod is not loaded at startup). */
const schemas = lazy(() => {
  const { z } = zod();
  const outcomesSchema = z.array(
    z.object({
      integration: z.string(),
      index: z.number(),
      ok: z.boolean(),
      error: z.string().optional(),
      latencyMs: z.number(),
      alerts: z.number(),
    }),
  );
  return { outcomesSchema };
});

/**
 * One line per integration, in the receiver's order, e.g.
 * `webhook[0]  ok      3 alerts  12.5ms` or `email[0]    FAILED  3 alerts  8ms  dial tcp …`,
 * then a summary line. Pure.
 */
export function formatTestOutcomes(receiver: string, outcomes: readonly TestSendOutcome[]): string {
  if (outcomes.length === 0) return `receiver ${JSON.stringify(receiver)} has no integrations: nothing was sent\n`;
  const names = outcomes.map((o) => `${o.integration}[${o.index}]`);
  const width = Math.max(...names.map((n) => n.length));
  const lines = outcomes.map((o, i) => {
    const state = !o.ok ? 'FAILED' : o.alerts === 0 ? 'skipped' : 'ok';
    const detail = o.alerts === 0 && o.ok ? 'nothing to send (send_resolved is false)' : `${o.alerts} alert${o.alerts === 1 ? '' : 's'}  ${o.latencyMs}ms`;
    return `${names[i]!.padEnd(width)}  ${state.padEnd(7)} ${detail}${o.error !== undefined ? `  ${o.error}` : ''}`;
  });
  const failed = outcomes.filter((o) => !o.ok).length;
  lines.push(
    failed === 0
      ? `test notification to ${JSON.stringify(receiver)}: all ${outcomes.length} integration(s) succeeded`
      : `test notification to ${JSON.stringify(receiver)}: ${failed} of ${outcomes.length} integration(s) failed`,
  );
  return lines.join('\n') + '\n';
}

function receiversHelp(): string {
  return formatHelp({
    usage: `${APP} receivers test [<flags>] <receiver>`,
    description:
      'Sends one test notification through every integration of the receiver, via a running\n' +
      'alertrouter (POST /api/ext/v1/receivers/<receiver>/test), and prints how each went. The\n' +
      'alerts are a built-in sample group unless --group or --alerts.file says otherwise. Test\n' +
      'sends skip silences, inhibition and the notification log. Exit status 1 if any failed.',
    specs: RECEIVERS_TEST_FLAGS,
    args: [['<receiver>', 'Name of the receiver to test.']],
  });
}

/** `alertrouter receivers …`: only `test` exists. Resolves to the exit status. */
export async function receiversCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const outer = parseFlags(argv, {}, { stopAtPositional: true });
  const [sub, ...rest] = outer.rest;
  if (sub === undefined || outer.help) {
    deps.io.stdout(receiversHelp());
    return 0;
  }
  if (sub !== 'test') throw new FlagError(`expected command but got ${JSON.stringify(sub)} (want "receivers test")`);
  const { values, positional, help } = parseFlags(rest, RECEIVERS_TEST_FLAGS);
  if (help) {
    deps.io.stdout(receiversHelp());
    return 0;
  }
  if (positional.length !== 1) throw new FlagError(`want exactly one receiver name (got ${positional.length} arguments)`);
  const receiver = positional[0]!;
  if (values.output !== 'simple' && values.output !== 'json') throw new FlagError(`enum value must be one of json,simple, got '${values.output}'`);
  if (values.group !== undefined && values['alerts.file'] !== undefined) throw new FlagError('give --group or --alerts.file, not both');

  const body: { groupKey?: string; alerts?: unknown } = {};
  if (values.group !== undefined) body.groupKey = values.group;
  if (values['alerts.file'] !== undefined) body.alerts = await readAlertsFile(values['alerts.file']);
  const answer = await requestExt({
    baseUrl: values['alertmanager.url'],
    method: 'POST',
    path: `/receivers/${encodeURIComponent(receiver)}/test`,
    body,
    timeoutMs: values.timeout,
  });
  const parsed = schemas().outcomesSchema.safeParse(answer);
  if (!parsed.success) throw new ExtClientError(`test notification: unexpected answer ${JSON.stringify(answer).slice(0, 200)}`);
  const outcomes: TestSendOutcome[] = parsed.data;
  deps.io.stdout(values.output === 'json' ? JSON.stringify(outcomes, null, 2) + '\n' : formatTestOutcomes(receiver, outcomes));
  return outcomes.some((o) => !o.ok) ? 1 : 0;
}

async function readAlertsFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ReceiversTestError(`--alerts.file: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReceiversTestError(`--alerts.file ${path}: not JSON: ${(err as Error).message} (want an array of alerts)`, { cause: err });
  }
}
