import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  SilenceError,
  canUpdate,
  compileSilenceMatchers,
  expireSilence,
  planSet,
  silenceState,
  validateSilence,
  type Silence,
  type SilenceMatcher,
} from '../../src/silence/silence.js';
import { matchesAll } from '../../src/labels/matcher.js';

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

function eq(name: string, value: string): SilenceMatcher {
  return { name, value, isRegex: false, isEqual: true };
}
function m(name: string, value: string, isRegex: boolean, isEqual: boolean): SilenceMatcher {
  return { name, value, isRegex, isEqual };
}

function silence(partial: Partial<Silence> = {}): Silence {
  return {
    id: 'old-id',
    matchers: [eq('alertname', 'Disk')],
    startsAtMs: T0 - HOUR,
    endsAtMs: T0 + HOUR,
    updatedAtMs: T0 - HOUR,
    createdBy: 'ops',
    comment: 'maintenance',
    ...partial,
  };
}

let idCounter = 0;
const newId = (): string => `new-${++idCounter}`;

describe('silenceState', () => {
  const s = { startsAtMs: T0, endsAtMs: T0 + HOUR };
  const cases: [string, number, string][] = [
    ['pending before startsAt', T0 - 1, 'pending'],
    ['active at startsAt', T0, 'active'],
    ['active just before endsAt', T0 + HOUR - 1, 'active'],
    ['expired at endsAt (half-open interval)', T0 + HOUR, 'expired'],
    ['expired after endsAt', T0 + 2 * HOUR, 'expired'],
  ];
  for (const [name, now, want] of cases) {
    test(`silenceState: ${name}`, () => assert.equal(silenceState(s, now), want));
  }
  test('silenceState: a silence starting and ending at the same instant is never active', () => {
    assert.equal(silenceState({ startsAtMs: T0, endsAtMs: T0 }, T0 - 1), 'pending');
    assert.equal(silenceState({ startsAtMs: T0, endsAtMs: T0 }, T0), 'expired');
  });
});

describe('validateSilence', () => {
  const valid = { startsAtMs: T0, endsAtMs: T0 + HOUR };
  const refused: [string, SilenceMatcher[], string][] = [
    ['no matchers', [], 'silence invalid: at least one matcher required'],
    ['only an empty equality', [eq('a', '')], 'silence invalid: at least one matcher must not match the empty string'],
    ['only a regex matching empty', [m('a', '.*', true, true)], 'silence invalid: at least one matcher must not match the empty string'],
    [
      'every matcher matches empty',
      [eq('a', ''), m('b', 'x|', true, true)],
      'silence invalid: at least one matcher must not match the empty string',
    ],
    ['bad label name', [eq('a-b', 'x')], 'silence invalid: invalid label matcher 0: invalid label name "a-b"'],
    ['empty label name', [eq('a', 'x'), eq('', 'x')], 'silence invalid: invalid label matcher 1: invalid label name ""'],
    ['label name with a colon (not a label name)', [eq('a:b', 'x')], 'silence invalid: invalid label matcher 0: invalid label name "a:b"'],
    [
      'invalid regex',
      [m('a', '(', true, true)],
      'silence invalid: invalid label matcher 0: invalid regular expression "(": error parsing regexp: missing closing ): `(`',
    ],
    [
      'regex valid only once anchored',
      [m('a', 'x)|(y', true, false)],
      'silence invalid: invalid label matcher 0: invalid regular expression "x)|(y": error parsing regexp: unexpected ): `x)|(y`',
    ],
    [
      'an unclosed \\Q (valid alone, not once anchored as ^(?:…)$)',
      [m('a', 'x\\Qy', true, true)],
      'silence invalid: invalid label matcher 0: invalid regular expression "x\\\\Qy": error parsing regexp: missing closing ): `^(?:x\\Qy)$` (the value is matched anchored, as ^(?:…)$: close \\Q with \\E)',
    ],
    [
      'an unclosed \\Q after a matcher that does not match the empty string',
      [eq('b', 'z'), m('a', 'x\\Qy', true, true)],
      'silence invalid: invalid label matcher 1: invalid regular expression "x\\\\Qy": error parsing regexp: missing closing ): `^(?:x\\Qy)$` (the value is matched anchored, as ^(?:…)$: close \\Q with \\E)',
    ],
    ['value that is not UTF-8', [eq('a', 'x\uD800')], 'silence invalid: invalid label matcher 0: invalid label value "x\\xed\\xa0\\x80"'],
  ];
  for (const [name, matchers, message] of refused) {
    test(`validateSilence refuses ${name}`, () => {
      assert.throws(
        () => validateSilence({ ...valid, matchers }),
        (err: unknown) => err instanceof SilenceError && err.code === 'silence_invalid' && err.message === message,
      );
    });
  }
  const accepted: [string, SilenceMatcher[]][] = [
    ['one equality', [eq('a', 'x')]],
    ['an empty equality beside a non-empty one', [eq('a', ''), eq('b', 'x')]],
    ['a negative matcher alone (Alertmanager does not count it as matching empty)', [m('a', 'x', false, false)]],
    ['a negative regex alone', [m('a', '.*', true, false)]],
    ['a regex that needs a character', [m('a', '.+', true, true)]],
  ];
  for (const [name, matchers] of accepted) {
    test(`validateSilence accepts ${name}`, () => validateSilence({ ...valid, matchers }));
  }
  test('validateSilence refuses an end before the start, accepts an end equal to it', () => {
    assert.throws(() => validateSilence({ matchers: [eq('a', 'x')], startsAtMs: T0, endsAtMs: T0 - 1 }), {
      message: 'silence invalid: end time must not be before start time',
    });
    validateSilence({ matchers: [eq('a', 'x')], startsAtMs: T0, endsAtMs: T0 });
  });
});

