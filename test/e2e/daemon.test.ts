// The daemon as a user runs it: reload (good and bad configs, HTTP and SIGHUP), kill -9 and
// restart without duplicate or missing notifications, startup time, clean SIGTERM.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertrouter } from '../support/alertrouter.js';
import { freePort } from '../support/ports.js';
import { startWebhookSink } from '../support/real-alertmanager.js';

const config = (sinkUrl: string, receiver = 'team-a', groupIntervalS = 1) => `route:
  receiver: ${receiver}
  group_by: [alertname]
  group_wait: 1s
  group_interval: ${groupIntervalS}s
  repeat_interval: 1h
receivers:
  - name: ${receiver}
    webhook_configs:
      - url: ${sinkUrl}/${receiver}
`;

const FAR_FUTURE = '2999-01-01T00:00:00Z';

async function status(url: string): Promise<{ config: { original: string } }> {
  const res = await fetch(`${url}/api/v2/status`);
  assert.equal(res.status, 200);
  return (await res.json()) as { config: { original: string } };
}

async function alertNames(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v2/alerts`);
  return ((await res.json()) as Array<{ labels: { alertname: string } }>).map((a) => a.labels.alertname).sort();
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('reload: a bad config is refused with file, line and key, the old one keeps running and no alert is lost', async (t) => {
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url));
  await router.postAlerts([{ labels: { alertname: 'Kept' }, endsAt: FAR_FUTURE }]);
  const before = await status(router.url);

  writeFileSync(router.configFile, config(sink.url).replace('group_wait: 1s', 'group_wait: 1x'));
  const res = await fetch(`${router.url}/-/reload`, { method: 'POST' });
  assert.equal(res.status, 500);
  const body = await res.text();
  assert.match(body, /alertmanager\.yml:4:\d+: route\.group_wait/);
  assert.match(body, /"1x"/);
  assert.equal((await status(router.url)).config.original, before.config.original);
  assert.deepEqual(await alertNames(router.url), ['Kept']);

  // A good config is taken, over HTTP ...
  writeFileSync(router.configFile, config(sink.url, 'team-b'));
  assert.equal((await fetch(`${router.url}/-/reload`, { method: 'POST' })).status, 200);
  assert.match((await status(router.url)).config.original, /receiver: team-b/);
  assert.deepEqual(await alertNames(router.url), ['Kept']);
  // ... and the held alert is routed by the new tree.
  await waitUntil('a notification to team-b', () => sink.received.some((r) => r.path === '/team-b'));

  // ... and on SIGHUP.
  writeFileSync(router.configFile, config(sink.url, 'team-c'));
  router.process.kill('SIGHUP');
  await waitUntil('the SIGHUP reload', async () => /receiver: team-c/.test((await status(router.url)).config.original));
  // A bad config on SIGHUP is logged and leaves the running one.
  writeFileSync(router.configFile, 'route: [');
  router.process.kill('SIGHUP');
  await waitUntil('the failed reload to be logged', () => router.log.some((l) => /Loading configuration file failed/.test(l)));
  assert.match((await status(router.url)).config.original, /receiver: team-c/);
});

test('kill -9 between flushes: after restart nothing is sent twice and what was due still arrives', { timeout: 60_000 }, async (t) => {
  const sink = await startWebhookSink(t);
  const port = await freePort();
  const first = await startAlertrouter(t, config(sink.url, 'team-a', 2), { port });
  await first.postAlerts([{ labels: { alertname: 'Disk', instance: 'a' }, endsAt: FAR_FUTURE }]);
  await sink.waitFor(1);
  assert.equal(sink.received[0]!.message.status, 'firing');

  // A second alert joins the group; it is due at the next group_interval, but the process dies first.
  await first.postAlerts([{ labels: { alertname: 'Disk', instance: 'b' }, endsAt: FAR_FUTURE }]);
  await new Promise((r) => setTimeout(r, 600)); // alert writes are batched every 200 ms
  await first.kill9();
  assert.equal(sink.received.length, 1);

  const second = await startAlertrouter(t, config(sink.url, 'team-a', 2), { port, dir: first.dir });
  await sink.waitFor(2, 15_000);
  const afterRestart = sink.received[1]!.message;
  assert.deepEqual(afterRestart.alerts.map((a) => a.labels.instance).sort(), ['a', 'b'], 'the alert that was due is notified, with its group');

  // Several group intervals pass: nothing new, so nothing is re-sent.
  await new Promise((r) => setTimeout(r, 5000));
  assert.equal(sink.received.length, 2, 'no duplicate notification after the restart');

  // Resolving one alert gives exactly one resolved-containing notification.
  await second.postAlerts([{ labels: { alertname: 'Disk', instance: 'b' }, endsAt: new Date().toISOString() }]);
  await sink.waitFor(3, 15_000);
  const third = sink.received[2]!.message;
  assert.deepEqual(
    third.alerts.map((a) => `${a.labels.instance}:${a.status}`).sort(),
    ['a:firing', 'b:resolved'],
  );
});

test('kill -9: the alerts held come back exactly as the API showed them, merges and refused alerts included', { timeout: 60_000 }, async (t) => {
  const sink = await startWebhookSink(t);
  const port = await freePort();
  const first = await startAlertrouter(t, config(sink.url, 'team-a', 60), { port });
  const post = (alerts: object[]) =>
    fetch(`${first.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  // Without endsAt (resolve_timeout applies), with an empty label (dropped), and an invalid one
  // in the same batch (refused, the others stored).
  const batch = await post([
    { labels: { alertname: 'NoEnd', env: '' }, annotations: { v: '1' } },
    { labels: { alertname: 'Bad', 'in-valid': 'x' } },
    { labels: { alertname: 'Ends', instance: 'a' }, startsAt: '2026-01-01T00:00:00Z', endsAt: FAR_FUTURE },
  ]);
  assert.equal(batch.status, 400);
  await new Promise((r) => setTimeout(r, 50));
  // Sent again: merged with what is held (start kept, annotations from the newer one).
  assert.equal((await post([{ labels: { alertname: 'NoEnd' }, annotations: { v: '2' } }])).status, 200);
  const before = await (await fetch(`${first.url}/api/v2/alerts`)).json();
  assert.equal((before as unknown[]).length, 2);
  await new Promise((r) => setTimeout(r, 600)); // alert writes are batched every 200 ms
  await first.kill9();

  const second = await startAlertrouter(t, config(sink.url, 'team-a', 60), { port, dir: first.dir });
  const after = (await (await fetch(`${second.url}/api/v2/alerts`)).json()) as Array<{ annotations: { v?: string } }>;
  assert.deepEqual(after, before);
  assert.equal(after.find((a) => a.annotations.v !== undefined)!.annotations.v, '2');
});

