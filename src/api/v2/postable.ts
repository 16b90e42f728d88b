/**
 * POST /api/v2/alerts at the edge: the body decoded and checked in the order Alertmanager 0.25
 * does it, so the same bad body gets the same status code:
 *   1. no body → 422 (required); JSON or type errors, unparsable times → 400 `{"code":400}`;
 *   2. OpenAPI schema: `labels` required, `generatorURL` a URI → 422 (601/602) for the batch;
 *   3. per alert, after defaults: Alertmanager's `Alert.Validate` → the valid alerts are stored,
 *      the invalid ones listed in a 400 (done in prepareAlerts).
 */
import { lazy, zod } from '../../util/lazy.js';
import { newAlert, type Alert } from '../../alert/alert.js';
import { fingerprint, sortedLabelNames, type Labels } from '../../labels/labels.js';
import { intern } from '../../labels/intern.js';
import { isValidLabelName } from '../../labels/matcher.js';
import { formatApiTime, GO_ZERO_TIME_MS } from '../../util/gotime.js';
import type { PostedBody } from '../../store/journal.js';
import { ApiError } from '../errors.js';
import { parseApiTime } from './time.js';
import { isRequestUri } from './uri.js';

/** One alert of a POST body, decoded; times are undefined when unset (absent, null or Go's zero). */
export interface PostableAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAtMs: number | undefined;
  readonly endsAtMs: number | undefined;
  readonly generatorURL: string;
}

const FIELDS = ['labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL'] as const;

/** Built on first use (util/lazy.ts: zod is not loaded at startup). */
const schemas = lazy(() => {
  const { z } = zod();
  // A null value decodes as "" (Go leaves the string at its zero value), and is then treated as
  // an empty one: such a label is dropped, such an annotation kept.
  const labelSetSchema = z.record(z.string(), z.string().nullable()).nullish();
  const postableSchema = z.looseObject({
    labels: labelSetSchema,
    annotations: labelSetSchema,
    startsAt: z.string().nullish(),
    endsAt: z.string().nullish(),
    generatorURL: z.string().nullish(),
  });
  const bodySchema = z.array(postableSchema).nullable();
  return { bodySchema };
});

// Go's JSON decoder turns unpaired surrogates (`"\udcff"`) into U+FFFD; JSON.parse keeps them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

function wellFormedLabels(labels: Record<string, string | null> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels ?? {})) out[wellFormed(name)] = wellFormed(value ?? '');
  return out;
}

// Go's encoding/json matches object keys to struct fields case-insensitively (`"Labels"` fills
// `labels`); the last of several spellings wins, as in Go.
function canonicalKeys(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const field = FIELDS.find((f) => f.toLowerCase() === key.toLowerCase());
    out[field ?? key] = value;
  }
  return out;
}

// V8 names where a complete value ended when more text follows it.
const TRAILING_DATA = /after JSON at position (\d+)/;

/**
 * The body's first JSON value. Alertmanager reads the body with a streaming decoder, which
 * stops after one value and ignores whatever follows; JSON.parse would refuse it.
 */
function parseFirstJsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const end = TRAILING_DATA.exec((err as Error).message);
    if (!end) throw err;
    return JSON.parse(text.slice(0, Number(end[1])));
  }
}

function badBody(reason: string): ApiError {
  return new ApiError(400, `parsing alerts body failed: ${reason}`, { shape: 'openapi' });
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function decodeTime(value: string | null | undefined, where: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  let ms: number;
  try {
    ms = parseApiTime(value);
  } catch (err) {
    throw badBody(`${where}: ${(err as Error).message}`);
  }
  return ms === GO_ZERO_TIME_MS ? undefined : ms;
}

// Any surrogate code unit, raw or as a JSON escape: such a body takes the general path, which
// repairs lone ones. (An escaped backslash before `u` matches too; that only costs speed.)
const MAYBE_SURROGATE = /[\uD800-\uDFFF]|\\u[dD][89a-fA-F]/;
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);
const FIELD_NAMES_LOWER: ReadonlySet<string> = new Set(FIELDS.map((f) => f.toLowerCase()));
const NO_ANNOTATIONS: Labels = Object.freeze({});

