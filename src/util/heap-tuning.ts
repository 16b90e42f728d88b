/**
 * Keeps V8's young generation at its initial size instead of letting it grow to two 16 MiB
 * semi-spaces (the daemon's default: main.ts calls it before loading the rest).
 *
 * Why: V8 grows the young generation under allocation pressure (module loading is enough) and
 * shrinks it only after ~5 s of low allocation, at a later GC; both semi-spaces stay resident.
 * An idle daemon used ~32 MiB of its ~100 MiB RSS for them. Pinned small, ingest measured no
 * throughput loss with 100k+ held alerts (held alerts leave the young generation anyway, and
 * garbage dies as cheaply in a small one); the cost is more, shorter scavenges.
 *
 * The flag is set after V8 started; V8 reads it at each young-generation growth. An operator's
 * own --max-semi-space-size / --semi-space-growth-factor (command line or NODE_OPTIONS) wins.
 */
import { setFlagsFromString } from 'node:v8';

const FLAG = '--semi-space-growth-factor=1';
let pinned = false;

/** Stops the young generation from growing, unless the operator configured it. */
export function pinYoungGeneration(): void {
  const userFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (/semi[-_]space/.test(userFlags)) return;
  setFlagsFromString(FLAG);
  pinned = true;
}

/**
 * A starting worker thread re-applies the command line's V8 flags (they are per process), which
 * undoes pinYoungGeneration; call this once the worker is online. Does nothing when nothing was pinned.
 */
export function repinAfterWorkerStart(): void {
  if (pinned) setFlagsFromString(FLAG);
}
