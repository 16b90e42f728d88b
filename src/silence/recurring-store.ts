/**
 * Recurring silences kept in the silences database, and the materializer that turns their
 * windows into ordinary silences (createdBy `recurring-silence:<id>`). Each window is made
 * once: the window's start is recorded, so a window expired by hand is not made again.
 *
 * Deleting a recurring silence expires all its windows that are not over yet, the open one
 * included: deleting the schedule means "stop silencing this", e.g. a cancelled maintenance.
 * (To keep the current window, create a plain silence for its remainder first.)
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../util/clock.js';
import type { SilenceRepository } from './repository.js';
import {
  validateRecurringSpec,
  windowCreatedBy,
  windowsBetween,
  windowsToMaterialize,
  type RecurringSilence,
  type RecurringSilenceSpec,
  type SilenceWindow,
} from './recurring.js';
import { silenceState, type SilenceMatcher } from './silence.js';

interface RecurringRow {
  id: string;
  matchers: string;
  schedule: string;
  duration_ms: number;
  time_zone: string;
  created_by: string;
  comment: string;
  expire_when_resolved: number;
  created_at_ms: number;
}

function rowToRecurring(row: RecurringRow): RecurringSilence {
  return {
    id: row.id,
    matchers: JSON.parse(row.matchers) as SilenceMatcher[],
    schedule: row.schedule,
    durationMs: row.duration_ms,
    timeZone: row.time_zone,
    createdBy: row.created_by,
    comment: row.comment,
    expireWhenResolved: row.expire_when_resolved !== 0,
    createdAtMs: row.created_at_ms,
  };
}

export interface RecurringSilencesOptions {
  /** Its database holds the recurring tables too (created with the silences schema). */
  readonly repository: SilenceRepository;
  readonly clock: Clock;
  /** How far ahead windows become silences; default 24h. */
  readonly lookaheadMs?: number;
  /** Not-yet-started windows made ahead per recurring silence; default 1 (the next one). */
  readonly maxPendingWindows?: number;
  readonly newId?: () => string;
}

const DAY_MS = 24 * 3_600_000;

/** Recurring silences: create, list, get, delete, and materialize their windows. */
export class RecurringSilences {
  private readonly repo: SilenceRepository;
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly lookaheadMs: number;
  private readonly maxPendingWindows: number;
  private readonly newId: () => string;

  constructor(options: RecurringSilencesOptions) {
    this.repo = options.repository;
    this.db = options.repository.db;
    this.clock = options.clock;
    this.lookaheadMs = options.lookaheadMs ?? DAY_MS;
    this.maxPendingWindows = options.maxPendingWindows ?? 1;
    this.newId = options.newId ?? randomUUID;
  }

