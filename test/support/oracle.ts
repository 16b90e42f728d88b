import { existsSync } from 'node:fs';

const ORACLES = {
  amtool: '/usr/bin/amtool',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  prometheus: '/usr/bin/prometheus',
} as const;

export type OracleName = keyof typeof ORACLES;

/**
 * Path of a real Prometheus/Alertmanager binary used as the oracle in compatibility tests.
 * Missing binary: under CI (CI set) this throws, so a missing install step fails loudly;
 * elsewhere it returns undefined and the caller skips with a visible reason.
 */
export function requireOracle(name: OracleName): string | undefined {
  const path = ORACLES[name];
  if (existsSync(path)) return path;
  if (process.env.CI) {
    throw new Error(`${path} is missing: .ci/run must install the Debian packages prometheus-alertmanager and prometheus`);
  }
  return undefined;
}

/** The skip reason to give node:test when an oracle is absent. */
export function missingOracleReason(name: OracleName): string {
  return `${ORACLES[name]} not installed (apt-get install prometheus-alertmanager prometheus)`;
}
