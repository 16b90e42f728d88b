// What an operator reads in the daemon's own log (both --log.format values) when a notification
// fails: one line per attempt naming the receiver, the integration and the URL (redacted), the
// root cause once, and whether it is retried; a Slack webhook URL (the secret) never; a refused
// reload over /-/reload once.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { startAlertrouter, type RunningAlertrouter } from '../support/alertrouter.js';
import { freePort } from '../support/ports.js';

const FAR_FUTURE = '2999-01-01T00:00:00Z';

const config = (closedPort: number) => `route:
  receiver: hooks
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 1h
  routes:
    - receiver: chat
      matchers: [team="chat"]
receivers:
  - name: hooks
    webhook_configs:
      - url: http://hook-user:hook-pw@127.0.0.1:${closedPort}/alerts?token=hook-token
  - name: chat
    slack_configs:
      - api_url: http://127.0.0.1:${closedPort}/services/T0/B0/slack-secret-path
        channel: '#ops'
`;

/** The first log line from index `from` on that matches. */
async function waitFor(router: RunningAlertrouter, what: string, match: (line: string) => boolean, from = 0): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const line = router.log.slice(from).find(match);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in:\n${router.log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** Posts alerts for both receivers and returns the first retry line of each. */
async function failingAttempts(router: RunningAlertrouter, isRetryOf: (line: string, receiver: string) => boolean): Promise<{ hook: string; slack: string }> {
  await router.postAlerts([{ labels: { alertname: 'Refused' }, endsAt: FAR_FUTURE }, { labels: { alertname: 'Chat', team: 'chat' }, endsAt: FAR_FUTURE }]);
  const hook = await waitFor(router, 'the webhook retry line', (l) => isRetryOf(l, 'hooks'));
  const slack = await waitFor(router, 'the slack retry line', (l) => isRetryOf(l, 'chat'));
  return { hook, slack };
}

/** Refuses a reload over HTTP, then waits for a later line so every line of the reload is in. */
async function refusedReload(router: RunningAlertrouter): Promise<string[]> {
  const from = router.log.length;
  writeFileSync(router.configFile, 'route: [');
  const res = await fetch(`${router.url}/-/reload`, { method: 'POST' });
  assert.equal(res.status, 500);
  assert.match(await res.text(), /^failed to reload config: .*YAML syntax error/);
  const bad = await fetch(`${router.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
  assert.equal(bad.status, 400);
  await waitFor(router, 'the rejected request after the reload', (l) => l.includes('request rejected'), from);
  return router.log.slice(from);
}

function assertNoSecrets(log: readonly string[]): void {
  for (const secret of ['hook-pw', 'hook-token', 'slack-secret-path']) {
    assert.equal(log.filter((l) => l.includes(secret)).length, 0, `${secret} logged:\n${log.filter((l) => l.includes(secret)).join('\n')}`);
  }
}

test('logging (logfmt): a refused webhook reads once per attempt line (receiver, integration, URL, root cause, retry); secrets stay out; a refused reload is one line', { timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const router = await startAlertrouter(t, config(port));
  const { hook, slack } = await failingAttempts(router, (l, receiver) => l.includes(`receiver=${receiver} `) && l.includes('outcome=retry'));
  t.diagnostic(hook);
  t.diagnostic(slack);

  assert.match(hook, /level=warn .*msg="notify attempt failed, will retry later" .*receiver=hooks integration=webhook\[0\] attempt=1 outcome=retry /);
  assert.match(hook, / retryInMs=\d+/);
  assert.equal(count(hook, 'ECONNREFUSED'), 1, hook);
  assert.equal(count(hook, `http://127.0.0.1:${port}/alerts`), 1, hook);
  assert.match(hook, new RegExp(` err="webhook http://127\\.0\\.0\\.1:${port}/alerts: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}" `));

  assert.match(slack, /receiver=chat integration=slack\[0\] attempt=1 outcome=retry /);
  assert.equal(count(slack, 'ECONNREFUSED'), 1, slack);
  assert.match(slack, / err="slack: channel \\"#ops\\": POST <redacted>: network: connect ECONNREFUSED 127\.0\.0\.1:\d+" /);

  const reload = await refusedReload(router);
  const errors = reload.filter((l) => l.includes('level=error'));
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /msg="Loading configuration file failed; the previous configuration stays in force" .*err=".*alertmanager\.yml:\d+:\d+: \(document\): YAML syntax error/);
  assertNoSecrets(router.log);
  await router.kill9(); // not SIGTERM: the retries in flight would hold the shutdown for its 10 s grace
});

test('logging (json): err.message reads the root cause once; type, code and the stack with its causes are kept; secrets stay out, stacks included', { timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const router = await startAlertrouter(t, config(port), { extraArgs: ['--log.format=json'] });
  const parse = (line: string): Record<string, unknown> => JSON.parse(line) as Record<string, unknown>;
  const { hook, slack } = await failingAttempts(router, (l, receiver) => {
    const r = parse(l);
    return r['receiver'] === receiver && r['outcome'] === 'retry';
  });
  t.diagnostic(hook);

  const h = parse(hook);
  assert.equal(h['level'], 'warn');
  assert.equal(h['msg'], 'notify attempt failed, will retry later');
  assert.equal(h['integration'], 'webhook[0]');
  assert.equal(typeof h['retryInMs'], 'number');
  const err = h['err'] as Record<string, unknown>;
  assert.equal(err['message'], `webhook http://127.0.0.1:${port}/alerts: connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.equal(err['type'], 'NotifyError');
  assert.equal(err['code'], 'notify_retryable');
  assert.equal(err['retryable'], true);
  assert.match(String(err['stack']), /^NotifyError: webhook .*\n[^]*\ncaused by: HttpRequestError: POST http:\/\/127\.0\.0\.1:\d+\/alerts: connect ECONNREFUSED[^]*\ncaused by: Error: connect ECONNREFUSED/);

  const s = parse(slack);
  assert.equal(s['integration'], 'slack[0]');
  assert.equal(count(String((s['err'] as Record<string, unknown>)['message']), 'ECONNREFUSED'), 1, slack);

  const reload = await refusedReload(router);
  assert.equal(reload.filter((l) => parse(l)['level'] === 'error').length, 1, reload.join('\n'));
  assertNoSecrets(router.log);
  await router.kill9(); // not SIGTERM: the retries in flight would hold the shutdown for its 10 s grace
});
