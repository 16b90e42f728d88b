import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfigFile, loadConfigString } from '../../src/config/load.js';

const RECEIVER = 'receivers:\n  - name: r\n';

/** The ConfigError loadConfigString throws for `text` (fails the test when it loads). */
function refusal(text: string, sourceFile = 'alertmanager.yml'): ConfigError {
  try {
    loadConfigString(text, { sourceFile });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
    return err;
  }
  assert.fail('the configuration loaded');
}

function where(err: ConfigError): string {
  return `${err.file}:${err.line}:${err.column} ${err.keyPath}`;
}

describe('loadConfigString refuses with file, line, column and key path', () => {
  it('unknown key: names the key and lists the known ones', () => {
    const err = refusal('route:\n  receiver: r\n  routes:\n    - receiver: r\n      group_wiat: 10s\n' + RECEIVER);
    assert.equal(where(err), 'alertmanager.yml:5:7 route.routes[0].group_wiat');
    assert.equal(err.code, 'bad_config');
    assert.match(err.message, /^alertmanager\.yml:5:7: route\.routes\[0\]\.group_wiat: unknown key "group_wiat" in route \(got "group_wiat", want one of receiver, group_by, .*group_wait/);
  });

  it('wrong type: a quoted "true" is text, not a boolean', () => {
    const err = refusal('route:\n  receiver: r\n  routes:\n    - receiver: r\n      continue: "true"\n' + RECEIVER);
    assert.equal(where(err), 'alertmanager.yml:5:17 route.routes[0].continue');
    assert.equal(err.message, 'alertmanager.yml:5:17: route.routes[0].continue: wrong type (got "true", want true or false)');
  });

  it('wrong type: a mapping where a list belongs', () => {
    const err = refusal('route:\n  receiver: r\nreceivers:\n  name: r\n');
    assert.equal(where(err), 'alertmanager.yml:4:3 receivers');
    assert.match(err.message, /wrong type \(got a mapping, want a list\)$/);
  });

  it('undefined receiver in a nested route', () => {
    const err = refusal('route:\n  receiver: r\n  routes:\n    - routes:\n        - receiver: nobody\n' + RECEIVER);
    assert.equal(where(err), 'alertmanager.yml:5:21 route.routes[0].routes[0].receiver');
    assert.match(err.message, /undefined receiver used in route \(got "nobody", want one of "r"\)$/);
  });

  it('duplicate receiver: points at the second name', () => {
    const err = refusal('route:\n  receiver: r\nreceivers:\n  - name: r\n  - name: s\n  - name: r\n');
    assert.equal(where(err), 'alertmanager.yml:6:11 receivers[2].name');
    assert.match(err.message, /receiver name "r" is not unique/);
  });

  it('bad regex in match_re and in matchers', () => {
    const legacy = refusal('route:\n  receiver: r\n  routes:\n    - match_re:\n        service: "(api"\n' + RECEIVER);
    assert.equal(where(legacy), 'alertmanager.yml:5:18 route.routes[0].match_re.service');
    assert.match(legacy.message, /not a valid RE2 regular expression/);
    const listed = refusal('route:\n  receiver: r\n  routes:\n    - matchers:\n        - a=b\n        - \'c=~"x(?=y)"\'\n' + RECEIVER);
    assert.equal(where(listed), 'alertmanager.yml:6:11 route.routes[0].matchers[1]');
    assert.match(listed.message, /lookahead/);
  });

  it('root route with matchers, match or match_re', () => {
    const err = refusal('route:\n  receiver: r\n  matchers: [severity=critical]\n' + RECEIVER);
    assert.equal(where(err), 'alertmanager.yml:3:13 route.matchers');
    assert.match(err.message, /root route must not have any matchers \(got \["severity=critical"\], want /);
    assert.equal(refusal('route:\n  receiver: r\n  match:\n    a: b\n' + RECEIVER).keyPath, 'route.match');
    assert.equal(refusal('route:\n  receiver: r\n  match_re:\n    a: b\n' + RECEIVER).keyPath, 'route.match_re');
    // Empty forms match nothing, and Alertmanager lets them be.
    assert.doesNotThrow(() => loadConfigString('route:\n  receiver: r\n  match: {}\n  matchers: []\n' + RECEIVER));
  });

  it('root route: receiver required, no continue, no time intervals', () => {
    assert.equal(refusal('route:\n  group_by: [a]\n' + RECEIVER).keyPath, 'route.receiver');
    assert.match(refusal('route:\n  receiver: r\n  continue: true\n' + RECEIVER).message, /cannot have continue in root route/);
    const ti = 'time_intervals:\n  - name: w\n    time_intervals: [{weekdays: [saturday]}]\n';
    assert.equal(refusal('route:\n  receiver: r\n  mute_time_intervals: [w]\n' + ti + RECEIVER).keyPath, 'route.mute_time_intervals');
    assert.equal(refusal('route:\n  receiver: r\n  active_time_intervals: [w]\n' + ti + RECEIVER).keyPath, 'route.active_time_intervals');
  });

  it('unsupported integration: names the receiver and the key, lists what is supported', () => {
    const err = refusal('route:\n  receiver: pager\nreceivers:\n  - name: pager\n    pagerduty_configs:\n      - routing_key: abc\n');
    assert.equal(err.keyPath, 'receivers[0].pagerduty_configs');
    assert.equal(err.line, 6);
    assert.match(err.message, /receiver "pager" uses pagerduty_configs, an integration alertrouter does not support \(got 1 pagerduty_configs entry, want only email_configs, slack_configs, webhook_configs\)$/);
  });

  it('http_config: oauth2 with basic_auth, authorization or bearer_token(_file) is refused with Prometheus\' message', () => {
    const withOAuth2 = (other: string) =>
      refusal(`route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: http://x/\n        http_config:\n          oauth2:\n            client_id: c\n            client_secret: s\n            token_url: https://auth/token\n          ${other}\n`);
    const hook = 'receivers[0].webhook_configs[0].http_config';
    const basic = withOAuth2('basic_auth: {username: u, password: p}');
    assert.equal(where(basic), `alertmanager.yml:9:13 ${hook}.oauth2`);
    assert.match(basic.message, /^alertmanager\.yml:9:13: receivers\[0\]\.webhook_configs\[0\]\.http_config\.oauth2: at most one of basic_auth, oauth2 & authorization must be configured \(got both/);
    const authz = withOAuth2('authorization: {credentials: t}');
    assert.equal(where(authz), `alertmanager.yml:12:26 ${hook}.authorization`);
    assert.match(authz.message, /at most one of basic_auth, oauth2 & authorization must be configured/);
    for (const bearer of ['bearer_token: t', 'bearer_token_file: f']) {
      const err = withOAuth2(bearer);
      assert.equal(where(err), `alertmanager.yml:9:13 ${hook}.oauth2`);
      assert.match(err.message, /at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured/);
    }
  });

  it('bad duration: names the value and the expected form', () => {
    const err = refusal('route:\n  receiver: r\n  group_wait: 30\n' + RECEIVER);
    assert.equal(where(err), 'alertmanager.yml:3:15 route.group_wait');
    assert.match(err.message, /not a valid duration \(got "30", want a duration like "30s"/);
    assert.match(refusal('route:\n  receiver: r\n  routes:\n    - group_interval: 0s\n' + RECEIVER).message, /route\.routes\[0\]\.group_interval: group_interval cannot be zero \(got "0s"/);
    assert.match(refusal('route:\n  receiver: r\n  repeat_interval: 0\n' + RECEIVER).message, /repeat_interval cannot be zero/);
  });

  it('duplicate key in a mapping: points at the second one', () => {
    const err = refusal('route:\n  receiver: r\n  group_wait: 1s\n  group_wait: 2s\n' + RECEIVER);
    assert.equal(where(err), 'alertmanager.yml:4:3 route.group_wait');
    assert.match(err.message, /key "group_wait" is set twice \(first on line 3\)/);
  });

  it('time interval errors carry the full key path and the element line', () => {
    const err = refusal(
      'route:\n  receiver: r\ntime_intervals:\n  - name: t\n    time_intervals:\n      - times:\n          - start_time: "25:00"\n            end_time: "26:00"\n' + RECEIVER,
    );
    assert.equal(where(err), 'alertmanager.yml:7:25 time_intervals[0].time_intervals[0].times[0].start_time');
  });

  it('undefined and duplicate time intervals', () => {
    const undef = refusal('route:\n  receiver: r\n  routes:\n    - active_time_intervals: [holidays]\n' + RECEIVER);
    assert.equal(undef.keyPath, 'route.routes[0].active_time_intervals[0]');
    const dup = refusal('route:\n  receiver: r\nmute_time_intervals:\n  - name: w\ntime_intervals:\n  - name: w\n' + RECEIVER);
    assert.equal(where(dup), 'alertmanager.yml:6:11 time_intervals[0].name');
  });

  it('YAML syntax errors carry the line', () => {
    const err = refusal('route:\n\treceiver: r\n');
    assert.equal(err.line, 2);
    assert.match(err.message, /YAML syntax error/);
  });

  it('an empty document has no route', () => {
    assert.match(refusal('').message, /no route provided in config/);
    assert.match(refusal('# only a comment\n').message, /no route provided in config/);
  });

  it('without a source file the message says <config> and file is empty', () => {
    try {
      loadConfigString('route:\n  receiver: x\n');
      assert.fail('loaded');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, '');
      assert.match(err.message, /^<config>:2:13: route\.receiver: /);
    }
  });
});

describe('loadConfigString builds the frozen Config', () => {
  it('fills the root timings with the defaults and leaves children unset', () => {
    const c = loadConfigString('route:\n  receiver: r\n  group_interval: 1m\n  routes:\n    - receiver: r\n' + RECEIVER);
    assert.equal(c.route.groupWaitMs, 30_000);
    assert.equal(c.route.groupIntervalMs, 60_000);
    assert.equal(c.route.repeatIntervalMs, 4 * 3600_000);
    const child = c.route.routes[0]!;
    assert.equal(child.groupWaitMs, undefined);
    assert.equal(child.groupIntervalMs, undefined);
    assert.equal(child.repeatIntervalMs, undefined);
    assert.equal(child.groupBy, undefined);
    assert.equal(child.continue, false);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.route) && Object.isFrozen(child));
  });

  it('group_by: labels, ["..."] is group by all, [] inherits', () => {
    const c = loadConfigString('route:\n  receiver: r\n  group_by: [a, b]\n  routes:\n    - group_by: ["..."]\n    - group_by: []\n' + RECEIVER);
    assert.deepEqual(c.route.groupBy, ['a', 'b']);
    assert.equal(c.route.groupByAll, false);
    assert.equal(c.route.routes[0]!.groupByAll, true);
    assert.equal(c.route.routes[0]!.groupBy, undefined);
    assert.equal(c.route.routes[1]!.groupByAll, false);
    assert.equal(c.route.routes[1]!.groupBy, undefined);
  });

  it('keeps matchers in the order match, match_re, matchers; match_re values anchored as Alertmanager prints them', () => {
    const c = loadConfigString('route:\n  receiver: r\n  routes:\n    - matchers: [\'z!="1"\']\n      match_re: {y: "a|b"}\n      match: {x: "2", w: "3"}\n' + RECEIVER);
    assert.deepEqual(c.route.routes[0]!.matchers.map(String), ['x="2"', 'w="3"', 'y=~"^(?:a|b)$"', 'z!="1"']);
  });

  it('reads YAML 1.1 booleans and gives text fields the scalar as written', () => {
    const c = loadConfigString('route:\n  receiver: 123\n  routes:\n    - receiver: yes\n      continue: on\nreceivers:\n  - name: 123\n  - name: "yes"\n');
    assert.equal(c.route.receiver, '123');
    assert.equal(c.route.routes[0]!.receiver, 'yes');
    assert.equal(c.route.routes[0]!.continue, true);
  });

  it('global defaults, and a null resolve_timeout is zero as in Alertmanager', () => {
    const c = loadConfigString('route:\n  receiver: r\n' + RECEIVER);
    assert.equal(c.global.resolveTimeoutMs, 5 * 60_000);
    assert.equal(c.global.smtpHello, 'localhost');
    assert.equal(c.global.smtpRequireTls, true);
    assert.deepEqual(c.global.httpConfig, { followRedirects: true, enableHttp2: true });
    assert.equal(loadConfigString('global:\n  resolve_timeout:\nroute:\n  receiver: r\n' + RECEIVER).global.resolveTimeoutMs, 0);
  });

  it('email: global smtp_* settings fill each config, own settings win', () => {
    const c = loadConfigString(`
global:
  smtp_smarthost: smtp.example.org:587
  smtp_from: am@example.org
  smtp_hello: am.example.org
  smtp_auth_username: user
  smtp_auth_password: global-secret
  smtp_require_tls: false
route:
  receiver: mail
receivers:
  - name: mail
    email_configs:
      - to: a@example.org
        headers: {subject: 'Custom', x-team: ops}
      - to: b@example.org
        from: other@example.org
        smarthost: '[::1]:25'
        auth_password_file: /run/pw
        require_tls: true
        send_resolved: true
        html: ''
        text: plain
`);
    const [a, b] = c.receivers[0]!.emailConfigs;
    assert.ok(a && b);
    assert.deepEqual(a.smarthost, { host: 'smtp.example.org', port: '587' });
    assert.equal(a.from, 'am@example.org');
    assert.equal(a.hello, 'am.example.org');
    assert.equal(a.authUsername, 'user');
    assert.equal(a.authPassword, 'global-secret');
    assert.equal(a.requireTls, false);
    assert.equal(a.sendResolved, false);
    assert.equal(a.html, '{{ template "email.default.html" . }}');
    assert.equal(a.text, undefined);
    assert.deepEqual(a.headers, { Subject: 'Custom', 'X-Team': 'ops', To: 'a@example.org', From: 'am@example.org' });
    assert.deepEqual(b.smarthost, { host: '::1', port: '25' });
    assert.equal(b.from, 'other@example.org');
    // Setting either password option stops both global ones from being inherited.
    assert.equal(b.authPassword, undefined);
    assert.equal(b.authPasswordFile, '/run/pw');
    assert.equal(b.requireTls, true);
    assert.equal(b.sendResolved, true);
    assert.equal(b.html, '');
    assert.equal(b.text, 'plain');
    assert.equal(b.headers['Subject'], '{{ template "email.default.subject" . }}');
  });

  it('slack: global API URL or file inherited, default templates, fields and actions', () => {
    const c = loadConfigString(`
global:
  slack_api_url_file: /run/slack
route:
  receiver: s
receivers:
  - name: s
    slack_configs:
      - channel: '#a'
        title: ''
        fields: [{title: T, value: V, short: true}]
        actions:
          - {type: button, text: Go, url: 'https://x', name: dropped, value: dropped}
          - {type: button, text: Ack, name: ack, value: v, confirm: {text: Sure?}}
      - api_url: https://hooks.slack.com/own
        send_resolved: true
`);
    const [a, b] = c.receivers[0]!.slackConfigs;
    assert.ok(a && b);
    assert.equal(a.apiUrl, undefined);
    assert.equal(a.apiUrlFile, '/run/slack');
    assert.equal(a.sendResolved, false);
    assert.equal(a.title, '', 'an explicit empty title stays empty');
    assert.equal(a.text, '{{ template "slack.default.text" . }}');
    assert.equal(a.color, '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}');
    assert.equal(a.username, '{{ template "slack.default.username" . }}');
    assert.deepEqual(a.fields, [{ title: 'T', value: 'V', short: true }]);
    assert.deepEqual(a.actions[0], { type: 'button', text: 'Go', url: 'https://x', style: undefined });
    assert.equal(a.actions[1]!.name, 'ack');
    assert.equal(a.actions[1]!.confirm?.text, 'Sure?');
    assert.equal(b.apiUrl, 'https://hooks.slack.com/own');
    assert.equal(b.apiUrlFile, undefined);
    assert.equal(b.sendResolved, true);
    assert.equal(b.title, '{{ template "slack.default.title" . }}');
  });

  it('webhook: global http_config inherited unless its own is set; bearer tokens become authorization', () => {
    const c = loadConfigString(`
global:
  http_config:
    basic_auth: {username: u, password: p}
route:
  receiver: h
receivers:
  - name: h
    webhook_configs:
      - url: http://127.0.0.1:9000/
        max_alerts: 3
      - url: http://127.0.0.1:9001/
        send_resolved:
        http_config:
          bearer_token: tok
          follow_redirects: false
`);
    const [a, b] = c.receivers[0]!.webhookConfigs;
    assert.ok(a && b);
    assert.equal(a.sendResolved, true);
    assert.equal(a.maxAlerts, 3);
    assert.equal(a.httpConfig, c.global.httpConfig);
    assert.deepEqual(a.httpConfig.basicAuth, { username: 'u', password: 'p', passwordFile: undefined });
    assert.equal(b.sendResolved, false, 'a null send_resolved is false, as yaml.v2 zeroes it');
    assert.deepEqual(b.httpConfig.authorization, { type: 'Bearer', credentials: 'tok' });
    assert.equal(b.httpConfig.basicAuth, undefined);
    assert.equal(b.httpConfig.followRedirects, false);
    assert.equal(b.httpConfig.enableHttp2, true);
  });

  it('joins relative http_config files and templates with baseDir, not email tls files', () => {
    const c = loadConfigString(
      `
templates: ['t/*.tmpl', '/abs/*.tmpl']
route:
  receiver: h
receivers:
  - name: h
    webhook_configs:
      - url: http://x/
        http_config:
          authorization: {credentials_file: secrets/token}
          tls_config: {ca_file: ca.pem, cert_file: /abs/cert.pem, key_file: key.pem}
    email_configs:
      - to: a@b
        from: c@d
        smarthost: h:25
        tls_config: {ca_file: mail-ca.pem}
`,
      { baseDir: '/etc/am' },
    );
    const hook = c.receivers[0]!.webhookConfigs[0]!;
    assert.deepEqual(c.templates, ['/etc/am/t/*.tmpl', '/abs/*.tmpl']);
    assert.equal(hook.httpConfig.authorization?.credentialsFile, '/etc/am/secrets/token');
    assert.equal(hook.httpConfig.tlsConfig?.caFile, '/etc/am/ca.pem');
    assert.equal(hook.httpConfig.tlsConfig?.certFile, '/abs/cert.pem');
    assert.equal(c.receivers[0]!.emailConfigs[0]!.tlsConfig.caFile, 'mail-ca.pem');
    assert.deepEqual(c.templateFiles, []);
  });

  it('oauth2: every key read; client_secret_file and oauth2.tls_config files joined with baseDir', () => {
    const c = loadConfigString(
      `route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: http://x/\n        http_config:\n          oauth2:\n            client_id: c\n            client_secret_file: secrets/oauth\n            token_url: https://auth/token\n            scopes: [a, b]\n            endpoint_params: {audience: x}\n            proxy_url: http://proxy:3128\n            tls_config: {ca_file: auth-ca.pem}\n`,
      { baseDir: '/etc/am' },
    );
    assert.deepEqual(c.receivers[0]!.webhookConfigs[0]!.httpConfig.oauth2, {
      clientId: 'c',
      clientSecret: undefined,
      clientSecretFile: '/etc/am/secrets/oauth',
      scopes: ['a', 'b'],
      tokenUrl: 'https://auth/token',
      endpointParams: { audience: 'x' },
      proxyUrl: 'http://proxy:3128',
      tlsConfig: { caFile: '/etc/am/auth-ca.pem', certFile: undefined, keyFile: undefined, serverName: undefined, insecureSkipVerify: false, minVersion: undefined, maxVersion: undefined },
    });
  });

  it('time_intervals and mute_time_intervals land in one map; inhibit rules are read', () => {
    const c = loadConfigString(`
route:
  receiver: r
  routes: [{receiver: r, mute_time_intervals: [old], active_time_intervals: [new]}]
mute_time_intervals:
  - name: old
    time_intervals: [{weekdays: [saturday, sunday]}]
time_intervals:
  - name: new
    time_intervals: [{times: [{start_time: '09:00', end_time: '17:00'}]}, {months: [may]}]
inhibit_rules:
  - source_match: {severity: critical}
    target_matchers: ['severity=~"warning|info"']
    equal: [alertname, cluster]
receivers:
  - name: r
`);
    assert.deepEqual([...c.timeIntervals.keys()], ['old', 'new']);
    assert.equal(c.timeIntervals.get('new')!.length, 2);
    assert.deepEqual(c.route.routes[0]!.muteTimeIntervals, ['old']);
    assert.deepEqual(c.route.routes[0]!.activeTimeIntervals, ['new']);
    const rule = c.inhibitRules[0]!;
    assert.deepEqual(rule.sourceMatchers.map(String), ['severity="critical"']);
    assert.deepEqual(loadConfigString('route: {receiver: r}\ninhibit_rules: [{source_match_re: {a: "x|y"}}]\n' + RECEIVER).inhibitRules[0]!.sourceMatchers.map(String), ['a=~"^(?:x|y)$"']);
    assert.deepEqual(rule.targetMatchers.map(String), ['severity=~"warning|info"']);
    assert.deepEqual(rule.equal, ['alertname', 'cluster']);
  });

  it('keeps the original text and the source file', () => {
    const text = 'route:\n  receiver: r\n' + RECEIVER;
    const c = loadConfigString(text, { sourceFile: '/etc/am/am.yml' });
    assert.equal(c.original, text);
    assert.equal(c.sourceFile, '/etc/am/am.yml');
  });
});

describe('loadConfigFile', () => {
  it('reads the file and expands template globs relative to its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertrouter-load-'));
    try {
      mkdirSync(join(dir, 'templates'));
      for (const f of ['b.tmpl', 'a.tmpl', 'c.txt']) writeFileSync(join(dir, 'templates', f), '');
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, "templates: ['templates/*.tmpl', 'missing/*.tmpl']\nroute:\n  receiver: r\n" + RECEIVER);
      const c = await loadConfigFile(file);
      assert.equal(c.sourceFile, file);
      assert.deepEqual(c.templates, [join(dir, 'templates/*.tmpl'), join(dir, 'missing/*.tmpl')]);
      assert.deepEqual(c.templateFiles, [join(dir, 'templates', 'a.tmpl'), join(dir, 'templates', 'b.tmpl')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing file is a ConfigError naming it', async () => {
    await assert.rejects(loadConfigFile('/nonexistent/alertrouter.yml'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, '/nonexistent/alertrouter.yml');
      assert.match(err.message, /cannot read the configuration file/);
      return true;
    });
  });
});
