import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { parseTimeInterval, TimeIntervalError, type TimeInterval } from '../../src/timeinterval/timeinterval.js';

// Each spec is one element of a named interval's `time_intervals:` list, written as the
// operator would in YAML (flow style), so the tests see what the config loader passes in.
const good: readonly { spec: string; want: TimeInterval }[] = [
  { spec: '{}', want: { location: 'UTC' } },
  { spec: '~', want: { location: 'UTC' } },
  {
    spec: `{times: [{start_time: '09:00', end_time: '17:00'}], weekdays: ['monday:friday']}`,
    want: { location: 'UTC', times: [{ startMinute: 540, endMinute: 1020 }], weekdays: [{ begin: 1, end: 5 }] },
  },
  { spec: `{times: [{start_time: 00:00, end_time: 24:00}]}`, want: { location: 'UTC', times: [{ startMinute: 0, endMinute: 1440 }] } },
  { spec: `{times: [{start_time: '23:59', end_time: '24:00'}]}`, want: { location: 'UTC', times: [{ startMinute: 1439, endMinute: 1440 }] } },
  {
    spec: `{weekdays: ['Monday:FRIDAY', sunday, 'saturday:saturday']}`,
    want: { location: 'UTC', weekdays: [{ begin: 1, end: 5 }, { begin: 0, end: 0 }, { begin: 6, end: 6 }] },
  },
  {
    spec: `{days_of_month: [1, '-3:-1', '1:-1', '27:-1', '-31:-1', '+5', '-29:-1']}`,
    want: {
      location: 'UTC',
      daysOfMonth: [
        { begin: 1, end: 1 },
        { begin: -3, end: -1 },
        { begin: 1, end: -1 },
        { begin: 27, end: -1 },
        { begin: -31, end: -1 },
        { begin: 5, end: 5 },
        { begin: -29, end: -1 },
      ],
    },
  },
  {
    spec: `{months: ['1:3', 'May:august', December, 12]}`,
    want: { location: 'UTC', months: [{ begin: 1, end: 3 }, { begin: 5, end: 8 }, { begin: 12, end: 12 }, { begin: 12, end: 12 }] },
  },
  // Alertmanager does not range-check month numbers: these parse and simply never match.
  { spec: `{months: ['13', 0]}`, want: { location: 'UTC', months: [{ begin: 13, end: 13 }, { begin: 0, end: 0 }] } },
  { spec: `{years: ['2020:2022', 2030]}`, want: { location: 'UTC', years: [{ begin: 2020, end: 2022 }, { begin: 2030, end: 2030 }] } },
  { spec: `{location: Europe/Berlin}`, want: { location: 'Europe/Berlin' } },
  { spec: `{location: US/Eastern}`, want: { location: 'US/Eastern' } },
  { spec: `{location: Local}`, want: { location: 'Local' } },
  { spec: `{location: ''}`, want: { location: 'UTC' } },
  { spec: `{location: ~}`, want: { location: 'UTC' } },
  // Empty lists are kept: Alertmanager then matches no instant at all.
  { spec: `{weekdays: [], times: []}`, want: { location: 'UTC', weekdays: [], times: [] } },
  { spec: `{weekdays: ~}`, want: { location: 'UTC' } },
  // Null list elements are Go's zero values (Alertmanager skips validating them).
  { spec: `{weekdays: [~], times: [~]}`, want: { location: 'UTC', weekdays: [{ begin: 0, end: 0 }], times: [{ startMinute: 0, endMinute: 0 }] } },
];

for (const { spec, want } of good) {
  test(`parseTimeInterval: accepts ${spec}`, () => {
    const got = parseTimeInterval(parseYaml(spec));
    assert.deepEqual(got, want);
    assert.ok(Object.isFrozen(got));
    if (got.times) assert.ok(Object.isFrozen(got.times) && got.times.every(Object.isFrozen));
  });
}

