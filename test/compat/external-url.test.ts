// Differential test: the external URL notifications carry (webhook `externalURL`, templates'
// .ExternalURL, the default templates' links) is what Alertmanager 0.25 makes of
// --web.external-url: Go's URL.String(), not WHATWG's normalised form, so the host keeps its
// case, user info, a default port, the query and fragment stay, and the path is escaped as Go
// escapes it. A URL Go cannot parse stops both daemons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveWebUrls } from '../../src/web/address.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager, startWebhookSink } from '../support/real-alertmanager.js';

const alertmanager = requireOracle('alertmanager');

const URLS = [
  'http://am.example:9093/prefix/',
  'HTTP://AM.Example:9093/P%20fx',
  'http://user:pw@am.example',
  'http://am.example:80/',
  'http://am.example:9093/a/b?x=1&y=a b#frag',
  'https://x/a b/(c)!/',
  'https://x/ü',
  'https://x/a%2Fb',
  'https://x/a%2Fb/',
  'https://x/a/./b/../c',
  'http://[::1]:9093/x//',
  'https://Ü.example/',
  'https://x/a%zz',
];

/** Alertmanager's external URL as its webhook reports it, or "refused" when it does not start. */
async function alertmanagersUrl(t: Parameters<typeof startAlertmanager>[0], binary: string, externalUrl: string): Promise<string> {
  const sink = await startWebhookSink(t);
  const yaml = `route: { receiver: r, group_wait: 0s }\nreceivers: [{ name: r, webhook_configs: [{ url: '${sink.url}/r' }] }]\n`;
  let am;
  try {
    am = await startAlertmanager(t, binary, yaml, { extraArgs: [`--web.external-url=${externalUrl}`, '--web.route-prefix=/'] });
  } catch (err) {
    assert.match(String(err), /failed to determine external URL/);
    return 'refused';
  }
  await am.postAlerts([{ labels: { alertname: 'A' } }]);
  await sink.waitFor(1);
  return (sink.received[0]!.message as unknown as { externalURL: string }).externalURL;
}

function ours(externalUrl: string): string {
  try {
    return resolveWebUrls({ externalUrl, routePrefix: '/', listenAddress: ':9093', hostname: 'box' }).externalUrl;
  } catch {
    return 'refused';
  }
}

test('compat: .ExternalURL is what Alertmanager 0.25 makes of --web.external-url', { timeout: 60_000 }, async (t) => {
  if (!alertmanager) return t.skip(missingOracleReason('alertmanager'));
  const theirs = await Promise.all(URLS.map((u) => alertmanagersUrl(t, alertmanager, u)));
  URLS.forEach((u, i) => assert.equal(ours(u), theirs[i], u));
  assert.equal(theirs[1], 'http://AM.Example:9093/P%20fx');
});
