import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  RecurringSilenceError,
  validateRecurringSpec,
  windowsBetween,
  windowsToMaterialize,
  type RecurringSilenceSpec,
} from '../../src/silence/recurring.js';
import { RecurringSilences } from '../../src/silence/recurring-store.js';
import { SilenceRepository } from '../../src/silence/repository.js';
import { silenceState } from '../../src/silence/silence.js';
import { FakeClock } from '../support/fake-clock.js';
import { openTempRepository } from './temp-repository.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const utc = (s: string): number => Date.parse(s);
const iso = (ms: number): string => new Date(ms).toISOString();

function spec(partial: Partial<RecurringSilenceSpec> = {}): RecurringSilenceSpec {
  return {
    matchers: [{ name: 'alertname', value: 'Backup', isRegex: false, isEqual: true }],
    schedule: '0 2 * * *',
    durationMs: HOUR,
    timeZone: 'UTC',
    createdBy: 'ops',
    comment: 'nightly backup',
    expireWhenResolved: false,
    ...partial,
  };
}

describe('validateRecurringSpec', () => {
  const now = utc('2024-01-15T12:00:00Z');
  const refused: Array<[string, Partial<RecurringSilenceSpec>, RegExp]> = [
    ['six cron fields', { schedule: '0 0 2 * * *' }, /^schedule: "0 0 2 \* \* \*" has 6 fields \(want 5/],
    ['an empty schedule', { schedule: ' ' }, /^schedule: " " has 0 fields/],
    ['a cron field out of range', { schedule: '61 2 * * *' }, /^schedule: "61 2 \* \* \*" is not a valid cron expression: /],
    ['a date that never occurs', { schedule: '0 0 30 2 *' }, /^schedule: .* is not a valid cron expression/],
    ['an unknown zone', { timeZone: 'Mars/Olympus' }, /^timeZone: unknown time zone "Mars\/Olympus" \(want an IANA name/],
    ['a zero duration', { durationMs: 0 }, /^duration: must be above zero \(got 0ms\)/],
    ['matchers all matching empty', { matchers: [{ name: 'a', value: '', isRegex: false, isEqual: true }] }, /^matchers: silence invalid: at least one matcher/],
  ];
  for (const [name, change, message] of refused) {
    test(`validateRecurringSpec refuses ${name}`, () => {
      assert.throws(
        () => validateRecurringSpec(spec(change), now),
        (err: unknown) => err instanceof RecurringSilenceError && err.code === 'bad_recurring_silence' && message.test(err.message),
      );
    });
  }
  test('validateRecurringSpec accepts names, ranges and steps in the five fields', () => {
    validateRecurringSpec(spec({ schedule: '*/15 22-23 * JAN-MAR sat,sun', timeZone: 'Europe/Berlin' }), now);
  });
});

describe('windowsBetween', () => {
  test('windowsBetween: the open window first, then the next ones, in UTC', () => {
    const w = windowsBetween(spec(), { fromMs: utc('2024-01-15T02:30:00Z'), toMs: utc('2024-01-17T23:00:00Z'), limit: 10 });
    assert.deepEqual(
      w.map((x) => [iso(x.startsAtMs), iso(x.endsAtMs)]),
      [
        ['2024-01-15T02:00:00.000Z', '2024-01-15T03:00:00.000Z'],
        ['2024-01-16T02:00:00.000Z', '2024-01-16T03:00:00.000Z'],
        ['2024-01-17T02:00:00.000Z', '2024-01-17T03:00:00.000Z'],
      ],
    );
  });
  test('windowsBetween: a window ending exactly at fromMs is over', () => {
    const w = windowsBetween(spec(), { fromMs: utc('2024-01-15T03:00:00Z'), toMs: utc('2024-01-16T03:00:00Z'), limit: 10 });
    assert.deepEqual(w.map((x) => iso(x.startsAtMs)), ['2024-01-16T02:00:00.000Z']);
  });
  test('windowsBetween: a schedule in a zone follows the zone\'s offset (New York, winter and summer)', () => {
    const s = spec({ schedule: '0 9 * * 1', timeZone: 'America/New_York' });
    const jan = windowsBetween(s, { fromMs: utc('2024-01-14T00:00:00Z'), toMs: utc('2024-01-16T00:00:00Z'), limit: 5 });
    const jul = windowsBetween(s, { fromMs: utc('2024-07-14T00:00:00Z'), toMs: utc('2024-07-16T00:00:00Z'), limit: 5 });
    assert.deepEqual(jan.map((x) => iso(x.startsAtMs)), ['2024-01-15T14:00:00.000Z']);
    assert.deepEqual(jul.map((x) => iso(x.startsAtMs)), ['2024-07-15T13:00:00.000Z']);
  });
  test('windowsBetween DST: 02:30 on a spring-forward night (Berlin, 2024-03-31) moves to 03:30 local and still happens', () => {
    const s = spec({ schedule: '30 2 * * *', timeZone: 'Europe/Berlin' });
    const w = windowsBetween(s, { fromMs: utc('2024-03-29T12:00:00Z'), toMs: utc('2024-04-01T12:00:00Z'), limit: 10 });
    assert.deepEqual(
      w.map((x) => iso(x.startsAtMs)),
      [
        '2024-03-30T01:30:00.000Z', // 02:30 CET
        '2024-03-31T01:30:00.000Z', // 02:30 does not exist; 03:30 CEST
        '2024-04-01T00:30:00.000Z', // 02:30 CEST
      ],
    );
    assert.ok(w.every((x) => x.endsAtMs - x.startsAtMs === HOUR));
  });
  test('windowsBetween DST: a daily 02:30 on a fall-back night (Berlin, 2024-10-27) happens once, at the first 02:30', () => {
    const s = spec({ schedule: '30 2 * * *', timeZone: 'Europe/Berlin' });
    const w = windowsBetween(s, { fromMs: utc('2024-10-26T12:00:00Z'), toMs: utc('2024-10-28T12:00:00Z'), limit: 10 });
    assert.deepEqual(
      w.map((x) => iso(x.startsAtMs)),
      ['2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z'],
    );
  });
  test('windowsBetween DST: a window across a fall-back lasts its duration in elapsed time', () => {
    // 01:00 CEST on 2024-10-27 plus 3h of elapsed time ends at 03:00 CET (wall clock moved back an hour).
    const s = spec({ schedule: '0 1 27 10 *', timeZone: 'Europe/Berlin', durationMs: 3 * HOUR });
    const [w] = windowsBetween(s, { fromMs: utc('2024-10-26T00:00:00Z'), toMs: utc('2024-10-28T00:00:00Z'), limit: 1 });
    assert.equal(iso(w!.startsAtMs), '2024-10-26T23:00:00.000Z');
    assert.equal(iso(w!.endsAtMs), '2024-10-27T02:00:00.000Z');
    const local = new Date(w!.endsAtMs).toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' });
    assert.equal(local, '2024-10-27 03:00:00');
  });
  test('windowsBetween DST: an every-30-minutes schedule fires at each absolute occurrence of the repeated hour', () => {
    const s = spec({ schedule: '*/30 * * * *', timeZone: 'Europe/Berlin', durationMs: 10 * MIN });
    const w = windowsBetween(s, { fromMs: utc('2024-10-27T00:15:00Z'), toMs: utc('2024-10-27T02:00:00Z'), limit: 10 });
    assert.deepEqual(
      w.map((x) => iso(x.startsAtMs)),
      [
        '2024-10-27T00:30:00.000Z', // 02:30 CEST
        '2024-10-27T01:00:00.000Z', // 02:00 CET, the hour again
        '2024-10-27T01:30:00.000Z', // 02:30 CET
        '2024-10-27T02:00:00.000Z', // 03:00 CET
      ],
    );
  });
});

describe('windowsToMaterialize', () => {
  test('windowsToMaterialize: the open window and the next one within the lookahead, minus known ones', () => {
    const now = utc('2024-01-15T02:30:00Z');
    const opts = { nowMs: now, lookaheadMs: 24 * HOUR, maxPendingWindows: 1, known: new Set<number>() };
    assert.deepEqual(
      windowsToMaterialize(spec(), opts).map((w) => iso(w.startsAtMs)),
      ['2024-01-15T02:00:00.000Z', '2024-01-16T02:00:00.000Z'],
    );
    const known = new Set([utc('2024-01-15T02:00:00Z')]);
    assert.deepEqual(windowsToMaterialize(spec(), { ...opts, known }).map((w) => iso(w.startsAtMs)), ['2024-01-16T02:00:00.000Z']);
  });
  test('windowsToMaterialize: nothing beyond the lookahead', () => {
    const weekly = spec({ schedule: '0 2 * * 0' }); // Sundays; 2024-01-15 is a Monday
    const opts = { nowMs: utc('2024-01-15T12:00:00Z'), lookaheadMs: 24 * HOUR, maxPendingWindows: 1, known: new Set<number>() };
    assert.deepEqual(windowsToMaterialize(weekly, opts), []);
    assert.equal(windowsToMaterialize(weekly, { ...opts, lookaheadMs: 7 * 24 * HOUR }).length, 1);
  });
  test('windowsToMaterialize: overlapping windows are all open; pending ones are capped', () => {
    const s = spec({ schedule: '0 * * * *', durationMs: 3 * HOUR });
    const opts = { nowMs: utc('2024-01-15T12:30:00Z'), lookaheadMs: 24 * HOUR, maxPendingWindows: 2, known: new Set<number>() };
    assert.deepEqual(
      windowsToMaterialize(s, opts).map((w) => iso(w.startsAtMs)),
      [
        '2024-01-15T10:00:00.000Z',
        '2024-01-15T11:00:00.000Z',
        '2024-01-15T12:00:00.000Z',
        '2024-01-15T13:00:00.000Z',
        '2024-01-15T14:00:00.000Z',
      ],
    );
  });
});

describe('RecurringSilences', () => {
  function setup(t: TestContext, startMs = utc('2024-01-15T01:00:00Z')) {
    const { path, repo } = openTempRepository(t);
    const clock = new FakeClock(startMs);
    return { clock, repo, path, recurring: new RecurringSilences({ repository: repo, clock }) };
  }

  test('create: makes the next window a pending silence at once, named after the schedule', (t) => {
    const { repo, recurring, clock } = setup(t);
    const r = recurring.create(spec());
    const ids = recurring.windowSilenceIds(r.id);
    assert.equal(ids.length, 1);
    const s = repo.get(ids[0]!)!;
    assert.equal(s.createdBy, `recurring-silence:${r.id}`);
    assert.equal(s.comment, 'nightly backup');
    assert.deepEqual([iso(s.startsAtMs), iso(s.endsAtMs)], ['2024-01-15T02:00:00.000Z', '2024-01-15T03:00:00.000Z']);
    assert.equal(silenceState(s, clock.nowMs()), 'pending');
  });

  test('materialize: as time passes, each window becomes one silence, active during the window', async (t) => {
    const { repo, recurring, clock } = setup(t);
    const r = recurring.create(spec());
    await clock.advance(HOUR + MIN); // 02:01, inside the first window
    assert.equal(recurring.materialize(clock.nowMs()), 1, 'the next night\'s window');
    assert.equal(recurring.materialize(clock.nowMs()), 0, 'nothing twice');
    assert.equal(repo.silencedBy({ alertname: 'Backup' }, clock.nowMs()).length, 1);
    await clock.advance(HOUR); // 03:01
    assert.deepEqual(repo.silencedBy({ alertname: 'Backup' }, clock.nowMs()), []);
    await clock.advance(23 * HOUR); // next day 02:01
    recurring.materialize(clock.nowMs());
    const ids = recurring.windowSilenceIds(r.id);
    assert.equal(ids.length, 3);
    assert.deepEqual(repo.silencedBy({ alertname: 'Backup' }, clock.nowMs()), [ids[1]]);
  });

  test('materialize: a window expired by hand is not made again', async (t) => {
    const { repo, recurring, clock } = setup(t);
    const r = recurring.create(spec());
    await clock.advance(HOUR + MIN);
    const [first] = recurring.windowSilenceIds(r.id);
    repo.expire(first!, clock.nowMs());
    recurring.materialize(clock.nowMs());
    assert.deepEqual(repo.silencedBy({ alertname: 'Backup' }, clock.nowMs()), []);
    assert.equal(recurring.windowSilenceIds(r.id)[0], first);
  });

  test('delete: expires the open and the pending windows, keeps history, forgets the schedule', async (t) => {
    const { repo, recurring, clock } = setup(t);
    const r = recurring.create(spec());
    await clock.advance(HOUR + MIN);
    recurring.materialize(clock.nowMs());
    const [open, pending] = recurring.windowSilenceIds(r.id);
    assert.equal(recurring.delete(r.id), true);
    assert.equal(recurring.get(r.id), undefined);
    assert.equal(repo.get(open!)?.endsAtMs, clock.nowMs());
    assert.deepEqual([repo.get(pending!)?.startsAtMs, repo.get(pending!)?.endsAtMs], [clock.nowMs(), clock.nowMs()]);
    assert.equal(recurring.materialize(clock.nowMs() + 2 * 24 * HOUR), 0);
    assert.equal(recurring.delete(r.id), false);
  });

  test('recurring silences and their window records survive reopening the database', async (t) => {
    const { repo, recurring, clock, path } = setup(t);
    const r = recurring.create(spec({ timeZone: 'Europe/Berlin', expireWhenResolved: true }));
    const windows = recurring.windowSilenceIds(r.id);
    repo.close();
    const { repo: again } = openTempRepository(t, path);
    const reopened = new RecurringSilences({ repository: again, clock });
    assert.deepEqual(reopened.get(r.id), r);
    assert.deepEqual(reopened.windowSilenceIds(r.id), windows);
    assert.equal(reopened.materialize(clock.nowMs()), 0);
    assert.deepEqual(again.extras(windows[0]!), { expireWhenResolved: true });
  });

  test('pruneWindows: forgets window records of garbage-collected silences', async (t) => {
    const { repo, recurring, clock } = setup(t);
    const r = recurring.create(spec());
    await clock.advance(3 * HOUR);
    recurring.materialize(clock.nowMs());
    assert.equal(repo.gc(clock.nowMs(), HOUR), 1);
    assert.equal(recurring.pruneWindows(), 1);
    assert.equal(recurring.windowSilenceIds(r.id).length, 1);
    // The pruned window lies in the past, so it is not made again.
    assert.equal(recurring.materialize(clock.nowMs()), 0);
  });
});
