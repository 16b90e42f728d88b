/**
 * The orders Alertmanager presents alerts and groups in: notifications list alerts by `job`,
 * then `instance`, then label set (types.AlertSlice); /api/v2/alerts/groups lists groups by
 * group labels, then receiver (dispatch.AlertGroups).
 */
import type { Alert } from '../alert/alert.js';
import { compareStrings, type Labels } from '../labels/labels.js';

const OVERRIDE_LABELS = ['job', 'instance'] as const;

/**
 * Prometheus' LabelSet.Before as a comparator: fewer labels first; otherwise the first label
 * name (over both sets, sorted) where they differ decides — missing sorts first, then by value.
 */
export function compareLabelSets(a: Labels, b: Labels): number {
  const na = Object.keys(a);
  const nb = Object.keys(b);
  if (na.length !== nb.length) return na.length - nb.length;
  const names = [...new Set([...na, ...nb])].sort(compareStrings);
  for (const name of names) {
    const va = Object.hasOwn(a, name) ? a[name] : undefined;
    const vb = Object.hasOwn(b, name) ? b[name] : undefined;
    if (va === vb) continue;
    if (va === undefined) return -1;
    if (vb === undefined) return 1;
    return compareStrings(va, vb);
  }
  return 0;
}

/** Alertmanager's notification order: alerts with `job` (then `instance`) first, sorted by it; then by label set. */
export function compareAlerts(a: Alert, b: Alert): number {
  for (const name of OVERRIDE_LABELS) {
    const va = Object.hasOwn(a.labels, name) ? a.labels[name] : undefined;
    const vb = Object.hasOwn(b.labels, name) ? b.labels[name] : undefined;
    if (va === undefined && vb === undefined) continue;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    if (va !== vb) return compareStrings(va, vb);
  }
  return compareLabelSets(a.labels, b.labels);
}
