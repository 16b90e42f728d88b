/**
 * The alert persistence's journal, pure: what one change to the held alerts is recorded as,
 * and how replaying the records rebuilds the held alerts.
 *
 * Why record POST bodies rather than the alerts they became: encoding each stored alert cost
 * more CPU than everything else ingest does with it (measured ~13 of ~27 µs per alert, the
 * writer thread included). A body is recorded as the text it arrived as, with the time and the
 * resolve_timeout it was taken in with; replaying it runs the same decoding and merging again,
 * which are pure, so it yields the same alerts. The journal is compacted now and then into a
 * snapshot of the held alerts (see sqlite.ts).
 */
import { newAlert, type Alert } from '../alert/alert.js';
import { combineOnPut } from './merge.js';

/** A POST body the held alerts were merged with, and what it was taken in with. */
export interface PostedBody {
  /** The request body as received (JSON text). */
  readonly body: string;
  /** The time the alerts were prepared and merged at. */
  readonly nowMs: number;
  /** global.resolve_timeout in force then (alerts without endsAt end after it). */
  readonly resolveTimeoutMs: number;
}

/** Turns a recorded body into the valid alerts it held, as the API did (api/v2/postable.ts). */
export type BodyDecoder = (posted: PostedBody) => readonly Alert[];

/** One recorded change, in the order the changes happened. */
export type JournalEntry =
  /** Alerts decoded from a body, merged into what was held at `nowMs`. */
  | { readonly kind: 'post'; readonly posted: PostedBody }
  /** Alerts stored as they are (already merged), replacing what was held under their fingerprints. */
  | { readonly kind: 'set'; readonly alerts: readonly Alert[] }
  /** Fingerprints no longer held. */
  | { readonly kind: 'delete'; readonly fingerprints: readonly string[] };

/** An entry with its place in the journal (ascending, never reused). */
export interface SequencedEntry {
  readonly seq: number;
  readonly entry: JournalEntry;
}

/** How many bytes an entry roughly takes in the journal (what compaction is triggered by). */
export function entryBytes(entry: JournalEntry): number {
  switch (entry.kind) {
    case 'post':
      return entry.posted.body.length;
    case 'set': {
      let bytes = 0;
      for (const a of entry.alerts) bytes += 200 + labelBytes(a.labels) + labelBytes(a.annotations) + a.generatorURL.length;
      return bytes;
    }
    case 'delete':
      return entry.fingerprints.length * 20;
  }
}

function labelBytes(labels: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const name in labels) bytes += name.length + labels[name]!.length + 6;
  return bytes;
}

/**
 * Applies one entry to `held` (fingerprint → alert) as the store did when it happened. Throws,
 * leaving `held` as it was, when a 'post' entry has no decoder or its body does not decode.
 */
export function replayEntry(held: Map<string, Alert>, entry: JournalEntry, decode: BodyDecoder | undefined): void {
  switch (entry.kind) {
    case 'post': {
      if (!decode) throw new Error('the journal holds POST bodies, but no decoder was given to replay them');
      for (const incoming of decode(entry.posted)) {
        const before = held.get(incoming.fingerprint);
        held.set(incoming.fingerprint, before ? combineOnPut(before, incoming, entry.posted.nowMs) : incoming);
      }
      return;
    }
    case 'set':
      for (const a of entry.alerts) held.set(a.fingerprint, newAlert(a));
      return;
    case 'delete':
      for (const fp of entry.fingerprints) held.delete(fp);
      return;
  }
}
