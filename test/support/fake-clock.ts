import type { Clock } from '../../src/util/clock.js';

interface Timer {
  readonly dueMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A Clock whose time moves only when a test says so. `advance` fires due timers in order
 * (by due time, then by when they were set), moving `nowMs` to each timer's due time, and
 * lets promise chains started by a timer settle before the next one fires.
 */
export class FakeClock implements Clock {
  private now: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(startMs = Date.UTC(2024, 0, 15, 12, 0, 0)) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: Timer = { dueMs: this.now + Math.max(0, delayMs), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const next = this.nextDue();
      if (!next || next.dueMs > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.now = next.dueMs;
      next.fn();
      await settle();
    }
    this.now = target;
    await settle();
  }

  /** Due times of the timers still set, soonest first (for assertions about scheduling). */
  pendingDueTimes(): number[] {
    return [...this.timers].sort(byDue).map((t) => t.dueMs);
  }

  private nextDue(): Timer | undefined {
    return [...this.timers].sort(byDue)[0];
  }
}

function byDue(a: Timer, b: Timer): number {
  return a.dueMs - b.dueMs || a.seq - b.seq;
}

/** Lets queued promise callbacks (and the ones they queue, a few levels deep) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
