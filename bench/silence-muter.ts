/**
 * node --import tsx bench/silence-muter.ts — the silencer alone, in-process: µs per mutes() call
 * for new alerts (each fingerprint seen for the first time, as in the first flush of new alerts)
 * and for alerts asked about again (the per-fingerprint cache), against the 1,000 silences of
 * bench/silences.ts, next to the same alerts against no silences. Small enough to run beside
 * other work; it measures CPU on one thread, not ingest.
 *
 * Env: BENCH_MUTER_ALERTS (label sets per round, default 20000), BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, type Labels } from '../src/labels/labels.js';
import { silencer } from '../src/silence/muter.js';
import { SilenceRepository } from '../src/silence/repository.js';
import { AlertMarker } from '../src/store/marker.js';
import { benchAlertLabels, benchSilenceMatchers } from './silence-shapes.js';

const ALERTS = Number(process.env.BENCH_MUTER_ALERTS ?? 20_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SILENCES = 1000;
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const clock = { nowMs: () => NOW, setTimer: () => () => {} };

function muterWith(repo: SilenceRepository) {
  return silencer({ silences: repo, marker: new AlertMarker(), clock });
}

/** µs per mutes() over the label sets, and how many were muted. */
function time(muter: ReturnType<typeof muterWith>, alerts: readonly (readonly [Labels, string])[]): [number, number] {
  let muted = 0;
  const t0 = performance.now();
  for (const [labels, fp] of alerts) if (muter.mutes(labels, fp)) muted++;
  return [((performance.now() - t0) * 1000) / alerts.length, muted];
}

const dir = mkdtempSync(join(tmpdir(), 'alertrouter-bench-muter-'));
try {
  const empty = new SilenceRepository(join(dir, 'empty.db'));
  const full = new SilenceRepository(join(dir, 'full.db'));
  full.transaction(() => {
    for (let i = 0; i < SILENCES; i++) {
      full.set({ matchers: benchSilenceMatchers(i), startsAtMs: NOW, endsAtMs: NOW + 3_600_000, createdBy: 'bench', comment: '' }, { nowMs: NOW });
    }
  });
  const without = muterWith(empty);
  const withSilences = muterWith(full);
  console.log(`silencer alone: µs per mutes(), ${ALERTS} new label sets per round, then the same again`);
  for (let round = 0; round < ROUNDS; round++) {
    const alerts = Array.from({ length: ALERTS }, (_, i) => {
      const labels = benchAlertLabels(round, i);
      return [labels, fingerprint(labels)] as const;
    });
    const [newWithout] = time(without, alerts);
    const [newWith, muted] = time(withSilences, alerts);
    const [againWithout] = time(without, alerts);
    const [againWith] = time(withSilences, alerts);
    console.log(
      `  round ${round + 1}: new alerts ${newWithout.toFixed(2)} µs without, ${newWith.toFixed(2)} µs with ${SILENCES} silences; ` +
        `again ${againWithout.toFixed(2)} / ${againWith.toFixed(2)} µs; muted ${muted} of ${ALERTS}`,
    );
  }
  empty.close();
  full.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
