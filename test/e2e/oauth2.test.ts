// http_config.oauth2 through the daemon: a real token endpoint and real webhook receivers on
// loopback; the token is fetched once and reused across flushes, a refusing token endpoint
// shows in the attempt log with receiver, integration and token_url, and the secret stays
// out of /api/v2/status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCapture } from '../notify/capture.js';
import { startAlertrouter } from '../support/alertrouter.js';

const FAR_FUTURE = '2999-01-01T00:00:00Z';

async function waitUntil(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('oauth2 through the daemon: one token for several flushes as Bearer; a refused token request is logged and retried', { timeout: 60_000 }, async (t) => {
  const tokenServer = await startCapture();
  const hook = await startCapture();
  t.after(() => Promise.all([tokenServer.close(), hook.close()]));
  tokenServer.answer((req) =>
    req.url === '/good'
      ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"daemon-tok","token_type":"bearer","expires_in":3600}' }
      : { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_client"}' },
  );
  const router = await startAlertrouter(
    t,
    `route:
  receiver: good
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: refused
      matchers: [team="refused"]
receivers:
  - name: good
    webhook_configs:
      - url: ${hook.url}/good
        http_config:
          oauth2:
            client_id: alertrouter
            client_secret: daemon-s3cret
            token_url: ${tokenServer.url}/good
            scopes: [alerts.write]
  - name: refused
    webhook_configs:
      - url: ${hook.url}/refused
        http_config:
          oauth2:
            client_id: alertrouter
            client_secret: daemon-s3cret
            token_url: ${tokenServer.url}/bad
`,
  );

  await router.postAlerts([{ labels: { alertname: 'First' }, endsAt: FAR_FUTURE }, { labels: { alertname: 'Blocked', team: 'refused' }, endsAt: FAR_FUTURE }]);
  await waitUntil('the first notification', () => hook.requests.some((r) => r.url === '/good'));
  await router.postAlerts([{ labels: { alertname: 'First', instance: 'b' }, endsAt: FAR_FUTURE }]);
  await waitUntil('the second flush of the group', () => hook.requests.filter((r) => r.url === '/good').length >= 2);

  const sent = hook.requests.filter((r) => r.url === '/good');
  assert.deepEqual(sent.map((r) => r.headers.authorization), sent.map(() => 'Bearer daemon-tok'));
  const good = tokenServer.requests.filter((r) => r.url === '/good');
  assert.equal(good.length, 1, 'one token request for both flushes');
  assert.equal(good[0]!.headers.authorization, 'Basic ' + Buffer.from('alertrouter:daemon-s3cret').toString('base64'));
  assert.equal(new URLSearchParams(good[0]!.body).get('scope'), 'alerts.write');

  // Refused: header and body tried each attempt, nothing reaches the webhook, the attempt is logged
  // with the receiver, the integration and the token endpoint, and retried.
  await waitUntil('a retried token request', () => tokenServer.requests.filter((r) => r.url === '/bad').length >= 4);
  assert.ok(!hook.requests.some((r) => r.url === '/refused'));
  const line = router.log.find((l) => /Notify attempt failed, will retry later/.test(l) && /receiver=refused/.test(l));
  assert.ok(line, `no retry line in:\n${router.log.join('\n')}`);
  assert.match(line, /integration=webhook\[0\]/);
  assert.ok(line.includes(`oauth2: cannot fetch token from ${tokenServer.url}/bad: 401 Unauthorized`), line);
  t.diagnostic(line);

  const status = (await (await fetch(`${router.url}/api/v2/status`)).json()) as { config: { original: string } };
  assert.ok(!status.config.original.includes('daemon-s3cret'));
  assert.match(status.config.original, /client_secret: <secret>/);
});
