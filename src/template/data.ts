// The data Alertmanager hands to notification templates (its template.Data, KV, Pairs,
// Alert, Alerts), with the same methods (.SortedPairs .Names .Values .Remove .Firing
// .Resolved) and the same derivation of status, CommonLabels and CommonAnnotations.

import { isResolved, NO_END_MS, type Alert } from '../alert/alert.js';
import { compareStrings, sortedLabelNames, type Labels } from '../labels/labels.js';
import { fixedZone, GoTime, UTC } from './gotime.js';
import { GoMap, GoSlice, GoStruct, methods, T_STRING, T_STRINGS, type GoType, type GoValue } from './values.js';

function strings(items: readonly string[]): GoSlice {
  return new GoSlice(T_STRINGS, items);
}

function pairName(p: GoValue): string {
  return (p as GoStruct).fields.get('Name') as string;
}
function pairValue(p: GoValue): string {
  return (p as GoStruct).fields.get('Value') as string;
}

export const T_PAIR: GoType = {
  name: 'template.Pair',
  kind: 'struct',
  named: true,
  underlying: 'struct { Name string; Value string }',
  fields: ['Name', 'Value'],
};

export const T_PAIRS: GoType = {
  name: 'template.Pairs',
  kind: 'slice',
  named: true,
  underlying: '[]template.Pair',
  elem: T_PAIR,
  methods: methods({
    Names: { params: [], impl: (_a, _e, r) => strings((r as GoSlice).items.map(pairName)) },
    Values: { params: [], impl: (_a, _e, r) => strings((r as GoSlice).items.map(pairValue)) },
  }),
};

function pair(name: string, value: string): GoStruct {
  return new GoStruct(
    T_PAIR,
    new Map([
      ['Name', name],
      ['Value', value],
    ]),
  );
}

/** KV.SortedPairs: alertname first, then the other names in byte order. */
function sortedPairs(kv: GoMap): GoSlice {
  const names = [...kv.entries.keys()].filter((k) => k !== 'alertname').sort(compareStrings);
  if (kv.entries.has('alertname')) names.unshift('alertname');
  return new GoSlice(
    T_PAIRS,
    names.map((n) => pair(n, kv.entries.get(n) as string)),
  );
}

export const T_KV: GoType = {
  name: 'template.KV',
  kind: 'map',
  named: true,
  underlying: 'map[string]string',
  elem: T_STRING,
  methods: methods({
    SortedPairs: { params: [], impl: (_a, _e, r) => sortedPairs(r as GoMap) },
    Names: { params: [], impl: (_a, _e, r) => strings(sortedPairs(r as GoMap).items.map(pairName)) },
    Values: { params: [], impl: (_a, _e, r) => strings(sortedPairs(r as GoMap).items.map(pairValue)) },
    Remove: {
      params: [T_STRINGS],
      impl: (a, _e, r) => {
        const drop = new Set((a[0] as GoSlice).items as readonly string[]);
        const kept = new Map([...(r as GoMap).entries].filter(([k]) => !drop.has(k)));
        return new GoMap(T_KV, kept);
      },
    },
  }),
};

/** A label or annotation set as the template.KV templates see. */
export function kv(labels: Labels): GoMap {
  return new GoMap(T_KV, new Map(sortedLabelNames(labels).map((n) => [n, labels[n]!])));
}

export const T_ALERT: GoType = {
  name: 'template.Alert',
  kind: 'struct',
  named: true,
  underlying: 'struct template.Alert',
  fields: ['Status', 'Labels', 'Annotations', 'StartsAt', 'EndsAt', 'GeneratorURL', 'Fingerprint'],
  jsonNames: ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'],
};

export const T_ALERT_SLICE: GoType = {
  name: '[]template.Alert',
  kind: 'slice',
  named: false,
  underlying: '[]template.Alert',
  elem: T_ALERT,
};

function byStatus(alerts: GoValue, status: string): GoSlice {
  return new GoSlice(
    T_ALERT_SLICE,
    (alerts as GoSlice).items.filter((a) => (a as GoStruct).fields.get('Status') === status),
  );
}

export const T_ALERTS: GoType = {
  name: 'template.Alerts',
  kind: 'slice',
  named: true,
  underlying: '[]template.Alert',
  elem: T_ALERT,
  methods: methods({
    Firing: { params: [], impl: (_a, _e, r) => byStatus(r, 'firing') },
    Resolved: { params: [], impl: (_a, _e, r) => byStatus(r, 'resolved') },
  }),
};

