import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseTimeInterval } from '../../src/timeinterval/timeinterval.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

const execFileAsync = promisify(execFile);

// Differential test: every spec goes into its own Alertmanager config, all files are checked
// in one `amtool check-config` run, and amtool's verdict must equal whether we parse the spec.
// Specs are YAML flow mappings for one element of a named interval's `time_intervals:` list.

const HANDPICKED: readonly string[] = [
  '{}',
  '~',
  `{times: [{start_time: '09:00', end_time: '17:00'}], weekdays: ['monday:friday'], location: Europe/Berlin}`,
  `{times: [{start_time: '09:00'}]}`,
  `{times: [{end_time: '09:00'}]}`,
  `{times: [{}]}`,
  `{times: [~]}`,
  `{times: []}`,
  `{times: ~}`,
  `{times: ['09:00-17:00']}`,
  `{times: [{start_time: '09:00', end_time: '10:00', tz: UTC}]}`,
  `{times: [{start_time: [1], end_time: '10:00'}]}`,
  `{times: [{start_time: ~, end_time: '10:00'}]}`,
  `{times: [{start_time: 900, end_time: '10:00'}]}`,
  `{times: {start_time: '09:00', end_time: '10:00'}}`,
  `{weekdays: monday}`,
  `{weekdays: [monday, funday]}`,
  `{weekdays: [~]}`,
  `{weekdays: ['']}`,
  `{weekdays: [true]}`,
  `{weekdays: [1]}`,
  `{weekdays: ['1:3']}`,
  `{weekdays: ['-2:-1']}`,
  `{weekdays: ['Monday:FRIDAY', SUNDAY]}`,
  `{weekdays: ['monday:tuesday:friday']}`,
  `{weekdays: [mon]}`,
  `{weekdays: [{a: 1}]}`,
  `{weekdays: [[monday]]}`,
  `{days_of_month: [1, -1]}`,
  `{days_of_month: ['+5']}`,
  `{days_of_month: [' 5']}`,
  `{days_of_month: ['5 ']}`,
  `{days_of_month: ['1:']}`,
  `{days_of_month: [':']}`,
  `{days_of_month: [':5']}`,
  `{days_of_month: ['1:2:3']}`,
  `{days_of_month: ['--1']}`,
  `{days_of_month: ['05']}`,
  `{days_of_month: [first]}`,
  `{days_of_month: [~]}`,
  `{months: [jan]}`,
  `{months: [January, 'FEBRUARY:march', '4:june', '+7']}`,
  `{months: ['13', 0, '-1']}`,
  `{months: ['13:14']}`,
  `{months: ['99999999999999999999']}`,
  `{years: [0, '-5', '2020:2022']}`,
  `{years: ['99999999999999999999']}`,
  `{years: ['9223372036854775807']}`,
  `{years: ['-9223372036854775808']}`,
  `{years: ['9223372036854775808']}`,
  `{years: ['20x4']}`,
  `{years: ['2020:2019']}`,
  `{location: ''}`,
  `{location: ~}`,
  `{location: [Europe/Berlin]}`,
  `{location: 5}`,
  `{foo: 1}`,
  `{weekday: [monday]}`,
  `[]`,
  `monday`,
];

const LOCATIONS = [
  'UTC', 'Local', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Asia/Calcutta',
  'US/Eastern', 'US/EASTERN', 'EST5EDT', 'EST', 'GMT', 'GMT+0', 'Etc/GMT+5', 'Etc/UTC', 'Zulu', 'GB', 'America/Port-au-Prince',
  'America/Argentina/Buenos_Aires', 'europe/berlin', 'us/eastern', 'utc', 'local', 'LOCAL', 'Europe/Berlin ',
  ' Europe/Berlin', 'Mars/Olympus', 'Europe', 'Europe/../Europe/Berlin', '/Europe/Berlin', 'Europe/Berlin/',
];

const TIMES = ['00:00', '00:01', '09:00', '9:00', '09:0', '12:59', '12:60', '23:59', '24:00', '24:01', '25:00', '1200', '-1:00', 'noon', ''];
const DAYS = [-32, -31, -30, -29, -28, -27, -26, -15, -2, -1, 0, 1, 2, 15, 26, 27, 28, 29, 30, 31, 32];
const WEEKDAY_NAMES = ['sunday', 'monday', 'wednesday', 'saturday', 'Friday', 'TUESDAY', 'sun', '0', '7'];
const MONTH_MEMBERS = ['0', '1', '12', '13', '-1', 'january', 'march', 'December', 'sept'];

// Go reads zones from the system tz database, by exact (case-sensitive) file name.
const ZONEINFO_DIR = '/usr/share/zoneinfo';
// Names Go opens from that directory but ICU (hence Intl, which evaluates our intervals) does
// not know; we refuse them. Checked in their own test so a change on either side shows.
const GO_ONLY_ZONES = ['Factory', 'posixrules', 'localtime', 'right/UTC', 'posix/Europe/Berlin'];

