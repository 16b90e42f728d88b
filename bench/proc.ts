/**
 * Measuring a benchmarked server process from outside (Linux /proc), shared by the benches that
 * start daemons: CPU time of all its threads, waiting until it is idle, RSS.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** User + system CPU time of a process (all threads), in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
}

/** User + system CPU time of a process's main thread and of all its other threads, in ms. */
export function cpuMsByThread(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      if (tid === String(pid)) main += ms;
      else others += ms;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return { main, others };
}

/** The process's CPU time once it has gone idle (under one tick in 300 ms), or after 10 s. */
export async function cpuMsOnceIdle(pid: number): Promise<number> {
  let last = cpuMs(pid);
  for (let i = 0; i < 33; i++) {
    await sleep(300);
    const now = cpuMs(pid);
    if (now - last < 10) return now;
    last = now;
  }
  return last;
}

/** Resident set size of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
