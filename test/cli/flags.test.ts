import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, formatHelp, parseFlagDuration, parseFlags, type FlagSpecs } from '../../src/cli/flags.js';

const specs = {
  'config.file': { kind: 'string', help: 'Config file.' },
  'log.level': { kind: 'string', help: 'Log level.', default: 'info' },
  tree: { kind: 'bool', help: 'Print the tree.' },
  'version-check': { kind: 'bool', help: 'Check.', default: true },
  timeout: { kind: 'duration', help: 'Timeout.', default: '30s' },
  'data.retention': { kind: 'duration', help: 'Retention.' },
  'cluster.peer': { kind: 'repeated', help: 'Peers.' },
  'web.route': { kind: 'repeated', help: 'Routes.', default: ['/'] },
  verbose: { kind: 'bool', help: 'Verbose.', short: 'v' },
  output: { kind: 'string', help: 'Output.', short: 'o' },
} as const satisfies FlagSpecs;

test('flags: defaults when nothing is given', () => {
  const { values, positional, help } = parseFlags([], specs);
  assert.deepEqual(values, {
    'config.file': undefined,
    'log.level': 'info',
    tree: false,
    'version-check': true,
    timeout: 30_000,
    'data.retention': undefined,
    'cluster.peer': [],
    'web.route': ['/'],
    verbose: false,
    output: undefined,
  });
  assert.deepEqual(positional, []);
  assert.equal(help, false);
});

const table: Array<[string, string[], Partial<Record<keyof typeof specs, unknown>>, string[]]> = [
  ['--flag value', ['--config.file', 'a.yml'], { 'config.file': 'a.yml' }, []],
  ['--flag=value', ['--config.file=a.yml'], { 'config.file': 'a.yml' }, []],
  ['--flag= (empty value)', ['--config.file='], { 'config.file': '' }, []],
  ['value holding =', ['--config.file=a=b.yml'], { 'config.file': 'a=b.yml' }, []],
  ['value starting with a dash, separate', ['--config.file', '-weird'], { 'config.file': '-weird' }, []],
  ['bool set', ['--tree'], { tree: true }, []],
  ['bool negated', ['--no-version-check'], { 'version-check': false }, []],
  ['duration Go syntax', ['--timeout=1m30s'], { timeout: 90_000 }, []],
  ['duration fraction', ['--data.retention', '1.5h'], { 'data.retention': 5_400_000 }, []],
  ['duration milliseconds', ['--timeout=250ms'], { timeout: 250 }, []],
  ['duration Prometheus days', ['--data.retention=5d'], { 'data.retention': 432_000_000 }, []],
  ['repeated accumulates', ['--cluster.peer=a:1', '--cluster.peer', 'b:2'], { 'cluster.peer': ['a:1', 'b:2'] }, []],
  ['repeated replaces its default', ['--web.route=/x', '--web.route=/y'], { 'web.route': ['/x', '/y'] }, []],
  ['short bool', ['-v'], { verbose: true }, []],
  ['short with separate value', ['-o', 'json'], { output: 'json' }, []],
  ['short with attached value', ['-ojson'], { output: 'json' }, []],
  ['positionals interleaved', ['a=1', '--tree', 'b=2'], { tree: true }, ['a=1', 'b=2']],
  ['-- ends flags', ['--tree', '--', '--x=1', '-v'], { tree: true }, ['--x=1', '-v']],
  ['lone dash is positional', ['-'], {}, ['-']],
];

for (const [name, argv, want, wantPositional] of table) {
  test(`flags: ${name}`, () => {
    const { values, positional } = parseFlags(argv, specs);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(values[k as keyof typeof values], v, k);
    assert.deepEqual(positional, wantPositional);
  });
}

const refusals: Array<[string, string[], RegExp]> = [
  ['unknown long flag', ['--nope'], /unknown long flag '--nope'/],
  ['unknown long flag with value', ['--nope=1'], /unknown long flag '--nope'/],
  ['unknown short flag', ['-x'], /unknown short flag '-x'/],
  ['--no- on a non-bool', ['--no-config.file'], /unknown long flag '--no-config.file'/],
  ['missing value', ['--config.file'], /expected argument for flag '--config.file'/],
  ['missing value after short', ['-o'], /expected argument for flag '-o'/],
  ['value given to a bool', ['--tree=false'], /flag '--tree' is boolean and takes no value \(got "false"\)/],
  ['value given to --no-bool', ['--no-tree=1'], /flag '--no-tree' takes no value/],
  ['non-repeatable given twice', ['--config.file=a', '--config.file=b'], /flag 'config.file' cannot be repeated/],
  ['bool given twice', ['--tree', '--no-tree'], /flag 'tree' cannot be repeated/],
  ['bad duration', ['--timeout=soon'], /flag '--timeout': not a valid duration: "soon"/],
  ['duration without unit', ['--timeout=30'], /not a valid duration: "30"/],
];

for (const [name, argv, message] of refusals) {
  test(`flags: refuses ${name}`, () => {
    assert.throws(
      () => parseFlags(argv, specs),
      (err: unknown) => err instanceof FlagError && err.code === 'bad_flag' && message.test(err.message),
    );
  });
}

test('flags: --help and -h are reported, not refused, wherever they appear', () => {
  assert.equal(parseFlags(['--tree', '--help'], specs).help, true);
  assert.equal(parseFlags(['-h', 'x'], specs).help, true);
  assert.equal(parseFlags(['--', '--help'], specs).help, false);
});

test('flags: stopAtPositional hands back the subcommand and everything after it unparsed', () => {
  const { values, rest, positional } = parseFlags(['--tree', 'routes', '--unknown', 'x'], specs, { stopAtPositional: true });
  assert.equal(values.tree, true);
  assert.deepEqual(rest, ['routes', '--unknown', 'x']);
  assert.deepEqual(positional, []);
  // A flag's value is not taken for the subcommand.
  assert.deepEqual(parseFlags(['--config.file', 'routes', 'test'], specs, { stopAtPositional: true }).rest, ['test']);
});

test('flags: duration parsing covers zero, sign and combined units', () => {
  assert.equal(parseFlagDuration('t', '0'), 0);
  assert.equal(parseFlagDuration('t', '2h45m'), 9_900_000);
  assert.equal(parseFlagDuration('t', '-1s'), -1000);
  assert.equal(parseFlagDuration('t', '1w'), 604_800_000);
  assert.equal(parseFlagDuration('t', '1500us'), 1.5);
});

test('flags: help lists every flag with its default and the commands', () => {
  const text = formatHelp({
    usage: 'alertrouter [<flags>] <command>',
    specs,
    commands: [['check-config', 'Validate config files.']],
  });
  assert.match(text, /^usage: alertrouter \[<flags>\] <command>\n/);
  assert.match(text, /-h, --help +Show context-sensitive help\./);
  assert.match(text, /--config\.file=<file> +Config file\./);
  assert.match(text, /--\[no-\]tree +Print the tree\./);
  assert.match(text, /--log\.level=<level> +Log level\. \(default: info\)/);
  assert.match(text, /--timeout=<duration> +Timeout\. \(default: 30s\)/);
  assert.match(text, /--cluster\.peer=<peer> +Peers\. \(repeatable\)/);
  assert.match(text, /-o, --output=<output>/);
  assert.match(text, /Commands:\n +check-config +Validate config files\./);
  assert.doesNotMatch(formatHelp({ usage: 'x', specs: { p: { kind: 'string', help: 'Prefix.', default: '' } } }), /default/);
});
