import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { fingerprint, type Labels } from '../../src/labels/labels.js';
import { matchesAll } from '../../src/labels/matcher.js';
import { SilenceRepository } from '../../src/silence/repository.js';
import { compileSilenceMatchers, silenceState, type SilenceDraft, type SilenceMatcher } from '../../src/silence/silence.js';
import { StorageError } from '../../src/util/sqlite.js';
import { seededRandom } from '../support/random.js';
import { openTempRepository, tempDbPath } from './temp-repository.js';

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;

const tempDb = tempDbPath;

function eq(name: string, value: string): SilenceMatcher {
  return { name, value, isRegex: false, isEqual: true };
}

function draft(partial: Partial<SilenceDraft> = {}): SilenceDraft {
  return { matchers: [eq('alertname', 'Disk')], startsAtMs: T0, endsAtMs: T0 + HOUR, createdBy: 'ops', comment: 'c', ...partial };
}

function open(t: TestContext, path: string): SilenceRepository {
  return openTempRepository(t, path).repo;
}

describe('SilenceRepository', () => {
  test('repository: a created silence is found by id and listed, with a UUID v4 id', (t) => {
    const repo = open(t, tempDb(t));
    const id = repo.set(draft(), { nowMs: T0 });
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(repo.get(id), { id, ...draft(), updatedAtMs: T0 });
    assert.deepEqual(repo.list().map((s) => s.id), [id]);
  });

  test('repository: a stored silence whose regex no longer compiles is kept, listed and expirable, silences nothing, and the others still work', (t) => {
    const path = tempDb(t);
    const first = new SilenceRepository(path);
    const good = first.set(draft(), { nowMs: T0 });
    const bad = first.set(draft({ comment: 'bad' }), { nowMs: T0 });
    first.close();
    // As an earlier version could store it: `x\Qy` compiles alone but not anchored as ^(?:x\Qy)$.
    const db = new Database(path);
    const matchers = JSON.stringify([eq('alertname', 'Disk'), { name: 'job', value: 'x\\Qy', isRegex: true, isEqual: true }]);
    db.prepare('UPDATE silences SET matchers = ? WHERE id = ?').run(matchers, bad);
    db.close();

    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const repo = new SilenceRepository(path, { logger: { warn: (obj: Record<string, unknown>, msg: string) => warnings.push({ obj, msg }) } as never });
    t.after(() => repo.close());
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.obj['silence'], bad);
    assert.match(warnings[0]!.msg, new RegExp(`stored silence ${bad} has a matcher that does not compile`));
    assert.deepEqual(repo.list().map((s) => s.id).sort(), [good, bad].sort());
    assert.equal(repo.get(bad)!.matchers[1]!.value, 'x\\Qy');
    // It matches nothing, even labels its matchers would otherwise accept; the good one still works.
    assert.deepEqual(repo.silencedBy({ alertname: 'Disk', job: 'xQy' }, T0 + 10), [good]);
    repo.expire(bad, T0 + 20);
    assert.equal(silenceState(repo.get(bad)!, T0 + 20), 'expired');
    assert.equal(warnings.length, 2, 'remembering the expired version compiles it again, and says so again');
  });

  test('repository: silences, updates and expiries survive closing and reopening the file', (t) => {
    const path = tempDb(t);
    const first = new SilenceRepository(path);
    const kept = first.set(draft({ comment: 'kept' }), { nowMs: T0 });
    const updated = first.set(draft({ comment: 'before' }), { nowMs: T0 });
    assert.equal(first.set(draft({ id: updated, comment: 'after', endsAtMs: T0 + 2 * HOUR }), { nowMs: T0 + 1 }), updated);
    const expired = first.set(draft({ matchers: [eq('a', 'x'), { name: 'b', value: 'y.*', isRegex: true, isEqual: false }] }), { nowMs: T0 });
    first.expire(expired, T0 + 5);
    const want = first.list().sort((a, b) => a.id.localeCompare(b.id));
    first.close();

    const second = open(t, path);
    assert.deepEqual(second.list().sort((a, b) => a.id.localeCompare(b.id)), want);
    assert.equal(second.get(updated)?.comment, 'after');
    assert.equal(second.get(expired)?.endsAtMs, T0 + 5);
    assert.equal(silenceState(second.get(expired)!, T0 + 5), 'expired');
    assert.equal(second.get(kept)?.comment, 'kept');
    assert.deepEqual(second.silencedBy({ alertname: 'Disk' }, T0 + 10).sort(), [kept, updated].sort());
  });

  test('repository: replacing a silence expires the old one and stores both in one go', (t) => {
    const path = tempDb(t);
    const repo = open(t, path);
    const oldId = repo.set(draft(), { nowMs: T0 });
    const newId = repo.set(draft({ id: oldId, matchers: [eq('alertname', 'Cpu')] }), { nowMs: T0 + 1000 });
    assert.notEqual(newId, oldId);
    assert.equal(repo.get(oldId)?.endsAtMs, T0 + 1000);
    assert.deepEqual(repo.get(newId)?.matchers, [eq('alertname', 'Cpu')]);
    repo.close();
    const again = open(t, path);
    assert.equal(again.get(oldId)?.endsAtMs, T0 + 1000);
    assert.equal(again.get(newId)?.startsAtMs, T0 + 1000);
  });

  test('repository: a refused draft writes nothing, also not the expiry of the silence it would replace', (t) => {
    const repo = open(t, tempDb(t));
    const id = repo.set(draft(), { nowMs: T0 });
    const version = repo.version;
    assert.throws(() => repo.set(draft({ id, matchers: [eq('a', '')] }), { nowMs: T0 + 1 }), { code: 'silence_invalid' });
    assert.throws(() => repo.set(draft({ id: 'unknown' }), { nowMs: T0 + 1 }), { code: 'silence_not_found' });
    assert.equal(repo.version, version);
    assert.equal(repo.get(id)?.endsAtMs, T0 + HOUR);
    assert.equal(repo.list().length, 1);
  });

  test('repository: expire is idempotent and refuses unknown ids', (t) => {
    const repo = open(t, tempDb(t));
    const id = repo.set(draft(), { nowMs: T0 });
    repo.expire(id, T0 + 10);
    const version = repo.version;
    repo.expire(id, T0 + 20);
    assert.equal(repo.get(id)?.endsAtMs, T0 + 10);
    assert.equal(repo.version, version, 'expiring an expired silence changes nothing');
    assert.throws(() => repo.expire('nope', T0), { code: 'silence_not_found' });
  });

  test('repository: gc removes silences ended at least the retention ago, and only those', (t) => {
    const path = tempDb(t);
    const repo = open(t, path);
    const old = repo.set(draft({ endsAtMs: T0 + 1000 }), { nowMs: T0 });
    const recent = repo.set(draft({ endsAtMs: T0 + 2000 }), { nowMs: T0 });
    const active = repo.set(draft({ endsAtMs: T0 + 10 * HOUR }), { nowMs: T0 });
    assert.equal(repo.gc(T0 + 1000 + HOUR, HOUR), 1);
    assert.deepEqual(repo.list().map((s) => s.id).sort(), [recent, active].sort());
    assert.equal(repo.get(old), undefined);
    repo.close();
    assert.deepEqual(open(t, path).list().map((s) => s.id).sort(), [recent, active].sort(), 'gc is persisted');
  });

  test('repository: a database written by a newer schema is refused with a StorageError', (t) => {
    const path = tempDb(t);
    new SilenceRepository(path).close();
    const db = new Database(path);
    db.prepare('UPDATE schema_version SET version = 99').run();
    db.close();
    assert.throws(() => new SilenceRepository(path), (err: unknown) => err instanceof StorageError && /schema version 99/.test(err.message));
  });

  test('repository: opens in WAL mode with synchronous=FULL', (t) => {
    const repo = open(t, tempDb(t));
    assert.equal(repo.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(repo.db.pragma('synchronous', { simple: true }), 2);
  });
});

