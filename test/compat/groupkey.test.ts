// Differential test: the aggregation group keys and group labels our routing tree computes equal
// those the real Alertmanager 0.25 puts in its webhook notifications for the same config and alerts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfigFile } from '../../src/config/load.js';
import { buildRouteTree } from '../../src/dispatch/route.js';
import { formatLabels, type Labels } from '../../src/labels/labels.js';
import { missingOracleReason, requireOracle } from '../support/oracle.js';

const alertmanager = requireOracle('alertmanager');

const config = (hookUrl: string) => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  routes:
    - receiver: hook
      matchers: ['team="a"']
      group_by: ['...']
      continue: true
    - receiver: hook
      match_re:
        env: prod|stage
      group_by: [cluster, alertname]
      continue: true
    - receiver: hook
      matchers: ['team=~"(?i)B"', 'env!="dev"']
      routes:
        - receiver: hook
          matchers: [severity="critical"]
          group_by: [a, a1, alertname]
    - receiver: hook
      matchers: ['team=~"(?i)B"']
      group_by: [team, "msg"]
receivers:
  - name: hook
    webhook_configs:
      - url: ${hookUrl}
`;

const ALERTS: Labels[] = [
  { alertname: 'A1', team: 'a', instance: 'h1' },
  { alertname: 'A2', team: 'a', env: 'prod', cluster: 'eu-1' },
  { alertname: 'B1', team: 'b', env: 'prod', severity: 'critical', a: 'x', a1: 'y' },
  { alertname: 'B2', team: 'B', env: 'dev', msg: 'say "hi"\tnow' },
  { alertname: 'B3', team: 'B', severity: 'warning' },
  { alertname: 'Other', env: 'stage' },
  { alertname: 'Nothing' },
];

interface Notification {
  readonly groupKey: string;
  readonly groupLabels: Record<string, string>;
  readonly alerts: ReadonlyArray<{ labels: Record<string, string> }>;
}

test('compat: group keys and group labels equal Alertmanager webhook notifications', { skip: !alertmanager && missingOracleReason('alertmanager'), timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertrouter-groupkey-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  // Expected: for every alert, the group key of each route it reaches.
  const configFile = join(dir, 'am.yml');
  writeFileSync(configFile, config('http://127.0.0.1:1/unused'));
  const root = buildRouteTree((await loadConfigFile(configFile)).route);
  const expected = new Map<string, { key: string; groupLabels: Labels }>();
  for (const labels of ALERTS) {
    for (const route of root.match(labels)) {
      expected.set(`${route.groupKey(labels)} ${formatLabels(labels)}`, { key: route.groupKey(labels), groupLabels: route.groupLabels(labels) });
    }
  }

  const seen = new Map<string, { key: string; groupLabels: Labels }>();
  let allSeen: () => void = () => {};
  const done = new Promise<void>((resolve) => (allSeen = resolve));
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const n = JSON.parse(body) as Notification;
      for (const a of n.alerts) seen.set(`${n.groupKey} ${formatLabels(a.labels)}`, { key: n.groupKey, groupLabels: n.groupLabels });
      res.writeHead(200).end();
      if ([...expected.keys()].every((k) => seen.has(k))) allSeen();
    });
  });
  hook.listen(0, '127.0.0.1');
  await once(hook, 'listening');
  t.after(() => hook.close());
  writeFileSync(configFile, config(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`));

  const am = spawn(
    alertmanager!,
    [`--config.file=${configFile}`, `--storage.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address=', '--log.level=info'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  t.after(() => am.kill('SIGTERM'));
  // Alertmanager logs the address it bound once it serves; wait for that line.
  let address = '';
  for await (const line of createInterface({ input: am.stderr! })) {
    const m = /msg="Listening on" address=(\S+)/.exec(line);
    if (m) {
      address = m[1]!;
      break;
    }
  }
  assert.notEqual(address, '', 'Alertmanager did not start');

  const post = await fetch(`http://${address}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ALERTS.map((labels) => ({ labels }))),
  });
  assert.equal(post.status, 200);

  const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
  const outcome = await Promise.race([done.then(() => 'done' as const), timedOut]);
  const sortEntries = (m: Map<string, { key: string; groupLabels: Labels }>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  assert.equal(outcome, 'done', `missing notifications: ${[...expected.keys()].filter((k) => !seen.has(k)).join('\n')}`);
  assert.deepEqual(sortEntries(seen), sortEntries(expected));
  // Nothing else is pending: Alertmanager holds exactly the groups we expect.
  const groups = (await (await fetch(`http://${address}/api/v2/alerts/groups`)).json()) as unknown[];
  assert.equal(groups.length, new Set([...expected.values()].map((e) => e.key)).size);
  t.diagnostic(`${expected.size} (group, alert) pairs in ${groups.length} groups`);
});