/** Every file name in the system tz database (skipping the posix/ and right/ copies), as-is, lowercased and uppercased. */
function systemZoneNames(): string[] {
  if (!existsSync(ZONEINFO_DIR)) return [];
  const names = readdirSync(ZONEINFO_DIR, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(ZONEINFO_DIR.length + 1))
    .filter((n) => !/^(posix|right)\//.test(n) && !GO_ONLY_ZONES.includes(n));
  return names.flatMap((n) => [n, n.toLowerCase(), n.toUpperCase()]);
}

function generatedSpecs(): string[] {
  const q = (s: string | number) => `'${String(s)}'`;
  const specs: string[] = [];
  for (const loc of [...LOCATIONS, ...systemZoneNames()]) specs.push(`{location: ${q(loc)}}`);
  for (const start of TIMES) {
    for (const end of TIMES) specs.push(`{times: [{start_time: ${q(start)}, end_time: ${q(end)}}]}`);
  }
  for (const a of DAYS) {
    specs.push(`{days_of_month: [${q(a)}]}`);
    for (const b of DAYS) specs.push(`{days_of_month: [${q(`${a}:${b}`)}]}`);
  }
  for (const a of WEEKDAY_NAMES) {
    specs.push(`{weekdays: [${q(a)}]}`);
    for (const b of WEEKDAY_NAMES) specs.push(`{weekdays: [${q(`${a}:${b}`)}]}`);
  }
  for (const a of MONTH_MEMBERS) {
    specs.push(`{months: [${q(a)}]}`);
    for (const b of MONTH_MEMBERS) specs.push(`{months: [${q(`${a}:${b}`)}]}`);
  }
  for (const y of ['2020:2020', '2021:2020', '-1:1', '1:-1', '0:0']) specs.push(`{years: [${q(y)}]}`);
  return specs;
}

function configFor(spec: string, legacy: boolean): string {
  const key = legacy ? 'mute_time_intervals' : 'time_intervals';
  return `route:\n  receiver: r\nreceivers:\n- name: r\n${key}:\n- name: t\n  time_intervals:\n  - ${spec}\n`;
}

function weAccept(spec: string): { ok: boolean; why: string } {
  try {
    parseTimeInterval(parseYaml(spec));
    return { ok: true, why: 'parsed' };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** amtool's verdict per file: '' for SUCCESS, else its first line of failure. */
async function amtoolVerdicts(amtool: string, files: readonly string[]): Promise<Map<string, string>> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(amtool, ['check-config', ...files], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    // Exit status 1 when any file fails; the per-file verdicts are still on stdout.
    stdout = (err as { stdout?: string }).stdout ?? '';
  }
  const verdicts = new Map<string, string>();
  for (const m of stdout.matchAll(/^Checking '([^']+)'\s+(SUCCESS|FAILED: ?(.*))$/gm)) {
    verdicts.set(m[1]!, m[2] === 'SUCCESS' ? '' : m[3] || 'FAILED');
  }
  return verdicts;
}

test('time intervals: we accept and refuse exactly the specs amtool check-config does', async (t) => {
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  const dir = await mkdtemp(join(tmpdir(), 'alertrouter-ti-'));
  t.after(() => rm(dir, { recursive: true, force: true }));

  const specs = [...HANDPICKED, ...generatedSpecs()];
  const files = specs.map((_, i) => join(dir, `ti-${String(i).padStart(4, '0')}.yml`));
  // The legacy mute_time_intervals block goes through the same parser in Alertmanager.
  const legacyFiles = HANDPICKED.map((_, i) => join(dir, `legacy-${String(i).padStart(4, '0')}.yml`));
  await Promise.all([
    ...specs.map((spec, i) => writeFile(files[i]!, configFor(spec, false))),
    ...HANDPICKED.map((spec, i) => writeFile(legacyFiles[i]!, configFor(spec, true))),
  ]);
  const verdicts = await amtoolVerdicts(amtool, [...files, ...legacyFiles]);
  assert.equal(verdicts.size, files.length + legacyFiles.length, 'amtool did not report on every file');
  assert.equal(verdicts.get(files[0]!), '', 'the control config {} must pass amtool');

  const mismatches: string[] = [];
  let refused = 0;
  const compare = (spec: string, file: string) => {
    const theirs = verdicts.get(file)!;
    const ours = weAccept(spec);
    if (theirs !== '') refused++;
    if (ours.ok !== (theirs === '')) {
      mismatches.push(`${spec}: amtool ${theirs === '' ? 'accepts' : `refuses (${theirs})`}, we ${ours.ok ? 'accept' : `refuse (${ours.why})`}`);
    }
  };
  specs.forEach((spec, i) => compare(spec, files[i]!));
  HANDPICKED.forEach((spec, i) => compare(spec, legacyFiles[i]!));
  assert.deepEqual(mismatches, []);
  // Guard against a vacuous run: both verdicts must be well represented.
  assert.ok(refused > 100 && refused < files.length + legacyFiles.length - 100, `refused ${refused} of ${verdicts.size}`);
});

test('time intervals: zones Go finds on disk but Intl does not know are refused (known divergence)', async (t) => {
  const amtool = requireOracle('amtool');
  if (!amtool) return t.skip(missingOracleReason('amtool'));
  const dir = await mkdtemp(join(tmpdir(), 'alertrouter-ti-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const present = GO_ONLY_ZONES.filter((z) => existsSync(join(ZONEINFO_DIR, z)));
  if (present.length === 0) return t.skip(`none of ${GO_ONLY_ZONES.join(', ')} in ${ZONEINFO_DIR}`);
  const files = present.map((_, i) => join(dir, `zone-${i}.yml`));
  await Promise.all(present.map((z, i) => writeFile(files[i]!, configFor(`{location: '${z}'}`, false))));
  const verdicts = await amtoolVerdicts(amtool, files);
  present.forEach((zone, i) => {
    assert.equal(verdicts.get(files[i]!), '', `amtool should accept location ${zone}`);
    assert.equal(weAccept(`{location: '${zone}'}`).ok, false, `we should refuse location ${zone}`);
  });
});