describe('SilenceRepository matching', () => {
  test('match: separates active and pending silences and leaves expired ones out', (t) => {
    const repo = open(t, tempDb(t));
    const active = repo.set(draft(), { nowMs: T0 });
    const pending = repo.set(draft({ startsAtMs: T0 + HOUR, endsAtMs: T0 + 2 * HOUR }), { nowMs: T0 });
    const expired = repo.set(draft(), { nowMs: T0 });
    repo.expire(expired, T0 + 1);
    const other = repo.set(draft({ matchers: [eq('alertname', 'Other')] }), { nowMs: T0 });
    const m = repo.match({ alertname: 'Disk', job: 'x' }, { nowMs: T0 + 2 });
    assert.deepEqual(m, { activeIds: [active], pendingIds: [pending], version: repo.version });
    assert.deepEqual(repo.silencedBy({ alertname: 'Disk' }, T0 + HOUR - 1), [active], 'still pending');
    assert.deepEqual(repo.silencedBy({ alertname: 'Disk' }, T0 + HOUR), [pending], 'the first ended as the pending one began');
    assert.deepEqual(repo.silencedBy({ alertname: 'Disk' }, T0 + 2 * HOUR), []);
    assert.deepEqual(repo.silencedBy({ alertname: 'Other' }, T0 + 2), [other]);
  });

  test('match: a cached result is not reused after the silences change', (t) => {
    const repo = open(t, tempDb(t));
    const labels = { alertname: 'Disk' };
    const fp = fingerprint(labels);
    assert.deepEqual(repo.match(labels, { nowMs: T0, fingerprint: fp }).activeIds, []);
    const id = repo.set(draft(), { nowMs: T0 });
    assert.deepEqual(repo.match(labels, { nowMs: T0, fingerprint: fp }).activeIds, [id]);
    repo.expire(id, T0 + 1);
    assert.deepEqual(repo.match(labels, { nowMs: T0 + 1, fingerprint: fp }).activeIds, []);
  });

  test('match: a query about an earlier time still sees silences expired since', (t) => {
    const repo = open(t, tempDb(t));
    const id = repo.set(draft({ endsAtMs: T0 + 1000 }), { nowMs: T0 });
    assert.deepEqual(repo.silencedBy({ alertname: 'Disk' }, T0 + 5000), []);
    assert.deepEqual(repo.silencedBy({ alertname: 'Disk' }, T0 + 500), [id]);
  });

  test('match: the index gives the same answers as checking every silence (generated cases)', (t) => {
    const repo = open(t, tempDb(t));
    const rnd = seededRandom(4242);
    const names = ['alertname', 'job', 'instance', 'severity'];
    const values = ['a', 'b', 'c', 'd', ''];
    const randomMatcher = (): SilenceMatcher => {
      const isRegex = rnd.chance(0.4);
      const value = isRegex ? rnd.pick(['a|b', 'c', 'a.*', 'b|c|d', '.+', '[ab]', 'a.*|c', 'b.+|d', '(?i)A.*']) : rnd.pick(values);
      return { name: rnd.pick(names), value, isRegex, isEqual: rnd.chance(0.75) };
    };
    for (let i = 0; i < 300; i++) {
      const matchers = Array.from({ length: 1 + rnd.int(3) }, randomMatcher);
      const start = T0 + (rnd.int(5) - 2) * HOUR;
      try {
        repo.set({ matchers, startsAtMs: start, endsAtMs: start + (1 + rnd.int(4)) * HOUR, createdBy: 'gen', comment: '' }, { nowMs: T0 - 3 * HOUR });
      } catch {
        // invalid combinations (all matching empty) are skipped, as the API would refuse them
      }
    }
    const silences = repo.list();
    assert.ok(silences.length > 150);
    for (let i = 0; i < 500; i++) {
      const labels: Record<string, string> = {};
      for (const n of names) if (rnd.chance(0.7)) labels[n] = rnd.pick(['a', 'b', 'c', 'd', 'ab', 'bd', 'A']);
      const now = T0 + (rnd.int(8) - 3) * HOUR;
      const want = silences
        .filter((s) => silenceState(s, now) === 'active' && matchesAll(compileSilenceMatchers(s.matchers), labels))
        .map((s) => s.id)
        .sort();
      assert.deepEqual(repo.match(labels, { nowMs: now, fingerprint: fingerprint(labels) }).activeIds, want, JSON.stringify({ labels, now }));
    }
  });
});

describe('SilenceRepository durability', () => {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'kill-child.ts');

  /** Runs the child until it has acknowledged `killAfter` silences, SIGKILLs it, returns the acknowledged ids. */
  async function createThenKill(path: string, killAfter: number): Promise<string[]> {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    const acknowledged: string[] = [];
    for await (const line of createInterface({ input: proc.stdout })) {
      acknowledged.push(line);
      if (acknowledged.length >= killAfter) {
        proc.kill('SIGKILL');
        break;
      }
    }
    const signal = await exited;
    assert.equal(signal, 'SIGKILL', `child ended without being killed: ${stderr}`);
    return acknowledged;
  }

  test('repository: every acknowledged silence survives kill -9 of the process that created it', async (t) => {
    const path = tempDb(t);
    const all: string[] = [];
    for (const killAfter of [1, 1, 3, 25]) {
      all.push(...(await createThenKill(path, killAfter)));
      const repo = new SilenceRepository(path);
      const stored = new Set(repo.list().map((s) => s.id));
      repo.close();
      for (const id of all) assert.ok(stored.has(id), `acknowledged silence ${id} lost after kill -9`);
    }
  });
});