describe('compileSilenceMatchers', () => {
  test('compileSilenceMatchers: the four operators and anchored regexes', () => {
    const ms = compileSilenceMatchers([eq('a', 'x'), m('b', 'y', false, false), m('c', 'z+', true, true), m('d', 'w.*', true, false)]);
    assert.deepEqual(ms.map((x) => x.toString()), ['a="x"', 'b!="y"', 'c=~"z+"', 'd!~"w.*"']);
    assert.equal(matchesAll(ms, { a: 'x', c: 'zz' }), true);
    assert.equal(matchesAll(ms, { a: 'x', c: 'zza' }), false, 'regex is anchored');
    assert.equal(matchesAll(ms, { a: 'x', c: 'z', d: 'wx' }), false);
    assert.equal(matchesAll(ms, { a: 'x', c: 'z', b: 'y' }), false);
  });
});

describe('canUpdate', () => {
  const active = silence();
  const pending = silence({ startsAtMs: T0 + HOUR, endsAtMs: T0 + 2 * HOUR });
  const expired = silence({ startsAtMs: T0 - 2 * HOUR, endsAtMs: T0 - HOUR });
  const cases: [string, Silence, Partial<Silence>, boolean][] = [
    ['active: new end and comment', active, { endsAtMs: T0 + 5 * HOUR, comment: 'longer' }, true],
    ['active: end shortened to now', active, { endsAtMs: T0 }, true],
    ['active: end in the past', active, { endsAtMs: T0 - 1 }, false],
    ['active: start moved within the same second', active, { startsAtMs: T0 - HOUR + 999 }, true],
    ['active: start moved to another second', active, { startsAtMs: T0 - HOUR + 1000 }, false],
    ['active: matchers changed', active, { matchers: [eq('alertname', 'Cpu')] }, false],
    ['active: matchers reordered', silence({ matchers: [eq('a', '1'), eq('b', '2')] }), { matchers: [eq('b', '2'), eq('a', '1')] }, false],
    ['active: matcher made regex', active, { matchers: [m('alertname', 'Disk', true, true)] }, false],
    ['pending: start moved later', pending, { startsAtMs: T0 + 3 * HOUR, endsAtMs: T0 + 4 * HOUR }, true],
    ['pending: start moved to now', pending, { startsAtMs: T0 }, true],
    ['pending: start moved into the past', pending, { startsAtMs: T0 - 1 }, false],
    ['expired: anything', expired, {}, false],
  ];
  for (const [name, prev, change, want] of cases) {
    test(`canUpdate: ${name} → ${want}`, () => assert.equal(canUpdate(prev, { ...prev, ...change }, T0), want));
  }
});

describe('expireSilence', () => {
  test('expireSilence: an active silence ends now', () => {
    const out = expireSilence(silence(), T0);
    assert.deepEqual(out, { ...silence(), endsAtMs: T0, updatedAtMs: T0 });
    assert.equal(silenceState(out!, T0), 'expired');
  });
  test('expireSilence: a pending silence starts and ends now, so it never becomes active', () => {
    const pending = silence({ startsAtMs: T0 + HOUR, endsAtMs: T0 + 2 * HOUR });
    const out = expireSilence(pending, T0);
    assert.deepEqual(out, { ...pending, startsAtMs: T0, endsAtMs: T0, updatedAtMs: T0 });
    assert.equal(silenceState(out!, T0 + HOUR + 1), 'expired');
  });
  test('expireSilence: an expired silence is left alone', () => {
    assert.equal(expireSilence(silence({ endsAtMs: T0 - 1 }), T0), undefined);
  });
});

