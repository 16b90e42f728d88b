// Differential: the real Alertmanager 0.25 and the alertrouter daemon, same oauth2 http_config,
// one token endpoint on loopback. The token requests agree byte for byte in what the endpoint
// reads (method, path, content type, Basic credentials, form body, the fallback to credentials
// in the body when the header is refused), and both webhooks carry the token the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCapture, type CapturedRequest } from '../notify/capture.js';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';

// Each daemon gets its own token_url query (who=am / who=ar) and webhook path, so one server
// tells their requests apart.
const config = (tokenUrl: string, hookUrl: string, who: string) => `route:
  receiver: r
  group_wait: 1s
  group_interval: 1h
  repeat_interval: 1h
receivers:
  - name: r
    webhook_configs:
      - url: ${hookUrl}/${who}/header
        http_config:
          oauth2:
            client_id: "my id+/&*~"
            client_secret: "s3cr et:&=é"
            scopes: [alerts.write, "b:c"]
            token_url: ${tokenUrl}/header?who=${who}
            endpoint_params: { audience: "x y", resource: r1 }
      - url: ${hookUrl}/${who}/body
        http_config:
          oauth2:
            client_id: body-client
            client_secret: body-secret
            token_url: ${tokenUrl}/body-only?who=${who}
`;

/** What a token endpoint reads of a request; the User-Agent's product only (alertrouter adds a comment). */
function shape(r: CapturedRequest): object {
  const url = new URL(r.url, 'http://x');
  url.searchParams.delete('who');
  return {
    method: r.method,
    path: url.pathname + url.search,
    contentType: r.headers['content-type'],
    authorization: r.headers.authorization,
    body: r.body,
    userAgent: String(r.headers['user-agent']).split(' ')[0],
  };
}

test('oauth2: Alertmanager 0.25 and alertrouter send the same token requests and the same Bearer headers', { timeout: 60_000 }, async (t) => {
  const amBin = requireOracle('alertmanager');
  if (!amBin) return t.skip(missingOracleReason('alertmanager'));
  const tokenServer = await startCapture();
  const hook = await startCapture();
  t.after(() => Promise.all([tokenServer.close(), hook.close()]));
  tokenServer.answer((req) => {
    const path = new URL(req.url, 'http://x').pathname;
    // /body-only refuses credentials in the Authorization header, as Google's endpoint does.
    if (path === '/body-only' && req.headers.authorization) {
      return { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_client"}' };
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `tok${path.replace('/', '-')}`, token_type: 'bearer', expires_in: 3600 }) };
  });

  await Promise.all([
    startAlertmanager(t, amBin, config(tokenServer.url, hook.url, 'am')).then((am) => am.postAlerts([{ labels: { alertname: 'OAuth' } }])),
    startAlertrouter(t, config(tokenServer.url, hook.url, 'ar')).then((ar) => ar.postAlerts([{ labels: { alertname: 'OAuth' } }])),
  ]);
  await hook.received(4);

  const of = (who: string) => tokenServer.requests.filter((r) => r.url.includes(`who=${who}`)).map(shape).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const am = of('am');
  assert.equal(am.length, 3, 'Alertmanager: one request to /header, two to /body-only (header refused, then body)');
  assert.deepEqual(of('ar'), am);
  t.diagnostic(`token requests agree: ${JSON.stringify(am)}`);

  const bearer = (who: string) => hook.requests.filter((r) => r.url.startsWith(`/${who}/`)).map((r) => `${r.url.slice(who.length + 1)} ${r.headers.authorization}`).sort();
  assert.deepEqual(bearer('am'), ['/body Bearer tok-body-only', '/header Bearer tok-header']);
  assert.deepEqual(bearer('ar'), bearer('am'));
});
