import { NO_END_MS, type Alert } from '../../src/alert/alert.js';
import { fingerprint, type Labels } from '../../src/labels/labels.js';

/** An Alert as the API edge would hand it over; times default to "firing since t=startsAtMs". */
export function makeAlert(fields: {
  labels: Labels;
  startsAtMs: number;
  endsAtMs?: number;
  updatedAtMs?: number;
  timeout?: boolean;
  annotations?: Labels;
}): Alert {
  return {
    labels: fields.labels,
    annotations: fields.annotations ?? {},
    startsAtMs: fields.startsAtMs,
    endsAtMs: fields.endsAtMs ?? NO_END_MS,
    generatorURL: '',
    updatedAtMs: fields.updatedAtMs ?? fields.startsAtMs,
    timeout: fields.timeout ?? false,
    fingerprint: fingerprint(fields.labels),
  };
}
