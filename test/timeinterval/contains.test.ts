import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { anyIntervalContains, intervalContains, parseTimeInterval, type TimeInterval } from '../../src/timeinterval/timeinterval.js';

const MINUTE_MS = 60_000;

function interval(spec: string): TimeInterval {
  return parseTimeInterval(parseYaml(spec));
}

function at(iso: string): number {
  const ms = Date.parse(iso);
  assert.ok(Number.isFinite(ms), `bad instant in test: ${iso}`);
  return ms;
}

/** Minutes in [fromIso, toIso) that the interval contains, probing each minute's start. */
function containedMinutes(ti: TimeInterval, fromIso: string, toIso: string): number {
  let n = 0;
  for (let ms = at(fromIso); ms < at(toIso); ms += MINUTE_MS) if (intervalContains(ti, ms)) n++;
  return n;
}

interface Case {
  name: string;
  spec: string;
  inside: readonly string[];
  outside: readonly string[];
}

const cases: readonly Case[] = [
  {
    name: 'an empty interval contains every instant',
    spec: '{}',
    inside: ['2006-01-02T15:04:00Z', '1970-01-01T00:00:00Z', '2099-12-31T23:59:59.999Z'],
    outside: [],
  },
  {
    name: 'business hours: start inclusive, end exclusive, weekdays only',
    spec: `{times: [{start_time: '09:00', end_time: '17:00'}], weekdays: ['monday:friday']}`,
    inside: ['2020-05-04T09:00:00Z', '2020-05-04T15:04:00Z', '2020-05-04T16:59:59.999Z', '2020-05-08T12:00:00Z'],
    outside: ['2020-05-04T08:59:59.999Z', '2020-05-04T17:00:00Z', '2020-05-03T15:04:00Z', '2020-05-09T12:00:00Z'],
  },
  {
    name: 'an end of 24:00 runs to midnight and stops there',
    spec: `{times: [{start_time: '17:00', end_time: '24:00'}]}`,
    inside: ['2024-01-01T17:00:00Z', '2024-01-01T23:59:59.999Z'],
    outside: ['2024-01-02T00:00:00Z', '2024-01-01T16:59:00Z'],
  },
  {
    name: 'several time ranges: any one is enough',
    spec: `{times: [{start_time: '00:00', end_time: '06:00'}, {start_time: '22:00', end_time: '24:00'}]}`,
    inside: ['2024-01-01T05:59:00Z', '2024-01-01T22:00:00Z', '2024-01-01T00:00:00Z'],
    outside: ['2024-01-01T06:00:00Z', '2024-01-01T21:59:00Z'],
  },
  {
    name: 'weekday lists mix ranges and single days; the week starts on Sunday',
    spec: `{weekdays: ['monday:wednesday', 'saturday', 'sunday']}`,
    inside: ['2024-03-31T12:00:00Z', '2024-04-01T12:00:00Z', '2024-04-03T23:59:00Z', '2024-04-06T00:00:00Z'],
    outside: ['2024-04-04T00:00:00Z', '2024-04-05T12:00:00Z'],
  },
  {
    name: 'every field must match (Easter 2020)',
    spec: `{days_of_month: ['10:13'], months: [april], years: [2020]}`,
    inside: ['2020-04-10T00:00:00Z', '2020-04-13T23:59:00Z'],
    outside: ['2020-04-09T23:59:00Z', '2020-04-14T00:00:00Z', '2021-04-12T12:00:00Z', '2020-05-12T12:00:00Z'],
  },
  {
    name: 'last three days of the month follow the month length, leap years included',
    spec: `{days_of_month: ['-3:-1']}`,
    inside: [
      '2021-01-29T00:00:00Z', '2021-01-31T23:59:00Z', // 31 days
      '2021-04-28T12:00:00Z', '2021-04-30T12:00:00Z', // 30 days
      '2021-02-26T12:00:00Z', '2021-02-28T12:00:00Z', // 28 days
      '2020-02-27T12:00:00Z', '2020-02-29T12:00:00Z', // leap February
    ],
    outside: ['2021-01-28T23:59:00Z', '2021-04-27T12:00:00Z', '2021-02-25T12:00:00Z', '2020-02-26T12:00:00Z', '2020-03-01T00:00:00Z'],
  },
  {
    name: '-1 is the last day: February 29 in a leap year (2000 too, not 2100), 28 otherwise, 30 in April',
    spec: `{days_of_month: [-1]}`,
    inside: ['2024-02-29T12:00:00Z', '2023-02-28T12:00:00Z', '2024-04-30T12:00:00Z', '2024-12-31T12:00:00Z', '2000-02-29T12:00:00Z', '2100-02-28T12:00:00Z'],
    outside: ['2024-02-28T12:00:00Z', '2024-04-29T12:00:00Z', '2024-12-30T12:00:00Z', '2000-02-28T12:00:00Z', '2100-02-27T12:00:00Z'],
  },
  {
    name: 'a range past the end of a short month is clamped to it',
    spec: `{days_of_month: ['1:31']}`,
    inside: ['2023-02-28T12:00:00Z', '2024-02-29T12:00:00Z', '2024-04-30T12:00:00Z', '2024-05-31T12:00:00Z'],
    outside: [],
  },
  {
    name: 'a range starting after the last day of the month matches nothing that month',
    spec: `{days_of_month: ['29:31']}`,
    inside: ['2024-02-29T12:00:00Z', '2024-01-29T00:00:00Z', '2024-01-31T12:00:00Z'],
    outside: ['2023-02-28T12:00:00Z', '2023-03-01T00:00:00Z', '2024-01-28T23:59:00Z'],
  },
  {
    name: 'day 31 never happens in a 30-day month',
    spec: `{days_of_month: [31]}`,
    inside: ['2024-05-31T00:00:00Z', '2024-12-31T23:59:00Z'],
    outside: ['2024-04-30T12:00:00Z', '2024-06-30T12:00:00Z', '2024-05-01T00:00:00Z'],
  },
  {
    name: 'negative ranges reaching before the month start clamp to its first day',
    spec: `{days_of_month: ['-31:-1']}`,
    inside: ['2023-02-01T00:00:00Z', '2023-02-28T12:00:00Z', '2024-04-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    outside: [],
  },
  {
    name: '-31:-29 is the first three days of a 31-day month, day 1 of a leap February, nothing in February otherwise',
    spec: `{days_of_month: ['-31:-29']}`,
    inside: ['2024-01-01T00:00:00Z', '2024-01-03T23:59:00Z', '2024-02-01T12:00:00Z'],
    outside: ['2024-01-04T00:00:00Z', '2024-02-02T00:00:00Z', '2023-02-01T12:00:00Z', '2023-02-28T12:00:00Z'],
  },
  {
    name: 'months by name and number, across the year boundary as two ranges',
    spec: `{months: ['november:december', '1:2']}`,
    inside: ['2024-11-01T00:00:00Z', '2024-12-31T23:59:59.999Z', '2025-01-01T00:00:00Z', '2025-02-28T23:59:59.999Z'],
    outside: ['2024-10-31T23:59:59.999Z', '2025-03-01T00:00:00Z', '2025-06-15T12:00:00Z'],
  },
  {
    name: 'month and year boundaries are exact to the millisecond',
    spec: `{months: [december], years: [2024]}`,
    inside: ['2024-12-01T00:00:00Z', '2024-12-31T23:59:59.999Z'],
    outside: ['2024-11-30T23:59:59.999Z', '2025-01-01T00:00:00Z', '2023-12-15T12:00:00Z'],
  },
  {
    name: 'year ranges',
    spec: `{years: ['2020:2025', '2030:2035']}`,
    inside: ['2020-01-01T00:00:00Z', '2025-12-31T23:59:00Z', '2030-06-01T00:00:00Z', '2035-12-31T23:59:00Z'],
    outside: ['2019-12-31T23:59:00Z', '2026-01-01T00:00:00Z', '2029-12-31T23:59:00Z', '2036-01-01T00:00:00Z'],
  },
  {
    name: 'out-of-range month numbers parse but never match',
    spec: `{months: ['13', 0]}`,
    inside: [],
    outside: ['2024-01-15T00:00:00Z', '2024-12-15T00:00:00Z'],
  },
  {
    name: 'an empty list matches nothing (Alertmanager keeps it as a present field)',
    spec: `{weekdays: []}`,
    inside: [],
    outside: ['2024-01-01T00:00:00Z', '2024-01-06T12:00:00Z', '2024-01-07T12:00:00Z'],
  },
  {
    name: 'a null weekday element is Go\'s zero range: Sunday',
    spec: `{weekdays: [~]}`,
    inside: ['2024-03-31T12:00:00Z'],
    outside: ['2024-04-01T12:00:00Z'],
  },
  {
    name: 'Australia/Sydney business hours are judged on Sydney\'s clock and calendar',
    spec: `{times: [{start_time: '09:00', end_time: '17:00'}], weekdays: ['monday:friday'], location: Australia/Sydney}`,
    // 2021-04-06 is a Tuesday; Sydney is UTC+10 after DST ended on April 4.
    inside: ['2021-04-06T13:00:00+10:00', '2021-04-05T23:00:00Z'],
    outside: ['2021-04-06T13:00:00Z', '2021-04-06T07:00:00Z'],
  },
  {
    name: 'a weekday follows the zone\'s date, not UTC\'s',
    spec: `{weekdays: [monday], location: Australia/Sydney}`,
    inside: ['2021-04-04T14:00:00Z', '2021-04-05T13:59:59.999Z'],
    outside: ['2021-04-04T13:59:59.999Z', '2021-04-05T14:00:00Z'],
  },
  {
    name: 'new year in Berlin starts an hour before it does in UTC',
    spec: `{months: [january], days_of_month: [1], years: [2025], location: Europe/Berlin}`,
    inside: ['2024-12-31T23:00:00Z', '2025-01-01T22:59:59.999Z'],
    outside: ['2024-12-31T22:59:59.999Z', '2025-01-01T23:00:00Z'],
  },
  {
    name: 'New York business hours keep 09:00 local across the March DST change',
    spec: `{times: [{start_time: '09:00', end_time: '17:00'}], weekdays: ['monday:friday'], location: America/New_York}`,
    // Friday 2024-03-08 is EST (UTC-5); Monday 2024-03-11 is EDT (UTC-4).
    inside: ['2024-03-08T14:00:00Z', '2024-03-08T21:59:00Z', '2024-03-11T13:00:00Z', '2024-03-11T20:59:00Z'],
    outside: ['2024-03-08T13:59:00Z', '2024-03-08T22:00:00Z', '2024-03-11T12:59:00Z', '2024-03-11T21:00:00Z'],
  },
  {
    name: 'New York business hours keep 09:00 local across the November DST change',
    spec: `{times: [{start_time: '09:00', end_time: '17:00'}], weekdays: ['monday:friday'], location: America/New_York}`,
    inside: ['2024-11-01T13:00:00Z', '2024-11-04T14:00:00Z'],
    outside: ['2024-11-01T12:59:00Z', '2024-11-04T13:59:00Z', '2024-11-04T22:00:00Z'],
  },
  {
    name: 'Berlin spring forward: 01:59 CET is followed by 03:00 CEST',
    spec: `{times: [{start_time: '01:00', end_time: '02:00'}], location: Europe/Berlin}`,
    inside: ['2024-03-31T00:00:00Z', '2024-03-31T00:59:59.999Z'],
    outside: ['2024-03-31T01:00:00Z', '2024-03-30T23:59:00Z'],
  },
  {
    // Alertmanager 0.25 computed March as 30 days long in zones that spring forward in it
    // (elapsed hours / 24); later releases count calendar days, as we do.
    name: 'days_of_month -1 is March 31 in Europe/Berlin despite the 23-hour day',
    spec: `{days_of_month: [-1], location: Europe/Berlin}`,
    inside: ['2024-03-30T23:00:00Z', '2024-03-31T21:59:00Z'],
    outside: ['2024-03-30T22:59:00Z', '2024-03-31T22:00:00Z'],
  },
];

for (const c of cases) {
  test(`intervalContains: ${c.name}`, () => {
    const ti = interval(c.spec);
    for (const iso of c.inside) assert.equal(intervalContains(ti, at(iso)), true, `${iso} should be inside ${c.spec}`);
    for (const iso of c.outside) assert.equal(intervalContains(ti, at(iso)), false, `${iso} should be outside ${c.spec}`);
  });
}

test('intervalContains: the hour skipped by Berlin\'s spring-forward day is never inside 02:00-03:00', () => {
  const skipped = interval(`{times: [{start_time: '02:00', end_time: '03:00'}], location: Europe/Berlin}`);
  assert.equal(containedMinutes(skipped, '2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z'), 0);
  // The day before and after have it once.
  assert.equal(containedMinutes(skipped, '2024-03-29T23:00:00Z', '2024-03-30T23:00:00Z'), 60);
  assert.equal(containedMinutes(skipped, '2024-03-31T22:00:00Z', '2024-04-01T22:00:00Z'), 60);
});

test('intervalContains: Berlin\'s fall-back day has 02:00-03:00 twice and lasts 25 hours', () => {
  const repeated = interval(`{times: [{start_time: '02:00', end_time: '03:00'}], location: Europe/Berlin}`);
  assert.equal(containedMinutes(repeated, '2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z'), 120);
  const wholeDay = interval(`{months: [october], days_of_month: [27], location: Europe/Berlin}`);
  assert.equal(containedMinutes(wholeDay, '2024-10-26T00:00:00Z', '2024-10-29T00:00:00Z'), 25 * 60);
  const springDay = interval(`{months: [march], days_of_month: [-1], location: Europe/Berlin}`);
  assert.equal(containedMinutes(springDay, '2024-03-30T00:00:00Z', '2024-04-02T00:00:00Z'), 23 * 60);
});

test('intervalContains: New York\'s fall-back hour 01:00-02:00 happens twice', () => {
  const ti = interval(`{times: [{start_time: '01:00', end_time: '02:00'}], location: America/New_York}`);
  assert.equal(containedMinutes(ti, '2024-11-03T04:00:00Z', '2024-11-04T05:00:00Z'), 120);
  assert.equal(intervalContains(ti, at('2024-11-03T05:30:00Z')), true); // 01:30 EDT
  assert.equal(intervalContains(ti, at('2024-11-03T06:30:00Z')), true); // 01:30 EST
  assert.equal(intervalContains(ti, at('2024-11-03T07:00:00Z')), false); // 02:00 EST
});

test('intervalContains: the same clock interval in UTC and in a zone differ by the offset', () => {
  const utc = interval(`{times: [{start_time: '09:00', end_time: '10:00'}]}`);
  const kolkata = interval(`{times: [{start_time: '09:00', end_time: '10:00'}], location: Asia/Kolkata}`);
  assert.equal(containedMinutes(utc, '2024-06-01T00:00:00Z', '2024-06-02T00:00:00Z'), 60);
  assert.equal(intervalContains(utc, at('2024-06-01T09:00:00Z')), true);
  assert.equal(intervalContains(kolkata, at('2024-06-01T09:00:00Z')), false);
  assert.equal(intervalContains(kolkata, at('2024-06-01T03:30:00Z')), true);
  assert.equal(intervalContains(kolkata, at('2024-06-01T04:29:59.999Z')), true);
  assert.equal(intervalContains(kolkata, at('2024-06-01T04:30:00Z')), false);
});

test('anyIntervalContains: true when any interval of the name contains the instant', () => {
  const weekend = interval(`{weekdays: ['saturday', 'sunday']}`);
  const nights = interval(`{times: [{start_time: '00:00', end_time: '06:00'}]}`);
  const both = [weekend, nights];
  assert.equal(anyIntervalContains(both, at('2024-04-06T12:00:00Z')), true); // Saturday noon
  assert.equal(anyIntervalContains(both, at('2024-04-03T03:00:00Z')), true); // Wednesday night
  assert.equal(anyIntervalContains(both, at('2024-04-03T12:00:00Z')), false); // Wednesday noon
  assert.equal(anyIntervalContains([], at('2024-04-03T12:00:00Z')), false);
});