/** A JSON object whose values are all strings (a well-formed label set), else undefined. */
function stringRecord(value: unknown): Labels | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const key in value) {
    // `__proto__` is an own key after JSON.parse but not after copying: leave it to the general path.
    if (typeof (value as Record<string, unknown>)[key] !== 'string' || key === '__proto__') return undefined;
  }
  return value as Labels;
}

function commonTime(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return null;
  let ms: number;
  try {
    ms = parseApiTime(value);
  } catch {
    return null;
  }
  return ms === GO_ZERO_TIME_MS ? undefined : ms;
}

/**
 * The decoding of a body every sender sends (an array of objects with the lower-case fields,
 * string label sets, valid times and URI, no surrogates), without copying the parsed label
 * sets; undefined for anything else, which the general path then decodes, refuses or repairs
 * with the messages it has. Same result as the general path wherever this one answers.
 */
function decodeCommonBody(raw: unknown, text: string): PostableAlert[] | undefined {
  if (raw === null) return [];
  if (!Array.isArray(raw) || MAYBE_SURROGATE.test(text)) return undefined;
  const out: PostableAlert[] = [];
  let lastUri: string | undefined;
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const fields = item as Record<string, unknown>;
    for (const key in fields) {
      if (!FIELD_SET.has(key) && (key === '__proto__' || FIELD_NAMES_LOWER.has(key.toLowerCase()))) return undefined;
    }
    const labels = stringRecord(fields.labels);
    if (labels === undefined) return undefined;
    const annotations = fields.annotations === undefined || fields.annotations === null ? NO_ANNOTATIONS : stringRecord(fields.annotations);
    if (annotations === undefined) return undefined;

    const startsAtMs = commonTime(fields.startsAt);
    const endsAtMs = commonTime(fields.endsAt);
    if (startsAtMs === null || endsAtMs === null) return undefined;
    const url = fields.generatorURL;
    let generatorURL = '';
    if (typeof url === 'string') {
      // Senders repeat one URL across a batch: check each distinct one once.
      if (url !== lastUri && !isRequestUri(url)) return undefined;
      lastUri = url;
      generatorURL = intern(url);
    } else if (url !== undefined && url !== null) {
      return undefined;
    }
    out.push({ labels, annotations, startsAtMs, endsAtMs, generatorURL });
  }
  return out;
}

/**
 * Decodes a POST /api/v2/alerts body (raw text, '' when absent). Throws ApiError for a body
 * Alertmanager refuses as a whole; returns the alerts otherwise (none for `null` or `[]`).
 */
