import type { Clock } from './clock.js';

/** Calls `fn` every `intervalMs` on `clock` (first call one interval from now); returns a stop function. */
export function every(clock: Clock, intervalMs: number, fn: () => void): () => void {
  let stopped = false;
  let cancel = clock.setTimer(intervalMs, tick);
  function tick(): void {
    if (stopped) return;
    cancel = clock.setTimer(intervalMs, tick);
    fn();
  }
  return () => {
    stopped = true;
    cancel();
  };
}
