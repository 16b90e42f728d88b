// Functions Alertmanager added after 0.25 (trimSpace, date, tz, since, humanizeDuration,
// urlUnescape, toJson, safeUrl); amtool 0.25 cannot render them, so expectations here follow
// Go's and prometheus/common's documented behaviour.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTemplateData } from '../../src/template/data.js';
import { formatGoDuration, GoTime, loadLocation } from '../../src/template/gotime.js';
import { Templates } from '../../src/template/template.js';
import { makeAlert } from '../support/alerts.js';

const T0 = Date.UTC(2024, 0, 2, 15, 4, 5, 123);
const templates = Templates.fromStrings();
const alert = makeAlert({ labels: { alertname: 'A', job: 'node' }, annotations: { note: '<b>&' }, startsAtMs: T0 });
const data = buildTemplateData({
  receiver: 'r',
  alerts: [alert],
  groupLabels: { alertname: 'A' },
  externalURL: 'http://am',
  nowMs: T0 + 1000,
});
const render = (text: string, nowMs = T0): string => templates.executeText(text, data, { nowMs });
const START = '(index .Alerts 0).StartsAt';

describe('trimSpace', () => {
  test('trims what Go calls space, not a byte order mark', () => {
    assert.equal(render('[{{ trimSpace "\\t a b \\n" }}][{{ trimSpace "\\u0085x\\u00a0" }}][{{ trimSpace "\\ufeffx" }}]'), '[a b][x][\ufeffx]');
  });
});

describe('date and tz', () => {
  test('date formats with a Go layout', () => {
    assert.equal(render(`{{ date "2006-01-02 15:04:05.000 MST" ${START} }}`), '2024-01-02 15:04:05.123 UTC');
    assert.equal(render(`{{ ${START} | date "Jan 2, 3:04pm" }}`), 'Jan 2, 3:04pm');
  });

  test('tz moves a time into a named zone with its offset and abbreviation', () => {
    assert.equal(render(`{{ tz "Europe/Berlin" ${START} }}`), '2024-01-02 16:04:05.123 +0100 CET');
    assert.equal(render(`{{ ${START} | tz "America/New_York" | date "15:04 MST -07:00" }}`), '10:04 EST -05:00');
    assert.equal(render(`{{ tz "Asia/Kolkata" ${START} | date "15:04 -0700" }}`), '20:34 +0530');
    assert.equal(render(`{{ tz "UTC" ${START} }}`), '2024-01-02 15:04:05.123 +0000 UTC');
  });

  test('tz follows daylight saving time', () => {
    const july = GoTime.fromMs(Date.UTC(2024, 6, 1, 12, 0, 0)).in(loadLocation('Europe/Berlin'));
    assert.equal(july.toString(), '2024-07-01 14:00:00 +0200 CEST');
  });

  test('tz reports unknown zones as Go does', () => {
    assert.throws(() => render(`{{ tz "Mars/Olympus" ${START} }}`), /error calling tz: unknown time zone Mars\/Olympus/);
  });
});

describe('since and humanizeDuration', () => {
  test('since measures from the injected now', () => {
    assert.equal(render(`{{ since ${START} }}`, T0 + 90_500), '1m30.5s');
    assert.equal(render(`{{ since ${START} | humanizeDuration }}`, T0 + 2 * 86_400_000 + 5_000), '2d 0h 0m 5s');
  });

  test('humanizeDuration as prometheus/common renders seconds', () => {
    const cases: Array<[string, string]> = [
      ['0', '0s'],
      ['1', '1s'],
      ['60', '1m 0s'],
      ['3600', '1h 0m 0s'],
      ['86400', '1d 0h 0m 0s'],
      ['90000', '1d 1h 0m 0s'],
      ['-183845', '-2d 3h 4m 5s'],
      ['899.99', '14m 59s'],
      ['0.1', '100ms'],
      ['0.0001', '100us'],
      ['0.12345', '123.5ms'],
      ['60.1', '1m 0s'],
      ['1.2345', '1.234s'],
      ['12.345', '12.35s'],
      ['1234567', '14d 6h 56m 7s'],
      ['"3600"', '1h 0m 0s'],
      ['".1"', '100ms'],
    ];
    for (const [arg, want] of cases) assert.equal(render(`{{ humanizeDuration ${arg} }}`), want, arg);
  });

  test('humanizeDuration rejects what is not a number', () => {
    assert.throws(() => render('{{ humanizeDuration "one" }}'), /error calling humanizeDuration: strconv\.ParseFloat: parsing "one": invalid syntax/);
    assert.throws(() => render('{{ humanizeDuration .Alerts }}'), /error calling humanizeDuration: can't convert template\.Alerts to float/);
  });

  test('durations print like Go', () => {
    const cases: Array<[number, string]> = [
      [0, '0s'],
      [1, '1ns'],
      [1500, '1.5µs'],
      [1_500_000, '1.5ms'],
      [1.5e9, '1.5s'],
      [90e9, '1m30s'],
      [3600e9, '1h0m0s'],
      [-1.5e9, '-1.5s'],
      [100 * 3600e9 + 1, '100h0m0.000000001s'],
    ];
    for (const [ns, want] of cases) assert.equal(formatGoDuration(ns), want, String(ns));
  });
});

describe('urlUnescape, toJson, safeUrl', () => {
  test('urlUnescape decodes query escapes', () => {
    assert.equal(render('{{ urlUnescape "a%20b+c%C3%A9" }}'), 'a b cé');
    assert.throws(() => render('{{ urlUnescape "x%zz" }}'), /error calling urlUnescape: invalid URL escape "%zz"/);
  });

  test('toJson marshals like encoding/json', () => {
    assert.equal(render('{{ toJson .CommonLabels }}'), '{"alertname":"A","job":"node"}');
    assert.equal(render('{{ toJson (index .Alerts 0).Annotations }}'), '{"note":"\\u003cb\\u003e\\u0026"}');
    assert.equal(
      render('{{ toJson (index .Alerts 0) }}'),
      `{"status":"firing","labels":{"alertname":"A","job":"node"},"annotations":{"note":"\\u003cb\\u003e\\u0026"},"startsAt":"2024-01-02T15:04:05.123Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"${alert.fingerprint}"}`,
    );
    assert.equal(render('{{ toJson (stringSlice "a" "b") }} {{ toJson 1.5 }} {{ toJson 3 }} {{ toJson true }}'), '["a","b"] 1.5 3 true');
  });

  test('safeUrl skips the URL filter in HTML', () => {
    assert.equal(templates.executeHtml('<a href="{{ "javascript:x()" }}">a</a><a href="{{ safeUrl "javascript:x()" }}">b</a>', data), '<a href="#ZgotmplZ">a</a><a href="javascript:x%28%29">b</a>');
  });
});
