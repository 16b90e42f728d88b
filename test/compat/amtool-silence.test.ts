// Differential test: the same amtool 0.25 silence commands against the real Alertmanager 0.25
// and against our silence routes (served from an express app over a real SQLite file); the
// outputs must be the same once silence IDs and times are normalized.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { systemClock } from '../../src/util/clock.js';
import { startSilenceApi } from '../silence/http.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const CONFIG = 'route:\n  receiver: default\nreceivers:\n  - name: default\n';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
// amtool's --date.format default and the API's RFC 3339 times.
const TIME = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Z]{2,5}|Z|[+-]\d{2}:\d{2})?/g;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One server under test, with the silence IDs it handed out (in order) for normalizing. */
class Side {
  readonly ids: string[] = [];
  constructor(
    readonly name: string,
    readonly url: string,
    private readonly amtool: string,
  ) {}

  run(args: readonly string[]): Promise<Run> {
    return new Promise((resolve) => {
      // Asynchronous: our server runs in this process and must keep answering.
      execFile(this.amtool, [`--alertmanager.url=${this.url}`, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Replaces IDs by ID<n> (n by first appearance on this side) and times by <TIME>. */
  normalize(text: string): string {
    return text
      .replace(UUID, (id) => {
        if (!this.ids.includes(id)) this.ids.push(id);
        return `ID${this.ids.indexOf(id) + 1}`;
      })
      .replace(TIME, '<TIME>')
      // amtool 0.25 `silence update -q` prints a Go pointer instead of the ID.
      .replace(/0xc[0-9a-f]{6,}/g, '<POINTER>')
      .replace(/ +\n/g, '\n')
      .replace(/ {2,}/g, '  ');
  }

  id(n: number): string {
    const id = this.ids[n - 1];
    if (id === undefined) throw new Error(`${this.name}: no ID${n} seen yet`);
    return id;
  }
}

async function sides(t: TestContext): Promise<[Side, Side] | undefined> {
  const amtool = requireOracle('amtool');
  const alertmanager = requireOracle('alertmanager');
  if (!amtool || !alertmanager) {
    t.skip(missingOracleReason(amtool ? 'alertmanager' : 'amtool'));
    return undefined;
  }
  const am = await startAlertmanager(t, alertmanager, CONFIG);
  const ours = await startSilenceApi(t, systemClock);
  return [new Side('alertmanager', `http://${am.address}`, amtool), new Side('alertrouter', ours.url, amtool)];
}

/**
 * Runs the command on both sides (args may depend on the side) and expects the same normalized
 * result. `rowsInAnyOrder`: amtool re-sorts tables by end time with an unstable sort, so rows
 * whose end times print alike (Alertmanager's API shows milliseconds) come in any order.
 */
async function same(pair: [Side, Side], args: (s: Side) => readonly string[], options: { rowsInAnyOrder?: boolean } = {}): Promise<string> {
  const [am, ours] = pair;
  const a = await am.run(args(am));
  const b = await ours.run(args(ours));
  const rows = (text: string): string => {
    if (!options.rowsInAnyOrder) return text;
    const [header, ...rest] = text.split('\n');
    return [header, ...rest.sort()].join('\n');
  };
  const norm = (s: Side, r: Run) => ({ code: r.code, stdout: rows(s.normalize(r.stdout)), stderr: s.normalize(r.stderr) });
  const want = norm(am, a);
  assert.deepEqual(norm(ours, b), want, `amtool ${args(am).join(' ')}`);
  return want.stdout;
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('amtool silence add/query/update/expire: same output from our routes as from Alertmanager 0.25', async (t) => {
  const pair = await sides(t);
  if (!pair) return;
  const now = Date.now();
  const future = rfc3339(now + 3 * 3_600_000);

  assert.equal(await same(pair, () => ['silence', 'add', 'alertname=Foo', 'instance=~h.*', '-c', 'test comment', '-a', 'alice', '-d', '2h']), 'ID1\n');
  assert.equal(await same(pair, () => ['silence', 'add', 'job!=x', 'env!~"dev|test"', '-c', 'c2', '-a', 'bob']), 'ID2\n');
  assert.equal(await same(pair, () => ['silence', 'add', 'severity=page', 'team="db"', '-c', 'later', '-a', 'carol', `--start=${future}`, '-d', '1h']), 'ID3\n');
  assert.equal(await same(pair, () => ['silence', 'add', 'alertname=Bar', '-c', 'quiet one', '-a', 'alice']), 'ID4\n');

  const table = await same(pair, () => ['silence', 'query']);
  assert.match(table, /^ID {2}Matchers {2}Ends At {2}Created By {2}Comment\nID2 {2}job!="x" env!~"dev\|test"/);
  await same(pair, () => ['silence', 'query', '-q']);
  await same(pair, () => ['silence', 'query', 'alertname=Foo']);
  await same(pair, () => ['silence', 'query', 'alertname=~h.*']);
  await same(pair, () => ['silence', 'query', '--created-by=alice']);
  await same(pair, () => ['silence', 'query', '--within=90m']);
  await same(pair, () => ['silence', 'query', '-o', 'extended']);
  await same(pair, () => ['silence', 'query', '-o', 'json']);

  // An active silence's new end and comment: updated in place (same ID).
  assert.match(await same(pair, (s) => ['silence', 'update', s.id(1), '-d', '3h', '-c', 'longer']), /\nID1 {2}alertname="Foo".* {2}longer\n$/);
  await same(pair, (s) => ['silence', 'update', s.id(1), '-c', 'longer still', '-q']);
  // Its start moved: Alertmanager expires it and creates a replacement.
  assert.match(await same(pair, (s) => ['silence', 'update', s.id(1), `--start=${rfc3339(now + 60_000)}`]), /\nID5 {2}alertname="Foo"/);
  // A pending silence's start moved later: in place.
  await same(pair, (s) => ['silence', 'update', s.id(3), `--start=${rfc3339(now + 4 * 3_600_000)}`, '-q']);

  assert.equal(await same(pair, (s) => ['silence', 'expire', s.id(2), s.id(4)]), '');
  await same(pair, (s) => ['silence', 'expire', s.id(2)]);
  await same(pair, () => ['silence', 'query']);
  await same(pair, () => ['silence', 'query', '--expired'], { rowsInAnyOrder: true });
  await same(pair, () => ['silence', 'query', '--expired', '-o', 'json']);
  await same(pair, () => ['silence', 'query', '-o', 'json', 'alertname=Foo']);

  // Refusals by the server come back as amtool errors with the server's message.
  await same(pair, () => ['silence', 'add', 'foo=', '-c', 'x', '-a', 'y']);
  await same(pair, () => ['silence', 'add', 'foo=~.*', '-c', 'x', '-a', 'y']);
  await same(pair, () => ['silence', 'add', 'foo=bar', '-c', 'x', '-a', 'y', '--end=2001-01-01T00:00:00Z']);
  await same(pair, () => ['silence', 'query', 'a']);
});

test('amtool silence import: the export of one server imports into a fresh one of either kind alike', async (t) => {
  const pair = await sides(t);
  if (!pair) return;
  await same(pair, () => ['silence', 'add', 'alertname=Foo', '-c', 'one', '-a', 'alice', '-d', '2h']);
  await same(pair, () => ['silence', 'add', 'alertname=Bar', 'job=~"a|b"', '-c', 'two', '-a', 'bob', '-d', '1h']);
  await same(pair, () => ['silence', 'add', 'alertname=Baz', '-c', 'three', '-a', 'bob']);
  await same(pair, (s) => ['silence', 'expire', s.id(3)]);

  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-amtool-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  /** Writes what `side` lists with `query -o json <flags>` to a file and returns its path. */
  const exportOf = async (side: Side, name: string, flags: readonly string[] = []): Promise<string> => {
    const out = await side.run(['silence', 'query', '-o', 'json', ...flags]);
    assert.equal(out.code, 0, out.stderr);
    const file = join(dir, `${side.name}-${name}.json`);
    writeFileSync(file, out.stdout);
    return file;
  };
  const [am, ours] = pair;
  const own = new Map([[am, await exportOf(am, 'own')], [ours, await exportOf(ours, 'own')]]);
  const expired = new Map([[am, await exportOf(am, 'expired', ['--expired'])], [ours, await exportOf(ours, 'expired', ['--expired'])]]);

  // Into the server that holds them: every id is known and active, so updated in place.
  assert.equal(await same(pair, (s) => ['silence', 'import', '-w', '1', own.get(s)!]), 'ID2\nID1\n');
  await same(pair, () => ['silence', 'query']);
  // Into the other server: the ids are unknown there, so the server answers 404 and amtool
  // posts each again as a new silence.
  await same(pair, (s) => ['silence', 'import', '-w', '1', own.get(s === am ? ours : am)!]);
  // --force drops the ids: new silences.
  await same(pair, (s) => ['silence', 'import', '-w', '1', '--force', own.get(s)!]);
  // Copies share their end time, and Alertmanager orders ties arbitrarily: compare as sets.
  const listing = async (s: Side): Promise<string[]> => {
    const out = await s.run(['silence', 'query', '-o', 'json']);
    const silences = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    return silences.map(({ id: _id, updatedAt: _u, startsAt: _s, endsAt: _e, ...rest }) => JSON.stringify(rest)).sort();
  };
  assert.deepEqual(await listing(ours), await listing(am));
  assert.equal((await listing(am)).length, 6);
  // An expired silence cannot be imported (its end lies in the past). amtool counts the failure
  // in a goroutine it does not wait for, so its exit code and summary line vary from run to run:
  // compare the per-silence error line only.
  const refusedImport = await Promise.all(
    pair.map(async (s) => {
      const r = await s.run(['silence', 'import', '-w', '1', expired.get(s)!]);
      return { stdout: r.stdout, firstError: s.normalize(r.stderr).split('\n')[0] };
    }),
  );
  assert.deepEqual(refusedImport[1], refusedImport[0]);
  assert.match(refusedImport[0]!.firstError!, /\[400\] postSilencesBadRequest {2}Failed to create silence: end time can't be in the past$/);
});

test('amtool silence expire of an unknown id fails on both (0.25 answers 500, we answer 404 as Alertmanager 0.26+)', async (t) => {
  const pair = await sides(t);
  if (!pair) return;
  const id = '2093d3e6-562b-43d7-957a-2bd9294d8800';
  const [am, ours] = pair;
  const a = await am.run(['silence', 'expire', id]);
  const b = await ours.run(['silence', 'expire', id]);
  assert.notEqual(a.code, 0);
  assert.notEqual(b.code, 0);
  assert.match(a.stderr, /500/);
  assert.match(b.stderr, /404/);
  await same(pair, () => ['silence', 'update', id, '-c', 'x']);
});

test('amtool silence import: an unclosed \\Q is refused with the same kind of line as any other invalid regex (0.25 stores it)', async (t) => {
  const pair = await sides(t);
  if (!pair) return;
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-amtool-badregex-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fileWith = (name: string, value: string): string => {
    const file = join(dir, `${name}.json`);
    const now = Date.now();
    writeFileSync(
      file,
      JSON.stringify([
        { matchers: [{ name: 'a', value, isRegex: true, isEqual: true }], startsAt: rfc3339(now), endsAt: rfc3339(now + 3_600_000), createdBy: 'x', comment: 'c' },
      ]),
    );
    return file;
  };
  // amtool counts import failures in a goroutine it does not wait for: compare the error line only.
  const firstError = async (s: Side, file: string): Promise<string> => s.normalize((await s.run(['silence', 'import', '-w', '1', file])).stderr).split('\n')[0]!;
  const [am, ours] = pair;
  const paren = fileWith('paren', '(');
  const ourParen = await firstError(ours, paren);
  assert.equal(ourParen, await firstError(am, paren));
  assert.match(ourParen, /\[400\] postSilencesBadRequest {2}silence invalid: invalid label matcher 0: invalid regular expression "\(": error parsing regexp: missing closing \): `\(`$/);
  // `x\Qy` compiles alone but not anchored as ^(?:x\Qy)$ (amtool's own matcher parser refuses
  // `a=~x\Qy` for that reason). Alertmanager 0.25 stores it and then fails every silence query;
  // we refuse it like the other invalid regexes.
  assert.match(
    await firstError(ours, fileWith('quote', 'x\\Qy')),
    /\[400\] postSilencesBadRequest {2}silence invalid: invalid label matcher 0: invalid regular expression "x\\\\Qy": error parsing regexp: missing closing \): `\^\(\?:x\\Qy\)\$` \(the value is matched anchored, as \^\(\?:…\)\$: close \\Q with \\E\)$/,
  );
  const listed = await ours.run(['silence', 'query', '-o', 'json']);
  assert.deepEqual(JSON.parse(listed.stdout), []);
});
