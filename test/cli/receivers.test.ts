// `alertrouter receivers test` in-process, against the try router served on loopback with
// integrations sending to a capture server.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatTestOutcomes } from '../../src/cli/receivers.js';
import { runInProcess } from './run-in-process.js';
import { startTryServer, type TryServer } from '../api/ext/try-harness.js';
import { FakeClock } from '../support/fake-clock.js';
import { freePort } from '../support/ports.js';
import { startCapture, type CaptureServer } from '../notify/capture.js';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

let hook: CaptureServer;
let server: TryServer;
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertrouter-cli-receivers-'));
  hook = await startCapture();
  hook.answer((req) => (req.url.startsWith('/down') ? { status: 502, body: 'bad gateway' } : { status: 200 }));
  server = await startTryServer({
    clock: new FakeClock(NOW),
    externalURL: 'http://router.example',
    configYaml: `
route:
  receiver: good
receivers:
  - name: good
    webhook_configs:
      - url: ${hook.url}/good
  - name: mixed
    webhook_configs:
      - url: ${hook.url}/ok
      - url: ${hook.url}/down
  - name: silent
`,
  });
});
after(async () => {
  await server.close();
  await hook.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = runInProcess;

describe('formatTestOutcomes', () => {
  test('one aligned line per integration, then a summary', () => {
    assert.equal(
      formatTestOutcomes('team', [
        { integration: 'webhook', index: 0, ok: true, latencyMs: 12.5, alerts: 3 },
        { integration: 'email', index: 10, ok: false, error: 'dial tcp: refused', latencyMs: 3, alerts: 1 },
        { integration: 'slack', index: 0, ok: true, latencyMs: 0, alerts: 0 },
      ]),
      'webhook[0]  ok      3 alerts  12.5ms\n' +
        'email[10]   FAILED  1 alert  3ms  dial tcp: refused\n' +
        'slack[0]    skipped nothing to send (send_resolved is false)\n' +
        'test notification to "team": 1 of 3 integration(s) failed\n',
    );
    assert.equal(formatTestOutcomes('x', [{ integration: 'webhook', index: 0, ok: true, latencyMs: 1, alerts: 2 }]).split('\n')[1], 'test notification to "x": all 1 integration(s) succeeded');
    assert.equal(formatTestOutcomes('none', []), 'receiver "none" has no integrations: nothing was sent\n');
  });
});

describe('alertrouter receivers test', () => {
  test('prints each integration and exits 0 when all succeeded', async () => {
    const before = hook.requests.length;
    const r = await run(['receivers', 'test', `--alertmanager.url=${server.url}/`, 'good']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^webhook\[0\]  ok      3 alerts  [\d.]+ms\ntest notification to "good": all 1 integration\(s\) succeeded\n$/);
    assert.deepEqual(hook.requests.slice(before).map((q) => q.url), ['/good']);
  });

  test('exits 1 when any integration failed, showing why', async () => {
    const r = await run(['receivers', 'test', '--alertmanager.url', server.url, 'mixed']);
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /^webhook\[1\]  FAILED  3 alerts  [\d.]+ms  unexpected status code 502: .*\/down: bad gateway$/m);
    assert.match(r.stdout, /1 of 2 integration\(s\) failed/);
  });

  test('-o json prints the outcomes as the endpoint gives them', async () => {
    const r = await run(['receivers', 'test', `--alertmanager.url=${server.url}`, '-o', 'json', 'mixed']);
    assert.equal(r.exitCode, 1);
    const outcomes = JSON.parse(r.stdout) as Array<{ integration: string; index: number; ok: boolean }>;
    assert.deepEqual(outcomes.map((o) => [o.integration, o.index, o.ok]), [['webhook', 0, true], ['webhook', 1, false]]);
  });

  test('--alerts.file sends those alerts instead of the sample', async () => {
    const file = join(dir, 'alerts.json');
    writeFileSync(file, JSON.stringify([{ labels: { alertname: 'Custom', instance: 'i-1' }, annotations: { summary: 'hello' } }]));
    const before = hook.requests.length;
    const r = await run(['receivers', 'test', `--alertmanager.url=${server.url}`, `--alerts.file=${file}`, 'good']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /ok      1 alert /);
    const sent = JSON.parse(hook.requests[before]!.body) as { alerts: Array<{ labels: Record<string, string> }> };
    assert.deepEqual(sent.alerts.map((a) => a.labels.alertname), ['Custom']);
  });

  test('a receiver without integrations says nothing was sent', async () => {
    const r = await run(['receivers', 'test', `--alertmanager.url=${server.url}`, 'silent']);
    assert.deepEqual(r, { stdout: 'receiver "silent" has no integrations: nothing was sent\n', stderr: '', exitCode: 0 });
  });

  test('an unknown receiver, an unreachable daemon and a server without the ext API fail with the reason', async () => {
    const unknown = await run(['receivers', 'test', `--alertmanager.url=${server.url}`, 'nobody']);
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /^alertrouter: error: POST http:\/\/127\.0\.0\.1:\d+\/api\/ext\/v1\/receivers\/nobody\/test: 404 receiver "nobody" not found \(configured: "good", "mixed", "silent"\)\n$/);

    const port = await freePort();
    const down = await run(['receivers', 'test', `--alertmanager.url=http://127.0.0.1:${port}`, 'good']);
    assert.equal(down.exitCode, 1);
    assert.match(down.stderr, /ECONNREFUSED/);

    const plain = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n'));
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    try {
      const am = await run(['receivers', 'test', `--alertmanager.url=http://127.0.0.1:${(plain.address() as AddressInfo).port}/prefix/`, 'good']);
      assert.equal(am.exitCode, 1);
      assert.match(am.stderr, /\/prefix\/api\/ext\/v1\/receivers\/good\/test: 404 404 page not found \(is this an alertrouter\? Alertmanager has no \/api\/ext\/v1\)/);
    } finally {
      plain.close();
    }
  });

  test('refuses a wrong number of receivers, a bad output format and conflicting flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /want exactly one receiver name \(got 0 arguments\)/],
      [['a', 'b'], /want exactly one receiver name \(got 2 arguments\)/],
      [['-o', 'yaml', 'a'], /enum value must be one of json,simple, got 'yaml'/],
      [['--group=g', '--alerts.file=f', 'a'], /give --group or --alerts.file, not both/],
      [[`--alerts.file=${join(dir, 'missing.json')}`, 'a'], /--alerts.file: cannot read/],
    ];
    for (const [args, want] of cases) {
      const r = await run(['receivers', 'test', ...args]);
      assert.equal(r.exitCode, 1, args.join(' '));
      assert.match(r.stderr, want, args.join(' '));
    }
    const help = await run(['receivers', 'test', '--help']);
    assert.match(help.stdout, /^usage: alertrouter receivers test \[<flags>\] <receiver>/);
  });
});
