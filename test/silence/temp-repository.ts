// A SilenceRepository on a SQLite file in a fresh temporary folder, closed (again, if the test
// closed it: that is harmless) and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SilenceRepository } from '../../src/silence/repository.js';

type Cleanup = { after(fn: () => void): void };

/** Path of a database file in a temporary folder removed after the test. */
export function tempDbPath(t: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-silences-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'silences.db');
}

/** Opens a repository on `path` (a new temporary file by default), closed after the test. */
export function openTempRepository(t: Cleanup, path = tempDbPath(t)): { path: string; repo: SilenceRepository } {
  const repo = new SilenceRepository(path);
  t.after(() => repo.close());
  return { path, repo };
}
