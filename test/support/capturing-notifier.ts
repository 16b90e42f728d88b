import { isResolved, type Alert } from '../../src/alert/alert.js';
import type { FlushContext } from '../../src/pipeline/context.js';
import type { Notifier } from '../../src/notify/notifier.js';

export interface SentNotification {
  readonly atMs: number;
  readonly groupKey: string;
  readonly alerts: readonly Alert[];
}

/**
 * A Notifier that records what it is asked to send. Errors queued with `failWith` are thrown
 * by the next sends, one per send, before sends succeed again.
 */
export class CapturingNotifier implements Notifier {
  readonly sent: SentNotification[] = [];
  attempts = 0;
  private readonly errors: Error[] = [];

  constructor(
    readonly integration: string,
    readonly index: number,
    readonly sendResolved: boolean,
    private readonly nowMs: () => number,
  ) {}

  failWith(...errors: Error[]): this {
    this.errors.push(...errors);
    return this;
  }

  async notify(ctx: FlushContext, alerts: readonly Alert[]): Promise<void> {
    this.attempts++;
    const err = this.errors.shift();
    if (err) throw err;
    this.sent.push({ atMs: this.nowMs(), groupKey: ctx.groupKey, alerts });
  }

  /** For each send: `name:f` / `name:r` per alert (firing / resolved as sent), e.g. [['A:f'], ['A:r']]. */
  summary(): string[][] {
    return this.sent.map((s) => s.alerts.map((a) => `${a.labels['alertname']}:${isResolved(a, s.atMs) ? 'r' : 'f'}`));
  }
}