describe('planSet', () => {
  const draft = { matchers: [eq('alertname', 'Disk')], startsAtMs: T0 - HOUR, endsAtMs: T0 + HOUR, createdBy: 'me', comment: 'c' };

  test('planSet: a new silence gets a fresh id and never starts before now', () => {
    const plan = planSet(draft, { prev: undefined, nowMs: T0, newId: () => 'fresh' });
    assert.deepEqual(plan, {
      kind: 'create',
      silence: { id: 'fresh', ...draft, startsAtMs: T0, updatedAtMs: T0 },
    });
  });
  test('planSet: a future start is kept for a new silence', () => {
    const plan = planSet({ ...draft, startsAtMs: T0 + HOUR, endsAtMs: T0 + 2 * HOUR }, { prev: undefined, nowMs: T0, newId });
    assert.equal(plan.silence.startsAtMs, T0 + HOUR);
    assert.equal(silenceState(plan.silence, T0), 'pending');
  });
  test('planSet: an empty id means a new silence', () => {
    assert.equal(planSet({ ...draft, id: '' }, { prev: undefined, nowMs: T0, newId: () => 'x' }).silence.id, 'x');
  });
  test('planSet: an unknown id is refused as not found', () => {
    assert.throws(() => planSet({ ...draft, id: 'nope' }, { prev: undefined, nowMs: T0, newId }), {
      code: 'silence_not_found',
      message: 'silence not found',
    });
  });
  test('planSet: an active silence with the same matchers and start is updated in place', () => {
    const prev = silence();
    const plan = planSet(
      { ...draft, id: prev.id, startsAtMs: prev.startsAtMs, endsAtMs: T0 + 3 * HOUR, comment: 'extended' },
      { prev, nowMs: T0, newId },
    );
    assert.deepEqual(plan, {
      kind: 'update',
      silence: { ...prev, createdBy: 'me', endsAtMs: T0 + 3 * HOUR, comment: 'extended', updatedAtMs: T0 },
    });
  });
  test('planSet: changing an active silence\'s matchers expires it and creates a new one', () => {
    const prev = silence();
    const plan = planSet({ ...draft, id: prev.id, matchers: [eq('alertname', 'Cpu')] }, { prev, nowMs: T0, newId: () => 'repl' });
    assert.equal(plan.kind, 'create');
    assert.equal(plan.silence.id, 'repl');
    assert.equal(plan.silence.startsAtMs, T0);
    assert.deepEqual(plan.kind === 'create' && plan.expire, { ...prev, endsAtMs: T0, updatedAtMs: T0 });
  });
  test('planSet: moving a pending silence\'s start into the past replaces it; the old one never was active', () => {
    const prev = silence({ startsAtMs: T0 + HOUR, endsAtMs: T0 + 2 * HOUR });
    const plan = planSet({ ...draft, id: prev.id, startsAtMs: T0 - HOUR, endsAtMs: T0 + 2 * HOUR }, { prev, nowMs: T0, newId: () => 'r' });
    assert.equal(plan.kind, 'create');
    assert.equal(plan.silence.startsAtMs, T0);
    assert.deepEqual(plan.kind === 'create' && plan.expire, { ...prev, startsAtMs: T0, endsAtMs: T0, updatedAtMs: T0 });
  });
  test('planSet: posting an expired silence\'s id creates a new silence and leaves the old one as it was', () => {
    const prev = silence({ startsAtMs: T0 - 2 * HOUR, endsAtMs: T0 - HOUR });
    const plan = planSet({ ...draft, id: prev.id }, { prev, nowMs: T0, newId: () => 'again' });
    assert.deepEqual(plan, { kind: 'create', silence: { id: 'again', ...draft, startsAtMs: T0, updatedAtMs: T0 } });
  });
  test('planSet: a refused replacement plans nothing (the old silence is not expired)', () => {
    const prev = silence();
    assert.throws(() => planSet({ ...draft, id: prev.id, matchers: [eq('a', '')] }, { prev, nowMs: T0, newId }), {
      code: 'silence_invalid',
    });
  });
  test('planSet: an in-place update is validated too', () => {
    const prev = silence({ matchers: [eq('alertname', 'Disk')] });
    assert.throws(() => planSet({ ...draft, id: prev.id, startsAtMs: prev.startsAtMs, endsAtMs: prev.startsAtMs - 1 }, { prev, nowMs: T0, newId }));
  });
  test('planSet: matchers are copied, not shared with the draft', () => {
    const matchers = [{ ...eq('a', 'x'), extra: 1 } as SilenceMatcher];
    const plan = planSet({ ...draft, matchers }, { prev: undefined, nowMs: T0, newId });
    assert.deepEqual(plan.silence.matchers, [eq('a', 'x')]);
    assert.notEqual(plan.silence.matchers[0], matchers[0]);
  });
});