  /**
   * Validates and stores a recurring silence, then makes its due windows at once. Throws
   * RecurringSilenceError for an invalid spec.
   */
  create(spec: RecurringSilenceSpec): RecurringSilence {
    const nowMs = this.clock.nowMs();
    validateRecurringSpec(spec, nowMs);
    const recurring: RecurringSilence = { ...spec, schedule: spec.schedule.trim(), id: this.newId(), createdAtMs: nowMs };
    this.db
      .prepare(
        `INSERT INTO recurring_silences (id, matchers, schedule, duration_ms, time_zone, created_by, comment, expire_when_resolved, created_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        recurring.id,
        JSON.stringify(recurring.matchers),
        recurring.schedule,
        recurring.durationMs,
        recurring.timeZone,
        recurring.createdBy,
        recurring.comment,
        recurring.expireWhenResolved ? 1 : 0,
        recurring.createdAtMs,
      );
    this.materializeOne(recurring, nowMs);
    return recurring;
  }

  get(id: string): RecurringSilence | undefined {
    const row = this.db.prepare('SELECT * FROM recurring_silences WHERE id = ?').get(id) as RecurringRow | undefined;
    return row && rowToRecurring(row);
  }

  /** All recurring silences, oldest first. */
  list(): RecurringSilence[] {
    const rows = this.db.prepare('SELECT * FROM recurring_silences ORDER BY created_at_ms, id').all() as RecurringRow[];
    return rows.map(rowToRecurring);
  }

  /** IDs of the silences made from this recurring silence's windows, by window start. */
  windowSilenceIds(id: string): string[] {
    const rows = this.db
      .prepare('SELECT silence_id FROM recurring_windows WHERE recurring_id = ? ORDER BY starts_at_ms')
      .all(id) as { silence_id: string }[];
    return rows.map((r) => r.silence_id);
  }

  /** The next `count` windows open at or after `nowMs` (the open one first, if any). */
  nextWindows(recurring: RecurringSilence, options: { readonly nowMs: number; readonly count: number }): SilenceWindow[] {
    return windowsBetween(recurring, { fromMs: options.nowMs, toMs: Number.MAX_SAFE_INTEGER, limit: options.count });
  }

  /**
   * Deletes the recurring silence and expires its windows' silences that are not over yet;
   * returns false when there is no such recurring silence.
   */
  delete(id: string): boolean {
    if (this.get(id) === undefined) return false;
    const nowMs = this.clock.nowMs();
    this.repo.transaction(() => {
      for (const silenceId of this.windowSilenceIds(id)) {
        const silence = this.repo.get(silenceId);
        if (silence !== undefined && silenceState(silence, nowMs) !== 'expired') this.repo.expire(silenceId, nowMs);
      }
      this.db.prepare('DELETE FROM recurring_windows WHERE recurring_id = ?').run(id);
      this.db.prepare('DELETE FROM recurring_silences WHERE id = ?').run(id);
    });
    return true;
  }

  /** Makes the silences of every recurring silence's due windows; returns how many were made. */
  materialize(nowMs: number): number {
    let made = 0;
    for (const recurring of this.list()) made += this.materializeOne(recurring, nowMs);
    return made;
  }

  /** Forgets window records whose silences were garbage-collected (call after the repository's gc). */
  pruneWindows(): number {
    let removed = 0;
    const rows = this.db.prepare('SELECT recurring_id, starts_at_ms, silence_id FROM recurring_windows').all() as {
      recurring_id: string;
      starts_at_ms: number;
      silence_id: string;
    }[];
    const del = this.db.prepare('DELETE FROM recurring_windows WHERE recurring_id = ? AND starts_at_ms = ?');
    this.repo.transaction(() => {
      for (const r of rows) {
        if (this.repo.get(r.silence_id) !== undefined) continue;
        del.run(r.recurring_id, r.starts_at_ms);
        removed++;
      }
    });
    return removed;
  }

  private materializeOne(recurring: RecurringSilence, nowMs: number): number {
    const known = new Set(
      (this.db.prepare('SELECT starts_at_ms FROM recurring_windows WHERE recurring_id = ?').all(recurring.id) as { starts_at_ms: number }[]).map(
        (r) => r.starts_at_ms,
      ),
    );
    const due = windowsToMaterialize(recurring, {
      nowMs,
      lookaheadMs: this.lookaheadMs,
      maxPendingWindows: this.maxPendingWindows,
      known,
    });
    const record = this.db.prepare('INSERT INTO recurring_windows (recurring_id, starts_at_ms, silence_id) VALUES (?, ?, ?)');
    for (const w of due) {
      this.repo.transaction(() => {
        const silenceId = this.repo.set(
          {
            matchers: recurring.matchers,
            startsAtMs: w.startsAtMs,
            endsAtMs: w.endsAtMs,
            createdBy: windowCreatedBy(recurring.id),
            comment: recurring.comment,
          },
          { nowMs, extras: { expireWhenResolved: recurring.expireWhenResolved } },
        );
        record.run(recurring.id, w.startsAtMs, silenceId);
      });
    }
    return due.length;
  }
}
