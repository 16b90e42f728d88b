// What an operator reads in the daemon's own log (both --log.format values) when a notification
// fails: one line per attempt naming the receiver, the integration and the URL (redacted), the
// root cause once, and whether it is retried; a Slack webhook URL (the secret) never; a refused
// reload over /-/reload once. `err` is text in both formats, whatever failed, as Alertmanager's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALERTROUTER_MAIN, startAlertrouter, type RunningAlertrouter } from '../support/alertrouter.js';
import { startFailingReceiver } from '../support/failing-receiver.js';
import { freePort } from '../support/ports.js';

const FAR_FUTURE = '2999-01-01T00:00:00Z';

const config = (closedPort: number, answering = 'http://127.0.0.1:1') => `route:
  receiver: hooks
  group_wait: 0s
  group_interval: 1m
  repeat_interval: 1h
  routes:
    - receiver: chat
      matchers: [team="chat"]
    - receiver: broken
      matchers: [team="broken"]
    - receiver: rejecting
      matchers: [team="rejecting"]
receivers:
  - name: hooks
    webhook_configs:
      - url: http://hook-user:hook-pw@127.0.0.1:${closedPort}/alerts?token=hook-token
  - name: chat
    slack_configs:
      - api_url: http://127.0.0.1:${closedPort}/services/T0/B0/slack-secret-path
        channel: '#ops'
  - name: broken
    webhook_configs:
      - url: ${answering}/broken
  - name: rejecting
    webhook_configs:
      - url: ${answering}/rejecting
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

  assert.match(hook, /level=warn .*msg="Notify attempt failed, will retry later" .*receiver=hooks integration=webhook\[0\] attempt=1 outcome=retry /);
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

test('logging (json): err is a string on every line that has one (notify retry, status code, giving up, reload refused); secrets stay out', { timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const answering = await startFailingReceiver(t);
  const router = await startAlertrouter(t, config(port, answering), { extraArgs: ['--log.format=json'] });
  const parse = (line: string): Record<string, unknown> => JSON.parse(line) as Record<string, unknown>;
  const { hook, slack } = await failingAttempts(router, (l, receiver) => {
    const r = parse(l);
    return r['receiver'] === receiver && r['outcome'] === 'retry';
  });
  t.diagnostic(hook);

  const h = parse(hook);
  assert.equal(h['level'], 'warn');
  assert.equal(h['msg'], 'Notify attempt failed, will retry later');
  assert.equal(h['integration'], 'webhook[0]');
  assert.equal(typeof h['retryInMs'], 'number');
  assert.equal(h['err'], `webhook http://127.0.0.1:${port}/alerts: connect ECONNREFUSED 127.0.0.1:${port}`);
  // startAlertrouter runs at --log.level=debug, but a notifier's error says where it failed: no stack.
  assert.equal('stack' in h, false, hook);

  const s = parse(slack);
  assert.equal(s['integration'], 'slack[0]');
  assert.equal(typeof s['err'], 'string', slack);
  assert.equal(count(String(s['err']), 'ECONNREFUSED'), 1, slack);

  // A non-2xx answer reads as Alertmanager 0.25 writes it: status, URL, then the body.
  await router.postAlerts([{ labels: { alertname: 'Down', team: 'broken' }, endsAt: FAR_FUTURE }, { labels: { alertname: 'Bad', team: 'rejecting' }, endsAt: FAR_FUTURE }]);
  const broken = parse(await waitFor(router, 'the 500 retry line', (l) => parse(l)['receiver'] === 'broken' && parse(l)['outcome'] === 'retry'));
  assert.equal(broken['err'], `unexpected status code 500: ${answering}/broken: database is down\nretry later`);
  const rejected = parse(await waitFor(router, 'the 400 give-up line', (l) => parse(l)['receiver'] === 'rejecting' && parse(l)['outcome'] === 'failed'));
  assert.equal(rejected['level'], 'error');
  assert.equal(rejected['err'], `unexpected status code 400: ${answering}/rejecting: {"error":"bad payload"}`);
  const group = parse(await waitFor(router, 'the group\'s failure line', (l) => parse(l)['msg'] === 'Notify for alerts failed' && String(parse(l)['err']).includes('rejecting/webhook[0]')));
  assert.match(String(group['err']), /rejecting\/webhook\[0\]: notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 400: /);

  const reload = await refusedReload(router);
  const reloadErrors = reload.filter((l) => parse(l)['level'] === 'error');
  assert.equal(reloadErrors.length, 1, reload.join('\n'));
  assert.match(String(parse(reloadErrors[0]!)['err']), /alertmanager\.yml:\d+:\d+: \(document\): YAML syntax error/);

  const withErr = router.log.map(parse).filter((r) => 'err' in r);
  assert.ok(withErr.length >= 6, `lines with err:\n${router.log.join('\n')}`);
  for (const r of withErr) assert.equal(typeof r['err'], 'string', JSON.stringify(r));
  assertNoSecrets(router.log);
  await router.kill9(); // not SIGTERM: the retries in flight would hold the shutdown for its 10 s grace
});

test('logging (json): a daemon that cannot start (its storage path under a file) logs err as a string', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-logging-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: r\nreceivers:\n  - name: r\n');
  writeFileSync(join(dir, 'a-file'), '');
  const args = [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'a-file', 'data')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', '--log.format=json'];
  const proc = spawn(process.execPath, [ALERTROUTER_MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = await once(proc, 'exit');
  assert.equal(code, 1, stderr);
  const failed = stderr.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['msg'] === 'alertrouter failed to start');
  assert.ok(failed, stderr);
  assert.equal(typeof failed['err'], 'string');
  assert.match(String(failed['err']), /ENOTDIR/);
});
