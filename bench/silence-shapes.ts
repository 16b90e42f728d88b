/**
 * The silences and alerts bench/silences.ts (daemons over HTTP) and bench/silence-muter.ts (the
 * silencer alone, in-process) both use, so their figures talk about the same data.
 */
import type { Labels } from '../src/labels/labels.js';
import type { SilenceMatcher } from '../src/silence/silence.js';

/**
 * The matchers of bench silence `i` (of 1,000): the shapes operators write — an equality on
 * service, an instance prefix regex (`db-N-.*`), job equality with a cluster regex, alertname
 * equality with a negative env matcher. Every 100th silences one service of the bench alerts;
 * the rest match none of them.
 */
export function benchSilenceMatchers(i: number): SilenceMatcher[] {
  if (i % 100 === 0) return [{ name: 'service', value: `svc-${i % 50}-0`, isRegex: false, isEqual: true }];
  switch (i % 4) {
    case 0:
      return [{ name: 'service', value: `svc-${i % 50}-${(i % 7) + 100}`, isRegex: false, isEqual: true }];
    case 1:
      return [{ name: 'instance', value: `db-${i}-.*`, isRegex: true, isEqual: true }];
    case 2:
      return [
        { name: 'job', value: `job-${i % 11}`, isRegex: false, isEqual: true },
        { name: 'cluster', value: `us-.*|ap-${i}`, isRegex: true, isEqual: true },
      ];
    default:
      return [
        { name: 'alertname', value: `Bench${i % 20}`, isRegex: false, isEqual: true },
        { name: 'env', value: 'prod', isRegex: false, isEqual: false },
      ];
  }
}

/** The labels of bench alert `i` of `round`: 7 labels, the instance new in every round. */
export function benchAlertLabels(round: number, i: number): Labels {
  return {
    alertname: `Bench${i % 20}`,
    service: `svc-${i % 50}-${i % 7}`,
    severity: i % 3 === 0 ? 'critical' : 'warning',
    instance: `host-${round}-${i}.example.org:9100`,
    job: `job-${i % 11}`,
    cluster: `eu-${i % 3}`,
    env: 'prod',
  };
}
