// Child process of repository.test.ts's kill -9 test: opens the silences database given as
// argv[2], then creates silences one after another, printing each id only once `set` returned
// (the acknowledgement). The parent SIGKILLs it at some point and checks every printed id.
import { writeSync } from 'node:fs';
import { SilenceRepository } from '../../src/silence/repository.js';

const path = process.argv[2]!;
const count = Number(process.argv[3] ?? '1000000');
const repo = new SilenceRepository(path);
const now = Date.now();
for (let i = 0; i < count; i++) {
  const id = repo.set(
    {
      matchers: [{ name: 'alertname', value: `Kill${i}`, isRegex: false, isEqual: true }],
      startsAtMs: now,
      endsAtMs: now + 3_600_000,
      createdBy: 'kill-test',
      comment: `#${i}`,
    },
    { nowMs: now },
  );
  // Synchronous write: the line is out before the next silence is even started.
  writeSync(1, `${id}\n`);
}