export const T_DATA: GoType = {
  name: 'template.Data',
  kind: 'struct',
  named: true,
  underlying: 'struct template.Data',
  fields: ['Receiver', 'Status', 'Alerts', 'GroupLabels', 'CommonLabels', 'CommonAnnotations', 'ExternalURL'],
  jsonNames: ['receiver', 'status', 'alerts', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL'],
};

export interface TemplateDataInput {
  /** The receiver's name as configured. */
  readonly receiver: string;
  /** The group's alerts in the order they are notified. */
  readonly alerts: readonly Alert[];
  readonly groupLabels: Labels;
  /** Alertmanager's --web.external-url. */
  readonly externalURL: string;
  /** The flush time: an alert whose end lies at or before it is resolved. */
  readonly nowMs: number;
  /**
   * global.resolve_timeout. Alertmanager stores an alert that came without endsAt with an end
   * of receipt + resolve_timeout; with this set, such alerts (`timeout`, endsAtMs NO_END_MS) resolve at
   * the same time and then show that EndsAt. Without it they stay firing.
   */
  readonly resolveTimeoutMs?: number;
  /** The group's status; by default "firing" when any alert fires, else "resolved". */
  readonly status?: 'firing' | 'resolved';
}

/** Go's regexp.QuoteMeta: Alertmanager puts the receiver name into .Receiver quoted this way. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function effectiveEndMs(a: Alert, resolveTimeoutMs: number | undefined): number {
  if (a.endsAtMs === NO_END_MS && a.timeout && resolveTimeoutMs !== undefined) return a.updatedAtMs + resolveTimeoutMs;
  return a.endsAtMs;
}

/** Labels every alert shares with the same value (Alertmanager's CommonLabels rule). */
function common(sets: readonly Labels[]): Labels {
  const [first, ...rest] = sets;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const name of Object.keys(first)) {
    const v = first[name]!;
    if (rest.every((s) => Object.hasOwn(s, name) && s[name] === v)) out[name] = v;
  }
  return out;
}

/**
 * Builds the value notification templates execute on (Alertmanager's *template.Data): the
 * receiver (regexp-quoted, as Alertmanager does), group status, alerts with their status,
 * group labels, the labels and annotations all alerts share, and the external URL.
 */
export function buildTemplateData(input: TemplateDataInput): GoStruct {
  const alerts = input.alerts.map((a) => {
    const endMs = effectiveEndMs(a, input.resolveTimeoutMs);
    const resolved = isResolved({ ...a, endsAtMs: endMs }, input.nowMs);
    return new GoStruct(
      T_ALERT,
      new Map<string, GoValue>([
        ['Status', resolved ? 'resolved' : 'firing'],
        ['Labels', kv(a.labels)],
        ['Annotations', kv(a.annotations)],
        ['StartsAt', GoTime.fromMs(a.startsAtMs)],
        // Alertmanager hides an end that has not been reached yet: firing alerts show Go's zero time.
        ['EndsAt', resolved ? GoTime.fromMs(endMs) : GoTime.zero()],
        ['GeneratorURL', a.generatorURL],
        ['Fingerprint', a.fingerprint],
      ]),
    );
  });
  const anyFiring = alerts.some((a) => a.fields.get('Status') === 'firing');
  const status = input.status ?? (anyFiring ? 'firing' : 'resolved');
  return new GoStruct(
    T_DATA,
    new Map<string, GoValue>([
      ['Receiver', quoteMeta(input.receiver)],
      ['Status', status],
      ['Alerts', new GoSlice(T_ALERTS, alerts)],
      ['GroupLabels', kv(input.groupLabels)],
      ['CommonLabels', kv(common(input.alerts.map((a) => a.labels)))],
      ['CommonAnnotations', kv(common(input.alerts.map((a) => a.annotations)))],
      ['ExternalURL', input.externalURL],
    ]),
    true,
  );
}

function jsonKv(v: unknown): GoMap {
  const out = new Map<string, GoValue>();
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v).sort(compareStrings)) out.set(k, String((v as Record<string, unknown>)[k]));
  }
  return new GoMap(T_KV, out);
}

/** Go's RFC 3339 time parsing as json.Unmarshal does it ("Z" is UTC, other offsets are unnamed zones). */
export function parseGoJsonTime(text: unknown): GoTime {
  if (typeof text !== 'string') return GoTime.zero();
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new Error(`parsing time ${JSON.stringify(text)} as RFC 3339 failed`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const offsetSec = /^[Zz]$/.test(zone!) ? 0 : (zone![0] === '-' ? -1 : 1) * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const sec = Math.floor(date.getTime() / 1000) - offsetSec;
  const nsec = Number((frac ?? '').padEnd(9, '0'));
  return new GoTime(sec, nsec, /^[Zz]$/.test(zone!) ? UTC : fixedZone('', offsetSec));
}

/**
 * template.Data from its JSON form (what `amtool template render --template.data` reads), as a
 * value rather than a pointer, like amtool passes it.
 */
export function templateDataFromJson(json: unknown): GoStruct {
  const o = (json ?? {}) as Record<string, unknown>;
  const alerts = Array.isArray(o.alerts) ? (o.alerts as Record<string, unknown>[]) : [];
  return new GoStruct(
    T_DATA,
    new Map<string, GoValue>([
      ['Receiver', String(o.receiver ?? '')],
      ['Status', String(o.status ?? '')],
      [
        'Alerts',
        new GoSlice(
          T_ALERTS,
          alerts.map(
            (a) =>
              new GoStruct(
                T_ALERT,
                new Map<string, GoValue>([
                  ['Status', String(a.status ?? '')],
                  ['Labels', jsonKv(a.labels)],
                  ['Annotations', jsonKv(a.annotations)],
                  ['StartsAt', parseGoJsonTime(a.startsAt)],
                  ['EndsAt', parseGoJsonTime(a.endsAt)],
                  ['GeneratorURL', String(a.generatorURL ?? '')],
                  ['Fingerprint', String(a.fingerprint ?? '')],
                ]),
              ),
          ),
        ),
      ],
      ['GroupLabels', jsonKv(o.groupLabels)],
      ['CommonLabels', jsonKv(o.commonLabels)],
      ['CommonAnnotations', jsonKv(o.commonAnnotations)],
      ['ExternalURL', String(o.externalURL ?? '')],
    ]),
  );
}
