/**
 * Silences kept in SQLite and mirrored in memory. Every change is one transaction committed
 * with synchronous=FULL before the call returns, so a silence the API acknowledged survives a
 * killed process or a power cut. Reads come from memory.
 *
 * Matching is the hot path (every flush asks the silencer about every alert), so silences are
 * indexed (labels/matcher-index.ts) by the exact values and literal prefixes their matchers
 * require: an alert is checked only against the silences whose keys its label values meet,
 * plus the few the index cannot file, once per set of equal matchers. Results per fingerprint
 * are cached until the silences change (`version`).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Labels } from '../labels/labels.js';
import { matchesAll, type Matcher } from '../labels/matcher.js';
import { MatcherIndex } from '../labels/matcher-index.js';
import { StorageError, openSqlite } from '../util/sqlite.js';
import {
  SilenceError,
  compileSilenceMatchers,
  expireSilence,
  planSet,
  silenceState,
  type Silence,
  type SilenceDraft,
  type SilenceMatcher,
} from './silence.js';

/** Version of the schema below; a file written by a newer alertrouter is refused, not guessed at. */
export const SILENCES_SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  ends_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS silence_auto_expire (
  silence_id TEXT PRIMARY KEY,
  seen_firing_at_ms INTEGER
);
CREATE TABLE IF NOT EXISTS recurring_silences (
  id TEXT PRIMARY KEY,
  matchers TEXT NOT NULL,
  schedule TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  expire_when_resolved INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recurring_windows (
  recurring_id TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  silence_id TEXT NOT NULL,
  PRIMARY KEY (recurring_id, starts_at_ms)
);
`;

interface SilenceRow {
  id: string;
  matchers: string;
  starts_at_ms: number;
  ends_at_ms: number;
  updated_at_ms: number;
  created_by: string;
  comment: string;
}

function rowToSilence(row: SilenceRow): Silence {
  const matchers = (JSON.parse(row.matchers) as SilenceMatcher[]).map((m) => ({
    name: m.name,
    value: m.value,
    isRegex: m.isRegex,
    isEqual: m.isEqual,
  }));
  return {
    id: row.id,
    matchers,
    startsAtMs: row.starts_at_ms,
    endsAtMs: row.ends_at_ms,
    updatedAtMs: row.updated_at_ms,
    createdBy: row.created_by,
    comment: row.comment,
  };
}

/**
 * A silence with its matchers compiled, as the index holds it. `matchers` is undefined for a
 * stored silence whose matchers no longer compile (see compileStored): it matches nothing.
 */
interface Compiled {
  readonly silence: Silence;
  readonly matchers: readonly Matcher[] | undefined;
}

/** Silences whose matchers are the same, as the index holds them. */
interface SameMatchers {
  readonly matchers: readonly Matcher[];
  readonly silences: Compiled[];
}

/** The silences matching one label set now: IDs sorted, and the state version they come from. */
export interface SilenceMatch {
  readonly activeIds: readonly string[];
  readonly pendingIds: readonly string[];
  readonly version: number;
}

/** Extra behaviour stored beside an Alertmanager silence (alertrouter's extension). */
export interface SilenceExtras {
  /** Expire the silence once the alerts it matched have resolved (see autoexpire.ts). */
  readonly expireWhenResolved?: boolean;
}

/** A silence that expires itself once resolved, and since when it was seen matching a firing alert. */
export interface AutoExpireEntry {
  readonly silenceId: string;
  readonly seenFiringAtMs: number | undefined;
}

export interface SilenceRepositoryOptions {
  /** Makes silence IDs; crypto.randomUUID (UUID v4) unless a test needs fixed ones. */
  readonly newId?: () => string;
  /** Where stored silences that cannot be applied any more are reported. */
  readonly logger?: Pick<Logger, 'warn'>;
}

/**
 * A stored silence's matchers, compiled; undefined when they do not compile (an earlier version
 * stored a regex that fails once anchored, e.g. an unclosed `\Q`). Such a silence is kept, listed
 * and can be expired, but silences nothing: refusing to start would lose every other silence.
 */
function compileStored(silence: Silence, logger: Pick<Logger, 'warn'> | undefined): Matcher[] | undefined {
  try {
    return compileSilenceMatchers(silence.matchers);
  } catch (err) {
    logger?.warn(
      { silence: silence.id, err },
      `stored silence ${silence.id} has a matcher that does not compile; it is kept and listed but silences nothing (expire it and create a valid one)`,
    );
    return undefined;
  }
}

// Per-fingerprint results are dropped wholesale beyond this many (alerts come and go).
const MATCH_CACHE_MAX = 200_000;

/**
 * Silences in a SQLite file (created with its folders as needed), plus the tables of the
 * recurring-silence and expire-when-resolved extensions. Throws StorageError when the file
 * cannot be opened or was written by a newer schema.
 */
export class SilenceRepository {
  /** The open database; recurring-store.ts keeps its tables in the same file. */
  readonly db: Database.Database;
  private readonly newId: () => string;
  private readonly logger: Pick<Logger, 'warn'> | undefined;
  private readonly byId = new Map<string, Compiled>();
  private readonly autoExpire = new Map<string, number | undefined>();
  private versionCounter = 0;

  // Matching index, rebuilt lazily after a change.
  private indexVersion = -1;
  private indexBuiltAtMs = 0;
  private index = new MatcherIndex<SameMatchers>([]);
  private matchCache = new Map<string, readonly Compiled[]>();

  private readonly stmts: {
    upsert: Database.Statement;
    remove: Database.Statement;
    upsertAuto: Database.Statement;
    removeAuto: Database.Statement;
  };

  constructor(path: string, options: SilenceRepositoryOptions = {}) {
    this.newId = options.newId ?? randomUUID;
    this.logger = options.logger;
    // FULL: a silence is rare and must survive power loss once acknowledged.
    this.db = openSqlite(path, { synchronous: 'FULL' });
    try {
      this.migrate(path);
      this.stmts = {
        upsert: this.db.prepare(
          `INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, updated_at_ms, created_by, comment)
           VALUES (@id, @matchers, @startsAtMs, @endsAtMs, @updatedAtMs, @createdBy, @comment)
           ON CONFLICT(id) DO UPDATE SET matchers = excluded.matchers, starts_at_ms = excluded.starts_at_ms,
             ends_at_ms = excluded.ends_at_ms, updated_at_ms = excluded.updated_at_ms,
             created_by = excluded.created_by, comment = excluded.comment`,
        ),
        remove: this.db.prepare('DELETE FROM silences WHERE id = ?'),
        upsertAuto: this.db.prepare(
          `INSERT INTO silence_auto_expire (silence_id, seen_firing_at_ms) VALUES (?, ?)
           ON CONFLICT(silence_id) DO UPDATE SET seen_firing_at_ms = excluded.seen_firing_at_ms`,
        ),
        removeAuto: this.db.prepare('DELETE FROM silence_auto_expire WHERE silence_id = ?'),
      };
      // In write order (see list()); rowid stands in for the order of writes within a millisecond.
      for (const row of this.db.prepare('SELECT * FROM silences ORDER BY updated_at_ms, rowid').all() as SilenceRow[]) {
        const silence = rowToSilence(row);
        this.byId.set(silence.id, { silence, matchers: compileStored(silence, options.logger) });
      }
      const autoRows = this.db.prepare('SELECT silence_id, seen_firing_at_ms FROM silence_auto_expire').all() as {
        silence_id: string;
        seen_firing_at_ms: number | null;
      }[];
      for (const row of autoRows) this.autoExpire.set(row.silence_id, row.seen_firing_at_ms ?? undefined);
    } catch (err) {
      this.db.close();
      if (err instanceof StorageError) throw err;
      throw new StorageError(`silences database "${path}": ${(err as Error).message}`, { cause: err });
    }
  }

  private migrate(path: string): void {
    this.db.exec(SCHEMA);
    const row = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    if (row === undefined) {
      this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SILENCES_SCHEMA_VERSION);
    } else if (row.version > SILENCES_SCHEMA_VERSION) {
      throw new StorageError(
        `silences database "${path}": schema version ${row.version} was written by a newer alertrouter (this one reads up to ${SILENCES_SCHEMA_VERSION})`,
      );
    }
  }

  /** Increments on every change to the silences; lets callers skip work when nothing changed. */
  get version(): number {
    return this.versionCounter;
  }

  /** The silence with this id, if stored (expired ones too, until garbage-collected). */
  get(id: string): Silence | undefined {
    return this.byId.get(id)?.silence;
  }

  /**
   * Every stored silence, least recently written first. Listing uses this order to break ties
   * between equal times, which Alertmanager's nanosecond clock rarely has.
   */
  list(): Silence[] {
    return [...this.byId.values()].map((c) => c.silence);
  }

  /** The extension settings stored for the silence. */
  extras(id: string): SilenceExtras {
    return this.autoExpire.has(id) ? { expireWhenResolved: true } : {};
  }

  /**
   * Creates or updates a silence by Alertmanager's rules (silence.ts planSet) in one transaction;
   * returns the id it is stored under (new when the silence was replaced). `extras` apply to
   * the stored silence; an in-place update keeps the ones it had unless given. Throws
   * SilenceError (not found, invalid) before anything is written.
   */
  set(draft: SilenceDraft, options: { readonly nowMs: number; readonly extras?: SilenceExtras }): string {
    const prev = draft.id ? this.get(draft.id) : undefined;
    const plan = planSet(draft, { prev, nowMs: options.nowMs, newId: this.newId });
    const id = plan.silence.id;
    // Clients that do not know the extension (amtool) post updates without it: keep it, also
    // for a replacement. Whether a firing alert was seen is kept only while the matchers stay.
    const expireWhenResolved = options.extras?.expireWhenResolved ?? (prev !== undefined && this.autoExpire.has(prev.id));
    const seenFiringAtMs = plan.kind === 'update' ? this.autoExpire.get(id) : undefined;
    this.transaction(() => {
      if (plan.kind === 'create' && plan.expire) this.write(plan.expire);
      this.write(plan.silence);
      if (expireWhenResolved) this.stmts.upsertAuto.run(id, seenFiringAtMs ?? null);
      else this.stmts.removeAuto.run(id);
    });
    if (plan.kind === 'create' && plan.expire) this.remember(plan.expire);
    this.remember(plan.silence);
    if (expireWhenResolved) this.autoExpire.set(id, seenFiringAtMs);
    else this.autoExpire.delete(id);
    this.changed();
    return plan.silence.id;
  }

  /**
   * Expires the silence now (Alertmanager's Expire); already expired is a no-op. Throws
   * SilenceError `silence_not_found` for an unknown id.
   */
  expire(id: string, nowMs: number): void {
    const current = this.get(id);
    if (current === undefined) throw new SilenceError('silence_not_found', 'silence not found');
    const expired = expireSilence(current, nowMs);
    if (expired === undefined) return;
    this.transaction(() => this.write(expired));
    this.remember(expired);
    this.changed();
  }

  /**
   * Deletes silences that ended at least `retentionMs` before `nowMs` (Alertmanager's GC with
   * --data.retention), with their extension rows; returns how many were removed.
   */
  gc(nowMs: number, retentionMs: number): number {
    const doomed = this.list().filter((s) => s.endsAtMs + retentionMs <= nowMs);
    if (doomed.length === 0) return 0;
    this.transaction(() => {
      for (const s of doomed) {
        this.stmts.remove.run(s.id);
        this.stmts.removeAuto.run(s.id);
      }
    });
    for (const s of doomed) {
      this.byId.delete(s.id);
      this.autoExpire.delete(s.id);
    }
    this.changed();
    return doomed.length;
  }

  /** Silences that expire themselves once resolved, with what was recorded about them. */
  autoExpireEntries(): AutoExpireEntry[] {
    return [...this.autoExpire].map(([silenceId, seenFiringAtMs]) => ({ silenceId, seenFiringAtMs }));
  }

  /** Records that an expire-when-resolved silence matched a firing alert (kept across restarts). */
  markSeenFiring(id: string, atMs: number): void {
    if (!this.autoExpire.has(id) || this.autoExpire.get(id) !== undefined) return;
    this.stmts.upsertAuto.run(id, atMs);
    this.autoExpire.set(id, atMs);
  }

  /** The active and pending silences whose matchers all match the label set at `nowMs`. */
  match(labels: Labels, options: { readonly nowMs: number; readonly fingerprint?: string }): SilenceMatch {
    const candidates = this.matchingSilences(labels, options);
    const activeIds: string[] = [];
    const pendingIds: string[] = [];
    for (const c of candidates) {
      const state = silenceState(c.silence, options.nowMs);
      if (state === 'active') activeIds.push(c.silence.id);
      else if (state === 'pending') pendingIds.push(c.silence.id);
    }
    activeIds.sort();
    pendingIds.sort();
    return { activeIds, pendingIds, version: this.versionCounter };
  }

  /** IDs of the active silences matching the label set at `nowMs`, sorted. */
  silencedBy(labels: Labels, nowMs: number): string[] {
    return [...this.match(labels, { nowMs }).activeIds];
  }

  /** Closes the database; the repository must not be used afterwards. */
  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one transaction (runs nested ones inside the outer one). */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  /** Silences matching the labels, ignoring time except that silences expired at index build are left out. */
  private matchingSilences(labels: Labels, options: { readonly nowMs: number; readonly fingerprint?: string }): readonly Compiled[] {
    // Expired silences are left out of the index built at indexBuiltAtMs; a query about an
    // earlier time (tests, clock steps) must see them again.
    if (this.indexVersion !== this.versionCounter || options.nowMs < this.indexBuiltAtMs) this.rebuildIndex(options.nowMs);
    const key = options.fingerprint;
    if (key !== undefined) {
      const cached = this.matchCache.get(key);
      if (cached) return cached;
    }
    // The index only narrows (each group at most once); the matchers decide.
    const out: Compiled[] = [];
    this.index.candidates(labels, (group) => {
      if (matchesAll(group.matchers, labels)) out.push(...group.silences);
    });
    if (key !== undefined) {
      if (this.matchCache.size >= MATCH_CACHE_MAX) this.matchCache.clear();
      this.matchCache.set(key, out);
    }
    return out;
  }

  private rebuildIndex(nowMs: number): void {
    // Silences with the same matchers (re-created ones, a recurring silence's windows) are
    // confirmed once for all of them.
    const groups = new Map<string, SameMatchers>();
    for (const c of this.byId.values()) {
      if (silenceState(c.silence, nowMs) === 'expired' || c.matchers === undefined) continue;
      const key = JSON.stringify(c.matchers.map((m) => [m.type, m.name, m.value]));
      const group = groups.get(key);
      if (group) group.silences.push(c);
      else groups.set(key, { matchers: c.matchers, silences: [c] });
    }
    this.index = new MatcherIndex([...groups.values()].map((group) => ({ item: group, matchers: group.matchers })));
    this.matchCache = new Map();
    this.indexVersion = this.versionCounter;
    this.indexBuiltAtMs = nowMs;
  }

  private write(s: Silence): void {
    this.stmts.upsert.run({
      id: s.id,
      matchers: JSON.stringify(s.matchers),
      startsAtMs: s.startsAtMs,
      endsAtMs: s.endsAtMs,
      updatedAtMs: s.updatedAtMs,
      createdBy: s.createdBy,
      comment: s.comment,
    });
  }

  private remember(s: Silence): void {
    // Delete first so that the Map's order stays the order of writes.
    this.byId.delete(s.id);
    this.byId.set(s.id, { silence: s, matchers: compileStored(s, this.logger) });
  }

  private changed(): void {
    this.versionCounter++;
  }
}