test('startup: /api/v2/status answers soon after launch; SIGTERM exits 0', async (t) => {
  const sink = await startWebhookSink(t);
  const started = Date.now();
  const router = await startAlertrouter(t, config(sink.url));
  await status(router.url);
  const elapsedMs = Date.now() - started;
  t.diagnostic(`status answered ${elapsedMs} ms after spawn`);
  router.process.kill('SIGTERM');
  const [code] = await once(router.process, 'exit');
  assert.equal(code, 0);
  assert.ok(router.log.some((l) => /exiting gracefully/.test(l)));
});

test('idle: with nothing to do, the daemon\'s main thread sleeps (tens of wake-ups a second at most, not a 10 ms tick)', async (t) => {
  const sink = await startWebhookSink(t);
  const router = await startAlertrouter(t, config(sink.url));
  const pid = router.process.pid!;
  // Voluntary context switches of the main thread: one each time it waits on the event loop.
  const wakeUps = (): number => {
    const m = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
    assert.ok(m, 'Linux /proc reports the main thread\'s context switches');
    return Number(m[1]);
  };
  await new Promise((r) => setTimeout(r, 1500)); // start-up settles
  const before = wakeUps();
  const seconds = 3;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const perSecond = (wakeUps() - before) / seconds;
  // A 10 ms timer (prom-client's default event-loop sampling) makes this ~100.
  assert.ok(perSecond < 30, `the idle main thread woke ${perSecond.toFixed(0)} times a second`);
});