const bad: readonly { spec: string; keyPath: readonly (string | number)[]; message: RegExp }[] = [
  { spec: `[]`, keyPath: [], message: /^a time interval must be a mapping \(got a list\)$/ },
  { spec: `monday`, keyPath: [], message: /got string "monday"/ },
  { spec: `{weekday: [monday]}`, keyPath: ['weekday'], message: /^unknown field "weekday" \(want one of times, weekdays, days_of_month, months, years, location\)$/ },
  { spec: `{weekdays: monday}`, keyPath: ['weekdays'], message: /^weekdays must be a list \(got string "monday"\)$/ },
  {
    spec: `{times: [{start_time: '09:00', end_time: '25:00'}]}`,
    keyPath: ['times', 0, 'end_time'],
    message: /^end_time "25:00" is not a valid time \(want HH:MM between 00:00 and 24:00\)$/,
  },
  { spec: `{times: [{start_time: '9:00', end_time: '17:00'}]}`, keyPath: ['times', 0, 'start_time'], message: /^start_time "9:00" is not a valid time/ },
  { spec: `{times: [{start_time: '09:00', end_time: '24:01'}]}`, keyPath: ['times', 0, 'end_time'], message: /"24:01" is not a valid time/ },
  { spec: `{times: [{start_time: '09:00', end_time: '09:60'}]}`, keyPath: ['times', 0, 'end_time'], message: /"09:60" is not a valid time/ },
  { spec: `{times: [{start_time: '09:00', end_time: 900}]}`, keyPath: ['times', 0, 'end_time'], message: /"900" is not a valid time/ },
  { spec: `{times: [{start_time: '09:00', end_time: "09:00\\n"}]}`, keyPath: ['times', 0, 'end_time'], message: /is not a valid time/ },
  {
    spec: `{times: [{start_time: '08:00', end_time: '09:00'}, {start_time: '17:00', end_time: '09:00'}]}`,
    keyPath: ['times', 1, 'end_time'],
    message: /^end_time "09:00" must be after start_time "17:00"/,
  },
  { spec: `{times: [{start_time: '17:31', end_time: '17:31'}]}`, keyPath: ['times', 0, 'end_time'], message: /must be after start_time/ },
  { spec: `{times: [{start_time: '24:00', end_time: '24:00'}]}`, keyPath: ['times', 0, 'end_time'], message: /must be after start_time "24:00"/ },
  { spec: `{times: [{start_time: '09:00'}]}`, keyPath: ['times', 0, 'end_time'], message: /needs both start_time and end_time/ },
  { spec: `{times: [{start_time: '', end_time: '10:00'}]}`, keyPath: ['times', 0, 'start_time'], message: /needs both start_time and end_time/ },
  { spec: `{times: [{}]}`, keyPath: ['times', 0], message: /needs both start_time and end_time/ },
  { spec: `{times: [{start_time: '09:00', end_time: '10:00', tz: UTC}]}`, keyPath: ['times', 0, 'tz'], message: /^unknown field "tz" \(want one of start_time, end_time\)$/ },
  { spec: `{times: ['09:00-17:00']}`, keyPath: ['times', 0], message: /time range must be a mapping with start_time and end_time/ },
  { spec: `{times: [{start_time: [1], end_time: '10:00'}]}`, keyPath: ['times', 0, 'start_time'], message: /^start_time must be a string \(got a list\)$/ },
  { spec: `{weekdays: [monday, funday]}`, keyPath: ['weekdays', 1], message: /^weekday "funday" is not valid \(want a day name like "monday", or start:end\)$/ },
  { spec: `{weekdays: ['1:3']}`, keyPath: ['weekdays', 0], message: /"1" in range "1:3" is not valid/ },
  { spec: `{weekdays: [mon]}`, keyPath: ['weekdays', 0], message: /weekday "mon" is not valid/ },
  { spec: `{weekdays: ['']}`, keyPath: ['weekdays', 0], message: /weekday "" is not valid/ },
  { spec: `{weekdays: [true]}`, keyPath: ['weekdays', 0], message: /weekday "true" is not valid/ },
  { spec: `{weekdays: ['friday:monday']}`, keyPath: ['weekdays', 0], message: /^weekday range "friday:monday" ends before it starts/ },
  { spec: `{weekdays: ['saturday:sunday']}`, keyPath: ['weekdays', 0], message: /ends before it starts/ },
  { spec: `{weekdays: ['monday:tuesday:friday']}`, keyPath: ['weekdays', 0], message: /has more than one ":"/ },
  { spec: `{weekdays: [{a: 1}]}`, keyPath: ['weekdays', 0], message: /^weekday must be a string \(got a mapping\)$/ },
  { spec: `{days_of_month: [0]}`, keyPath: ['days_of_month', 0], message: /^day of month 0 in "0" is out of range \(want 1 to 31, or -31 to -1/ },
  { spec: `{days_of_month: ['1:50']}`, keyPath: ['days_of_month', 0], message: /day of month 50 in "1:50" is out of range/ },
  { spec: `{days_of_month: ['-50:-20']}`, keyPath: ['days_of_month', 0], message: /day of month -50 in "-50:-20" is out of range/ },
  { spec: `{days_of_month: ['-31:31']}`, keyPath: ['days_of_month', 0], message: /starts counting from the month's end/ },
  { spec: `{days_of_month: ['-15:5']}`, keyPath: ['days_of_month', 0], message: /starts counting from the month's end but ends counting from its start/ },
  { spec: `{days_of_month: ['10:-25']}`, keyPath: ['days_of_month', 0], message: /^day of month range "10:-25" always ends before it starts/ },
  // 28:-1 is a real range in a 31-day month but empty in February, so it is refused.
  { spec: `{days_of_month: ['28:-1']}`, keyPath: ['days_of_month', 0], message: /always ends before it starts/ },
  { spec: `{days_of_month: ['-1:-3']}`, keyPath: ['days_of_month', 0], message: /always ends before it starts/ },
  { spec: `{days_of_month: [5, '5:3']}`, keyPath: ['days_of_month', 1], message: /always ends before it starts/ },
  { spec: `{days_of_month: [' 5']}`, keyPath: ['days_of_month', 0], message: /day of month " 5" is not valid \(want a day number like 1 or -1, or start:end\)/ },
  { spec: `{days_of_month: ['1:']}`, keyPath: ['days_of_month', 0], message: /"" in range "1:" is not valid/ },
  { spec: `{days_of_month: [first]}`, keyPath: ['days_of_month', 0], message: /day of month "first" is not valid/ },
  { spec: `{months: [jan]}`, keyPath: ['months', 0], message: /^month "jan" is not valid \(want a month name like "january" or a number, or start:end\)$/ },
  { spec: `{months: ['march:1']}`, keyPath: ['months', 0], message: /^month range "march:1" ends before it starts/ },
  { spec: `{months: ['december:january']}`, keyPath: ['months', 0], message: /ends before it starts/ },
  { spec: `{years: ['2020:2019']}`, keyPath: ['years', 0], message: /^year range "2020:2019" ends before it starts/ },
  { spec: `{years: ['99999999999999999999']}`, keyPath: ['years', 0], message: /year "99999999999999999999" is not valid/ },
  { spec: `{years: ['20x4']}`, keyPath: ['years', 0], message: /year "20x4" is not valid/ },
  { spec: `{location: Mars/Olympus}`, keyPath: ['location'], message: /^location "Mars\/Olympus" is not a known time zone \(want an IANA name like "Europe\/Berlin", or "UTC" or "Local"/ },
  // Go looks zones up by exact file name, so case matters even though Intl would accept these.
  { spec: `{location: europe/berlin}`, keyPath: ['location'], message: /location "europe\/berlin" is not a known time zone/ },
  { spec: `{location: us/eastern}`, keyPath: ['location'], message: /is not a known time zone/ },
  { spec: `{location: utc}`, keyPath: ['location'], message: /is not a known time zone/ },
  { spec: `{location: local}`, keyPath: ['location'], message: /is not a known time zone/ },
  { spec: `{location: 'Europe/Berlin '}`, keyPath: ['location'], message: /is not a known time zone/ },
  { spec: `{location: [Europe/Berlin]}`, keyPath: ['location'], message: /^location must be a string \(got a list\)$/ },
];

for (const { spec, keyPath, message } of bad) {
  test(`parseTimeInterval: refuses ${spec} at ${JSON.stringify(keyPath)}`, () => {
    assert.throws(
      () => parseTimeInterval(parseYaml(spec)),
      (err: unknown) => {
        assert.ok(err instanceof TimeIntervalError, `want TimeIntervalError, got ${String(err)}`);
        assert.equal(err.code, 'bad_time_interval');
        assert.deepEqual(err.keyPath, keyPath);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test('parseTimeInterval: reports the first bad element of a list', () => {
  assert.throws(() => parseTimeInterval({ weekdays: ['monday', 'friday:monday', 'funday'] }), (err: unknown) => {
    assert.ok(err instanceof TimeIntervalError);
    assert.deepEqual(err.keyPath, ['weekdays', 1]);
    return true;
  });
});
