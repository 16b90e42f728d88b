import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalHeaderKey, checkAlertmanagerUrl, parseGoUrl, splitHostPort } from '../../src/config/values.js';

describe('parseGoUrl / checkAlertmanagerUrl', () => {
  it('takes the scheme case-insensitively and finds the host', () => {
    assert.deepEqual(parseGoUrl('HTTPS://User:pw@Example.org:8443/p?q#f'), { ok: true, value: { scheme: 'https', host: 'Example.org:8443' } });
    assert.equal(checkAlertmanagerUrl('http://[2001:db8::1]:80/x'), undefined);
  });

  const refused: ReadonlyArray<[string, RegExp]> = [
    ['ftp://example.org/', /unsupported scheme "ftp"/],
    ['example.org/hook', /unsupported scheme ""/],
    ['http:///hook', /missing host/],
    ['http:example.org', /missing host/],
    ['mailto:ops@example.org', /unsupported scheme "mailto"/],
    ['http://exa mple.org/', /invalid character " " in host name/],
    ['http://example.org:8o/', /invalid port ":8o"/],
    ['http://example.org/%g0', /invalid URL escape "%g0"/],
    ['http://[::1/', /missing '\]' in host/],
    ['http://exa\nmple.org/', /control character/],
    [':foo', /missing protocol scheme/],
  ];
  for (const [url, why] of refused) {
    it(`refuses ${JSON.stringify(url)}`, () => {
      assert.match(checkAlertmanagerUrl(url) ?? 'accepted', why);
    });
  }
});

describe('splitHostPort (Go net.SplitHostPort)', () => {
  it('splits host and port, brackets removed', () => {
    assert.deepEqual(splitHostPort('smtp.example.org:587'), { ok: true, value: { host: 'smtp.example.org', port: '587' } });
    assert.deepEqual(splitHostPort('[::1]:25'), { ok: true, value: { host: '::1', port: '25' } });
    assert.deepEqual(splitHostPort(':25'), { ok: true, value: { host: '', port: '25' } });
    assert.deepEqual(splitHostPort('h:'), { ok: true, value: { host: 'h', port: '' } });
  });
  for (const [s, why] of [['host', 'missing port'], ['::1:25', 'too many colons'], ['[::1]25', 'missing port'], ['[::1', "missing ']'"], ['a]:1', "unexpected ']'"]] as const) {
    it(`refuses ${JSON.stringify(s)}: ${why}`, () => {
      const r = splitHostPort(s);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.reason.includes(why), JSON.stringify(r));
    });
  }
});

describe('canonicalHeaderKey (Go textproto)', () => {
  for (const [key, want] of [['subject', 'Subject'], ['x-custom-HEADER', 'X-Custom-Header'], ['REPLY-TO', 'Reply-To'], ['x a', 'x a'], ['x-ä', 'x-ä'], ['-x', '-X']] as const) {
    it(`${JSON.stringify(key)} → ${JSON.stringify(want)}`, () => {
      assert.equal(canonicalHeaderKey(key), want);
    });
  }
});