export function decodePostableAlerts(text: string): PostableAlert[] {
  if (text.trim() === '') throw new ApiError(422, 'alerts in body is required', { shape: 'openapi', apiCode: 602 });
  let raw: unknown;
  try {
    raw = parseFirstJsonValue(text);
  } catch (err) {
    throw badBody((err as Error).message);
  }
  const fast = decodeCommonBody(raw, text);
  if (fast !== undefined) return fast;
  if (Array.isArray(raw)) raw = raw.map(canonicalKeys);
  const parsed = schemas().bodySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issuePath(issue.path)}: ` : 'body: ';
    throw badBody(`${where}${issue.message} (want an array of alerts with string labels, annotations, times and generatorURL)`);
  }
  const items = parsed.data ?? [];
  const decoded = items.map((item, i) => ({
    labels: item.labels,
    annotations: wellFormedLabels(item.annotations),
    startsAtMs: decodeTime(item.startsAt, `${i}.startsAt`),
    endsAtMs: decodeTime(item.endsAt, `${i}.endsAt`),
    generatorURL: wellFormed(item.generatorURL ?? ''),
  }));
  decoded.forEach((item, i) => {
    if (item.labels === null || item.labels === undefined) {
      throw new ApiError(422, `${i}.labels in body is required`, { shape: 'openapi', apiCode: 602 });
    }
    if (!isRequestUri(item.generatorURL)) {
      throw new ApiError(422, `${i}.generatorURL in body must be of type uri: ${JSON.stringify(item.generatorURL)}`, {
        shape: 'openapi',
        apiCode: 601,
      });
    }
  });
  return decoded.map((item) => ({ ...item, labels: wellFormedLabels(item.labels) }));
}

/** The outcome of prepareAlerts: alerts to store and, for the refused ones, why. */
export interface PreparedAlerts {
  readonly valid: Alert[];
  readonly errors: string[];
  /** Alerts of the body (valid or not) that end after `nowMs`, and the others (alertmanager_alerts_received_total). */
  readonly firing: number;
  readonly resolved: number;
}

function firstInvalidName(labels: Labels): string | undefined {
  return sortedLabelNames(labels).find((name) => !isValidLabelName(name));
}

// Label and annotation names repeat across alerts: remember the valid ones (bounded, cleared
// when full) so most alerts are checked without sorting names or running the name regex.
const VALID_NAMES_MAX = 10_000;
const validNames = new Set<string>();

function allNamesValid(labels: Labels): boolean {
  for (const name in labels) {
    if (validNames.has(name)) continue;
    if (!isValidLabelName(name)) return false;
    if (validNames.size >= VALID_NAMES_MAX) validNames.clear();
    validNames.add(name);
  }
  return true;
}

function isEmpty(labels: Labels): boolean {
  for (const _ in labels) return false;
  return true;
}

function validationError(alert: Omit<Alert, 'fingerprint'>): string | undefined {
  if (alert.endsAtMs < alert.startsAtMs) {
    return `start time must be before end time (startsAt ${formatApiTime(alert.startsAtMs)}, endsAt ${formatApiTime(alert.endsAtMs)})`;
  }
  const badLabel = allNamesValid(alert.labels) ? undefined : firstInvalidName(alert.labels);
  if (badLabel !== undefined) return `invalid label set: invalid name ${JSON.stringify(badLabel)} (want [a-zA-Z_][a-zA-Z0-9_]*)`;
  if (isEmpty(alert.labels)) return 'at least one label pair required';
  const badAnnotation = allNamesValid(alert.annotations) ? undefined : firstInvalidName(alert.annotations);
  if (badAnnotation !== undefined) {
    return `invalid annotations: invalid name ${JSON.stringify(badAnnotation)} (want [a-zA-Z_][a-zA-Z0-9_]*)`;
  }
  return undefined;
}

/** The labels without those whose value is empty; the same object when there are none. */
function withoutEmptyValues(labels: Labels): Labels {
  let hasEmpty = false;
  for (const name in labels) {
    if (labels[name] === '') {
      hasEmpty = true;
      break;
    }
  }
  if (!hasEmpty) return labels;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) if (value !== '') out[name] = value;
  return out;
}

/**
 * Alertmanager's ingest rules applied to decoded alerts: labels with empty values dropped;
 * startsAt unset → endsAt if set, else now; endsAt unset → now + resolve_timeout with
 * `timeout` set; then each alert validated. Pure.
 */
export function prepareAlerts(
  postables: readonly PostableAlert[],
  options: { readonly nowMs: number; readonly resolveTimeoutMs: number },
): PreparedAlerts {
  const { nowMs, resolveTimeoutMs } = options;
  const valid: Alert[] = [];
  const errors: string[] = [];
  let firing = 0;
  postables.forEach((p, i) => {
    const labels = withoutEmptyValues(p.labels);
    const startsAtMs = p.startsAtMs ?? p.endsAtMs ?? nowMs;
    const timeout = p.endsAtMs === undefined;
    const candidate = {
      labels,
      annotations: p.annotations,
      startsAtMs,
      endsAtMs: p.endsAtMs ?? nowMs + resolveTimeoutMs,
      generatorURL: p.generatorURL,
      updatedAtMs: nowMs,
      timeout,
    };
    if (candidate.endsAtMs > nowMs) firing++;
    const problem = validationError(candidate);
    if (problem !== undefined) errors.push(`alert ${i}: ${problem}`);
    else {
      valid.push(
        newAlert({
          labels,
          annotations: candidate.annotations,
          startsAtMs,
          endsAtMs: candidate.endsAtMs,
          generatorURL: candidate.generatorURL,
          updatedAtMs: nowMs,
          timeout,
          fingerprint: fingerprint(labels),
        }),
      );
    }
  });
  return { valid, errors, firing, resolved: postables.length - firing };
}

/**
 * The alerts a POST body that was taken in (and recorded by persistence) stored: the same
 * decoding and ingest rules at the same time, so replaying the body rebuilds them exactly.
 */
export function decodePostedBody(posted: PostedBody): Alert[] {
  return prepareAlerts(decodePostableAlerts(posted.body), posted).valid;
}
