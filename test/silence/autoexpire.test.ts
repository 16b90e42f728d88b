import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { AutoExpirer, decideAutoExpire, type AutoExpireFacts } from '../../src/silence/autoexpire.js';
import { startSilenceMaintenance } from '../../src/silence/maintenance.js';
import { RecurringSilences } from '../../src/silence/recurring-store.js';
import { SilenceRepository } from '../../src/silence/repository.js';
import { silenceState } from '../../src/silence/silence.js';
import { AlertStore } from '../../src/store/alerts.js';
import { makeAlert } from '../support/alerts.js';
import { FakeClock } from '../support/fake-clock.js';
import { openTempRepository } from './temp-repository.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('decideAutoExpire', () => {
  const base: AutoExpireFacts = { state: 'active', matchesFiring: false, lastFiringAtMs: undefined, nowMs: 10 * MIN, graceMs: 5 * MIN };
  const cases: Array<[string, Partial<AutoExpireFacts>, string]> = [
    ['never matched a firing alert: keep (set up ahead of the trouble)', {}, 'keep'],
    ['matches a firing alert now: record it', { matchesFiring: true }, 'seen-firing'],
    ['matches firing now although seen before: record again', { matchesFiring: true, lastFiringAtMs: MIN }, 'seen-firing'],
    ['nothing firing, last match within the grace: keep', { lastFiringAtMs: 6 * MIN }, 'keep'],
    ['nothing firing for exactly the grace: expire', { lastFiringAtMs: 5 * MIN }, 'expire'],
    ['nothing firing for longer than the grace: expire', { lastFiringAtMs: 0 }, 'expire'],
    ['grace zero: expire at the first quiet check', { lastFiringAtMs: 10 * MIN, graceMs: 0 }, 'expire'],
    ['pending: not looked at yet', { state: 'pending', matchesFiring: true }, 'keep'],
    ['expired: nothing to do', { state: 'expired', lastFiringAtMs: 0 }, 'keep'],
  ];
  for (const [name, change, want] of cases) {
    test(`decideAutoExpire: ${name}`, () => assert.equal(decideAutoExpire({ ...base, ...change }), want));
  }
});

function setup(t: TestContext) {
  const { path, repo } = openTempRepository(t);
  const clock = new FakeClock();
  const store = new AlertStore({ clock });
  const silence = (expireWhenResolved: boolean): string =>
    repo.set(
      {
        matchers: [{ name: 'alertname', value: 'Disk', isRegex: false, isEqual: true }],
        startsAtMs: clock.nowMs(),
        endsAtMs: clock.nowMs() + 24 * HOUR,
        createdBy: 'ops',
        comment: '',
      },
      { nowMs: clock.nowMs(), extras: { expireWhenResolved } },
    );
  return { path, clock, repo, store, silence };
}

