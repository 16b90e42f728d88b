/**
 * Bounds on concurrent request handling, so a flood of requests costs a bounded amount of
 * memory: Alertmanager's --web.get-concurrency for GETs (refused with 503 beyond it), and a
 * queue in front of requests with bodies (at most `bodyConcurrency` read at once; the rest
 * wait unread, so their bytes stay in the kernel's socket buffers rather than in our heap).
 */
import { availableParallelism } from 'node:os';

/** --web.get-concurrency as Alertmanager reads it: ≤ 0 means the CPU count, at least 8. */
export function getConcurrencyLimit(flag: number): number {
  return flag > 0 ? flag : Math.max(availableParallelism(), 8);
}

/** A counting semaphore with a FIFO queue of waiters. */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** Takes a slot if one is free; returns whether it did. */
  tryAcquire(): boolean {
    if (this.inUse >= this.size) return false;
    this.inUse++;
    return true;
  }

  /** Resolves once a slot is taken (at once when one is free). */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Frees a slot, handing it to the longest waiter if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inUse--;
  }

  /** Slots taken now. */
  get used(): number {
    return this.inUse;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }
}
