/**
 * Things built on first use rather than at startup. The daemon must answer within half a second
 * of launch; importing zod alone takes ~50-70 ms of that, and only request bodies off the
 * common path (silences, try-out requests, odd alert bodies) and some CLI commands need it.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

const requireModule = createRequire(import.meta.url);
let zodModule: typeof Zod | undefined;

/** The zod module, loaded (synchronously) on the first call. */
export function zod(): typeof Zod {
  zodModule ??= requireModule('zod') as typeof Zod;
  return zodModule;
}

/** A function returning `build()`'s result, built on its first call and remembered. */
export function lazy<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
