// Differential: what the real Alertmanager 0.25 and alertrouter write in a log line's `msg` and
// `err` when a webhook answers with an error status, in both --log.format values, for operators whose
// alerting on logs greps Alertmanager's text. Both daemons post to the same receiver, so the URL
// in the text is the same (a URL without credentials or query: alertrouter leaves those out,
// Alertmanager 0.25 prints them in this message).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAlertrouter } from '../support/alertrouter.js';
import { startFailingReceiver } from '../support/failing-receiver.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

const config = (receiverUrl: string) => `route:
  receiver: broken
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 1h
  routes:
    - receiver: rejecting
      matchers: [team="rejecting"]
receivers:
  - name: broken
    webhook_configs: [{ url: ${receiverUrl}/broken }]
  - name: rejecting
    webhook_configs: [{ url: ${receiverUrl}/rejecting }]
`;

const ALERTS = [{ labels: { alertname: 'Down' } }, { labels: { alertname: 'Bad', team: 'rejecting' } }];


/** The `err` of the first line in `log` that `match` accepts, as written (logfmt: still quoted). */
async function errOf(log: readonly string[], format: 'json' | 'logfmt', what: string, match: (line: string) => boolean): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const line = log.find(match);
    if (line !== undefined) {
      if (format === 'json') return (JSON.parse(line) as { err: string }).err;
      const m = / err=("(?:[^"\\]|\\.)*"|\S+)/.exec(line);
      assert.ok(m, line);
      return m[1]!;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in:\n${log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const format of ['json', 'logfmt'] as const) {
  test(`logging (${format}): a webhook's error status reads as Alertmanager 0.25 writes it (status, URL, body)`, { timeout: 60_000 }, async (t) => {
    const amBin = requireOracle('alertmanager');
    if (!amBin) return t.skip(missingOracleReason('alertmanager'));
    const receiverUrl = await startFailingReceiver(t);
    const args = { extraArgs: [`--log.format=${format}`] };
    const am = await startAlertmanager(t, amBin, config(receiverUrl), args);
    const ar = await startAlertrouter(t, config(receiverUrl), args);
    await Promise.all([am.postAlerts(ALERTS), ar.postAlerts(ALERTS)]);
    const has = (line: string, ...parts: string[]) => parts.every((p) => line.includes(p));
    const [receiverKey, retried, gaveUp] =
      format === 'json' ? ['"receiver":"broken"', '"msg":"Notify attempt failed, will retry later"', '"msg":"Notify for alerts failed"'] : ['receiver=broken', 'msg="Notify attempt failed, will retry later"', 'msg="Notify for alerts failed"'];

    // 500: retried; the attempt line's err is the same text, the body's newline included.
    const amRetry = await errOf(am.log, format, "Alertmanager's retry line", (l) => has(l, receiverKey, retried));
    // The same `msg` finds both daemons' lines: log alerts on Alertmanager's text keep working.
    const arRetry = await errOf(ar.log, format, "alertrouter's retry line", (l) => has(l, receiverKey, retried));
    t.diagnostic(`Alertmanager: ${amRetry}`);
    assert.equal(arRetry, amRetry);
    const expected = `unexpected status code 500: ${receiverUrl}/broken: database is down\nretry later`;
    assert.equal(format === 'json' ? arRetry : JSON.parse(arRetry), expected);

    // 400: not retried. Alertmanager logs the group's failure only; alertrouter's group line
    // holds the same text.
    const amGaveUp = await errOf(am.log, format, "Alertmanager's failure line", (l) => has(l, gaveUp, 'rejecting/webhook[0]'));
    const arGaveUp = await errOf(ar.log, format, "alertrouter's failure line", (l) => has(l, gaveUp, 'rejecting/webhook[0]'));
    t.diagnostic(`Alertmanager: ${amGaveUp}`);
    const unquote = (text: string): string => (format === 'json' || !text.startsWith('"') ? text : (JSON.parse(text) as string));
    assert.equal(unquote(arGaveUp), unquote(amGaveUp));
  });
}
