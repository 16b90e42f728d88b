import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigString } from '../../src/config/load.js';
import { redactSecrets } from '../../src/config/redact.js';

const CONFIG = `# team config
global:
  smtp_smarthost: mail.example.org:587
  smtp_from: am@example.org
  smtp_auth_username: am
  smtp_auth_password: hunter2   # do not show
  slack_api_url: https://hooks.slack.com/services/T/B/SECRET
route:
  receiver: team
receivers:
  - name: team
    email_configs:
      - to: team@example.org
        auth_password: p4ss
    slack_configs:
      - api_url: https://hooks.slack.com/services/T/B/OTHER
        channel: '#alerts'
    webhook_configs:
      - url: https://hook.example.org/alert
        http_config:
          basic_auth: { username: u, password: s3cret }
          tls_config: { insecure_skip_verify: false }
      - url: https://hook2.example.org/alert
        http_config:
          authorization: { credentials: tok3n }
`;

test('config.original shows secrets as <secret>, as Alertmanager does, and keeps everything else', () => {
  const original = loadConfigString(CONFIG).original;
  for (const secret of ['hunter2', 'SECRET', 'OTHER', 'p4ss', 's3cret', 'tok3n']) {
    assert.ok(!original.includes(secret), `${secret} is hidden`);
  }
  assert.equal(original.match(/<secret>/g)?.length, 6);
  assert.match(original, /# team config/);
  assert.match(original, /url: https:\/\/hook\.example\.org\/alert/, 'a webhook url is not a secret in 0.25');
  assert.match(original, /smtp_auth_username: am/);
  assert.match(original, /channel: '#alerts'/);
});

test('redactSecrets leaves a config without secrets byte for byte', () => {
  const text = 'route:\n  receiver: x   # comment\nreceivers:\n  - name: x\n';
  assert.equal(redactSecrets(text), text);
});

test('redaction: a secret key spelled with escapes in a quoted scalar is still hidden; a file naming no secret comes back as it is', () => {
  const escaped = `global:\n  "smtp_auth\\u005fpassword": hunter2\nroute:\n  receiver: x\n`;
  assert.ok(!redactSecrets(escaped).includes('hunter2'));
  const plain = `route:\n  receiver: x   # comment kept\nreceivers:\n  - name: x\n`;
  assert.equal(redactSecrets(plain), plain);
});

test('redaction: an oauth2 client_secret is hidden; client_id, token_url, scopes, endpoint_params and client_secret_file show, as in Alertmanager', () => {
  const original = loadConfigString(`route:
  receiver: r
receivers:
  - name: r
    webhook_configs:
      - url: https://hook.example.org/alert
        http_config:
          oauth2:
            client_id: alertrouter
            client_secret: oauth-s3cret
            token_url: https://auth.example.org/token
            scopes: [alerts.write]
            endpoint_params: {audience: hooks}
      - url: https://hook2.example.org/alert
        http_config:
          oauth2:
            client_id: other
            client_secret_file: /etc/am/oauth-secret
            token_url: https://auth.example.org/token
`).original;
  assert.ok(!original.includes('oauth-s3cret'));
  assert.match(original, /client_secret: <secret>/);
  for (const shown of ['client_id: alertrouter', 'token_url: https://auth.example.org/token', 'alerts.write', 'audience: hooks', 'client_secret_file: /etc/am/oauth-secret']) {
    assert.ok(original.includes(shown), `${shown} is shown`);
  }
});