describe('AutoExpirer', () => {
  test('AutoExpirer: expires a silence once its alert resolved and the grace passed; plain silences stay', async (t) => {
    const { clock, repo, store, silence } = setup(t);
    const auto = silence(true);
    const plain = silence(false);
    const expirer = new AutoExpirer({ repository: repo, alerts: store, clock, graceMs: 5 * MIN });

    assert.deepEqual(expirer.run(clock.nowMs()), [], 'no alert seen yet: kept');
    await clock.advance(HOUR);
    assert.deepEqual(expirer.run(clock.nowMs()), [], 'still never seen: kept');

    store.put([makeAlert({ labels: { alertname: 'Disk', instance: 'a' }, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + 10 * MIN })]);
    assert.deepEqual(expirer.run(clock.nowMs()), []);
    await clock.advance(9 * MIN);
    assert.deepEqual(expirer.run(clock.nowMs()), [], 'still firing: last seen firing now');
    await clock.advance(MIN); // the alert's end passes: resolved now
    assert.deepEqual(expirer.run(clock.nowMs()), [], 'resolved, but within the grace');
    await clock.advance(3 * MIN);
    assert.deepEqual(expirer.run(clock.nowMs()), [], 'quiet for 4 minutes since last seen firing');
    await clock.advance(MIN);
    assert.deepEqual(expirer.run(clock.nowMs()), [auto], 'quiet for the 5 minutes of grace');
    assert.equal(silenceState(repo.get(auto)!, clock.nowMs()), 'expired');
    assert.equal(silenceState(repo.get(plain)!, clock.nowMs()), 'active');
  });

  test('AutoExpirer: an alert firing again within the grace keeps the silence', async (t) => {
    const { clock, repo, store, silence } = setup(t);
    const auto = silence(true);
    const expirer = new AutoExpirer({ repository: repo, alerts: store, clock, graceMs: 5 * MIN });
    const labels = { alertname: 'Disk' };
    store.put([makeAlert({ labels, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + MIN })]);
    expirer.run(clock.nowMs());
    await clock.advance(3 * MIN);
    assert.deepEqual(expirer.run(clock.nowMs()), []);
    store.put([makeAlert({ labels, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + MIN })]);
    expirer.run(clock.nowMs());
    await clock.advance(4 * MIN);
    assert.deepEqual(expirer.run(clock.nowMs()), [], 'quiet for 4m only since the flap');
    assert.equal(silenceState(repo.get(auto)!, clock.nowMs()), 'active');
  });

  test('AutoExpirer: after a restart with an empty store, a silence seen firing before waits a full grace', async (t) => {
    const { clock, repo, store, silence, path } = setup(t);
    const auto = silence(true);
    store.put([makeAlert({ labels: { alertname: 'Disk' }, startsAtMs: clock.nowMs() })]);
    new AutoExpirer({ repository: repo, alerts: store, clock, graceMs: 5 * MIN }).run(clock.nowMs());
    repo.close();

    await clock.advance(HOUR);
    const { repo: reopened } = openTempRepository(t, path);
    const empty = new AlertStore({ clock });
    const expirer = new AutoExpirer({ repository: reopened, alerts: empty, clock, graceMs: 5 * MIN });
    assert.deepEqual(expirer.run(clock.nowMs()), [], 'the first check after the restart keeps it');
    await clock.advance(5 * MIN);
    assert.deepEqual(expirer.run(clock.nowMs()), [auto], 'nothing came back within the grace');
  });
});

describe('silence maintenance', () => {
  test('startSilenceMaintenance: each tick collects garbage, makes recurring windows and expires resolved silences', async (t) => {
    const { clock, repo, store, silence } = setup(t);
    const recurring = new RecurringSilences({ repository: repo, clock });
    const auto = silence(true);
    const old = repo.set(
      { matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + MIN, createdBy: '', comment: '' },
      { nowMs: clock.nowMs() },
    );
    store.put([makeAlert({ labels: { alertname: 'Disk' }, startsAtMs: clock.nowMs(), endsAtMs: clock.nowMs() + 2 * MIN })]);
    const r = recurring.create({
      matchers: [{ name: 'job', value: 'x', isRegex: false, isEqual: true }],
      schedule: '*/30 * * * *',
      durationMs: 10 * MIN,
      timeZone: 'UTC',
      createdBy: 'ops',
      comment: '',
      expireWhenResolved: false,
    });
    const stop = startSilenceMaintenance({
      repository: repo,
      recurring,
      autoExpirer: new AutoExpirer({ repository: repo, alerts: store, clock, graceMs: MIN }),
      clock,
      retentionMs: 30 * MIN,
      intervalMs: MIN,
    });
    t.after(stop);
    await clock.advance(10 * MIN);
    assert.equal(silenceState(repo.get(auto)!, clock.nowMs()), 'expired', 'its alert resolved at 2m, grace 1m');
    assert.ok(repo.get(old), 'ended 9 minutes ago: kept for the retention');
    await clock.advance(2 * HOUR);
    assert.equal(repo.get(old), undefined, 'ended more than the retention ago: collected');
    assert.equal(repo.get(auto), undefined);
    const latestStart = (): number => Math.max(...recurring.windowSilenceIds(r.id).map((id) => repo.get(id)!.startsAtMs));
    assert.ok(latestStart() > clock.nowMs(), 'the next window was made ahead as time passed');
    assert.ok(recurring.windowSilenceIds(r.id).length <= 3, 'records of collected windows were pruned');
    stop();
    const latest = latestStart();
    await clock.advance(2 * HOUR);
    assert.equal(latestStart(), latest, 'stopped: no more windows made');
  });
});
