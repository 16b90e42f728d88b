/**
 * Inhibition as Alertmanager 0.25 does it: a firing alert matching a rule's source matchers
 * mutes alerts matching its target matchers when every `equal` label has the same value on
 * both (an absent label counts as the empty value, so absent on both is equal). An alert that
 * matches both sides of a rule is not inhibited by sources that also match both sides, so an
 * alert never inhibits itself and two such alerts do not inhibit each other.
 *
 * Per rule, the source alerts are indexed by their `equal` label values, so deciding about
 * one alert looks only at the sources it could be equal to.
 */
import { isResolved, type Alert } from '../alert/alert.js';
import type { InhibitRuleConfig } from '../config/types.js';
import { fingerprint, type Labels } from '../labels/labels.js';
import { matchesAll } from '../labels/matcher.js';
import type { Muter } from '../pipeline/stage.js';
import type { AlertStoreListener } from '../store/alerts.js';
import type { Clock } from '../util/clock.js';

function labelValue(labels: Labels, name: string): string {
  // hasOwn: `labels.constructor` must not read as a value.
  return Object.hasOwn(labels, name) ? labels[name]! : '';
}

/** The values of the rule's `equal` labels as one string key ('' for an absent label). */
export function equalKey(equal: readonly string[], labels: Labels): string {
  return JSON.stringify(equal.map((n) => labelValue(labels, n)));
}

/** Source alerts a rule may be inhibited by; candidates(labels) yields those with the same `equal` values. */
export interface SourceCandidates {
  candidates(targetLabels: Labels): Iterable<Alert>;
}

/**
 * The alerts matching one rule's source matchers, keyed by their `equal` label values.
 * Resolved alerts stay until removed (as in Alertmanager's source cache); deciders skip them.
 */
export class RuleSources implements SourceCandidates {
  readonly rule: InhibitRuleConfig;
  private readonly byKey = new Map<string, Map<string, Alert>>();
  private readonly keyOf = new Map<string, string>();

  constructor(rule: InhibitRuleConfig) {
    this.rule = rule;
  }

  /** Takes in the alert's latest version if it matches the source side; ignores it otherwise. */
  offer(alert: Alert): void {
    if (!matchesAll(this.rule.sourceMatchers, alert.labels)) return;
    const key = equalKey(this.rule.equal, alert.labels);
    let bucket = this.byKey.get(key);
    if (!bucket) this.byKey.set(key, (bucket = new Map()));
    bucket.set(alert.fingerprint, alert);
    this.keyOf.set(alert.fingerprint, key);
  }

  /** Forgets the alert with this fingerprint (it was garbage-collected). */
  remove(fp: string): void {
    const key = this.keyOf.get(fp);
    if (key === undefined) return;
    this.keyOf.delete(fp);
    const bucket = this.byKey.get(key)!;
    bucket.delete(fp);
    if (bucket.size === 0) this.byKey.delete(key);
  }

  candidates(targetLabels: Labels): Iterable<Alert> {
    return this.byKey.get(equalKey(this.rule.equal, targetLabels))?.values() ?? [];
  }

  get size(): number {
    return this.keyOf.size;
  }
}

/**
 * Fingerprints (sorted) of the firing source alerts that inhibit a label set under one rule;
 * empty when the label set does not match the rule's target side or nothing inhibits it.
 */
export function inhibitingSources(
  rule: InhibitRuleConfig,
  target: { readonly labels: Labels; readonly sources: SourceCandidates; readonly nowMs: number },
): string[] {
  if (!matchesAll(rule.targetMatchers, target.labels)) return [];
  const targetIsSource = matchesAll(rule.sourceMatchers, target.labels);
  const out: string[] = [];
  for (const source of target.sources.candidates(target.labels)) {
    if (isResolved(source, target.nowMs)) continue;
    if (!rule.equal.every((n) => labelValue(source.labels, n) === labelValue(target.labels, n))) continue;
    if (!matchesAll(rule.sourceMatchers, source.labels)) continue;
    if (targetIsSource && matchesAll(rule.targetMatchers, source.labels)) continue;
    out.push(source.fingerprint);
  }
  return out.sort();
}

/** The alert store as the inhibitor reads it (store/alerts.ts AlertStore satisfies it). */
export interface InhibitorAlertSource {
  list(): Iterable<Alert>;
  subscribe(listener: AlertStoreListener): () => void;
}

/** Where the verdict is recorded (store/marker.ts AlertMarker satisfies it). */
export interface InhibitMarker {
  setInhibited(fingerprint: string, inhibitedBy: readonly string[]): void;
}

export interface InhibitorOptions {
  readonly rules: readonly InhibitRuleConfig[];
  readonly alerts: InhibitorAlertSource;
  readonly marker: InhibitMarker;
  readonly clock: Clock;
}

/**
 * The inhibiting Muter. Follows the alert store from construction on (current alerts, then
 * every put and gc); `close` stops following. Rules are tried in order and the first that
 * inhibits decides; like Alertmanager, the marker records one inhibiting alert (here the one
 * with the smallest fingerprint, so the answer is stable).
 */
export class Inhibitor implements Muter {
  private readonly rules: readonly RuleSources[];
  private readonly marker: InhibitMarker;
  private readonly clock: Clock;
  private readonly unsubscribe: () => void;

  constructor(options: InhibitorOptions) {
    this.rules = options.rules.map((r) => new RuleSources(r));
    this.marker = options.marker;
    this.clock = options.clock;
    // The store tells listeners synchronously, so subscribing and then listing misses nothing.
    this.unsubscribe = options.alerts.subscribe({
      onPut: (alert) => this.offer(alert),
      onGc: (removed) => {
        for (const a of removed) for (const r of this.rules) r.remove(a.fingerprint);
      },
    });
    for (const alert of options.alerts.list()) this.offer(alert);
  }

  mutes(labels: Labels, labelsFingerprint?: string): boolean {
    const fp = labelsFingerprint ?? fingerprint(labels);
    const nowMs = this.clock.nowMs();
    for (const sources of this.rules) {
      const inhibiting = inhibitingSources(sources.rule, { labels, sources, nowMs });
      if (inhibiting.length > 0) {
        this.marker.setInhibited(fp, [inhibiting[0]!]);
        return true;
      }
    }
    this.marker.setInhibited(fp, []);
    return false;
  }

  /**
   * Every rule (by position in inhibit_rules) that inhibits the label set now, with all of its
   * inhibiting alerts' fingerprints, sorted. Unlike mutes(), marks nothing (for explain).
   */
  inhibitions(labels: Labels): Array<{ readonly ruleIndex: number; readonly sources: readonly string[] }> {
    const nowMs = this.clock.nowMs();
    const out: Array<{ ruleIndex: number; sources: string[] }> = [];
    this.rules.forEach((sources, ruleIndex) => {
      const inhibiting = inhibitingSources(sources.rule, { labels, sources, nowMs });
      if (inhibiting.length > 0) out.push({ ruleIndex, sources: inhibiting });
    });
    return out;
  }

  /** Stops following the alert store (the inhibitor is being replaced, e.g. on reload). */
  close(): void {
    this.unsubscribe();
  }

  private offer(alert: Alert): void {
    for (const r of this.rules) r.offer(alert);
  }
}
