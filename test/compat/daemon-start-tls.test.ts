// Differential: configs `amtool check-config` accepts but whose http_config TLS files are
// missing or unusable. Alertmanager 0.25 reads those files when it builds the integrations of
// routed receivers and refuses to start; alertrouter must start or refuse as it does, and a
// refusal must name the file, line and key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertrouter } from '../support/alertrouter.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';
import { startAlertmanager } from '../support/real-alertmanager.js';
import { haveOpenssl, makeCerts, type TestCerts } from '../notify/capture.js';

interface Case {
  readonly name: string;
  readonly yaml: (c: TestCerts, garbage: string) => string;
  /** Key path our refusal names; undefined: both daemons start. */
  readonly refusedAt?: string;
}

const webhook = (tls: string) => `route: {receiver: a}
receivers:
- name: a
  webhook_configs:
  - url: http://127.0.0.1:9/
    http_config:
      tls_config: ${tls}
`;

const CASES: readonly Case[] = [
  { name: 'readable CA, client cert and key: both start', yaml: (c) => webhook(`{ca_file: ${c.caFile}, cert_file: ${c.clientCertFile}, key_file: ${c.clientKeyFile}}`) },
  { name: 'missing ca_file: both refuse', yaml: () => webhook('{ca_file: /nonexistent/ca.pem}'), refusedAt: 'receivers[0].webhook_configs[0].http_config.tls_config.ca_file' },
  { name: 'ca_file without a certificate: both refuse', yaml: (_c, garbage) => webhook(`{ca_file: ${garbage}}`), refusedAt: 'receivers[0].webhook_configs[0].http_config.tls_config.ca_file' },
  { name: 'cert_file without key_file: both refuse', yaml: (c) => webhook(`{cert_file: ${c.clientCertFile}}`), refusedAt: 'receivers[0].webhook_configs[0].http_config.tls_config.cert_file' },
  { name: 'missing client cert and key: both refuse', yaml: () => webhook('{cert_file: /nonexistent/c.pem, key_file: /nonexistent/k.pem}'), refusedAt: 'receivers[0].webhook_configs[0].http_config.tls_config.cert_file' },
  {
    name: 'a receiver no route reaches is not built: both start',
    yaml: () => `route: {receiver: a}
receivers:
- name: a
- name: b
  webhook_configs:
  - url: http://127.0.0.1:9/
    http_config: {tls_config: {ca_file: /nonexistent/ca.pem}}
`,
  },
  {
    name: 'global.http_config used by a Slack integration: both refuse, pointing at global',
    yaml: () => `global:
  slack_api_url: https://hooks.slack.com/services/x
  http_config: {tls_config: {ca_file: /nonexistent/ca.pem}}
route:
  receiver: a
  routes: [{receiver: b, matchers: [team="b"]}]
receivers:
- name: a
- name: b
  slack_configs: [{channel: '#b'}]
`,
    refusedAt: 'global.http_config.tls_config.ca_file',
  },
  { name: 'global.http_config no integration uses: both start', yaml: () => 'global: {http_config: {tls_config: {ca_file: /nonexistent/ca.pem}}}\nroute: {receiver: a}\nreceivers: [{name: a}]\n' },
];

async function starts(run: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await run();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

for (const c of CASES) {
  test(`daemon start with http_config TLS files: ${c.name}`, { timeout: 60_000 }, async (t) => {
    const am = requireOracle('alertmanager');
    if (!am) return t.skip(missingOracleReason('alertmanager'));
    if (!haveOpenssl()) return t.skip('openssl is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'alertrouter-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const yaml = c.yaml(makeCerts(dir), garbage);

    const theirs = await starts(() => startAlertmanager(t, am, yaml));
    const ours = await starts(() => startAlertrouter(t, yaml));
    assert.equal(theirs.ok, c.refusedAt === undefined, `Alertmanager 0.25 ${theirs.ok ? 'started' : `refused: ${'error' in theirs ? theirs.error : ''}`}`);
    assert.equal(ours.ok, theirs.ok, `alertrouter ${ours.ok ? 'started' : `refused: ${'error' in ours ? ours.error : ''}`}`);
    if (!ours.ok && c.refusedAt !== undefined) {
      const escaped = c.refusedAt.replace(/[.[\]]/g, (ch) => `\\${ch}`);
      assert.match(ours.error, new RegExp(`alertmanager\\.yml:\\d+:\\d+: ${escaped}: receiver `));
    }
  });
}

test('reload with an unreadable http_config ca_file is refused with file, line and key; the running config stays', { timeout: 60_000 }, async (t) => {
  const good = 'route: {receiver: a}\nreceivers: [{name: a}]\n';
  const router = await startAlertrouter(t, good);
  writeFileSync(router.configFile, webhook('{ca_file: /nonexistent/ca.pem}'));
  const res = await fetch(`${router.url}/-/reload`, { method: 'POST' });
  assert.equal(res.status, 500);
  assert.match(await res.text(), /alertmanager\.yml:7:\d+: receivers\[0\]\.webhook_configs\[0\]\.http_config\.tls_config\.ca_file: receiver \\?"a\\?": unable to load specified CA cert/);
  const status = (await (await fetch(`${router.url}/api/v2/status`)).json()) as { config: { original: string } };
  assert.equal(status.config.original, good);
});
