import { pino } from 'pino';
import type { FlushContext } from '../../src/pipeline/context.js';

/** A FlushContext for stage tests; the fields given replace the defaults. */
export function flushContext(fields: Partial<FlushContext> & { nowMs: number }): FlushContext {
  return {
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    receiverName: 'team-a',
    repeatIntervalMs: 4 * 3600_000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    signal: new AbortController().signal,
    stopRetrying: new AbortController().signal,
    logger: pino({ level: 'silent' }),
    ...fields,
  };
}
