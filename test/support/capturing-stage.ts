import type { Alert } from '../../src/alert/alert.js';
import type { FlushContext } from '../../src/pipeline/context.js';
import type { Stage } from '../../src/pipeline/stage.js';

export interface CapturedFlush {
  readonly ctx: FlushContext;
  readonly alerts: readonly Alert[];
}

/**
 * A Stage that records every flush it is given. `fail` makes the next calls reject;
 * `hold()` makes the next call wait until the returned function is called.
 */
export class CapturingStage implements Stage {
  readonly calls: CapturedFlush[] = [];
  fail: Error | undefined;
  private gate: Promise<void> | undefined;

  async exec(ctx: FlushContext, alerts: readonly Alert[]): Promise<readonly Alert[]> {
    this.calls.push({ ctx, alerts });
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate;
    if (this.fail) throw this.fail;
    return alerts;
  }

  /** The next exec waits until the returned release function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return release;
  }

  /** alertname labels of each call's alerts, e.g. [['A'], ['A', 'B']]. */
  names(): string[][] {
    return this.calls.map((c) => c.alerts.map((a) => a.labels['alertname'] ?? ''));
  }
}
