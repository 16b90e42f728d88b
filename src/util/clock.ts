/** Time source injected everywhere that waits, so tests move time instead of sleeping. */
export interface Clock {
  nowMs(): number;
  /** Calls `fn` once after `delayMs`; returns a function that cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
}

/** The wall clock and Node's timers. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(t);
  },
};
