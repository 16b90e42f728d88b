import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertrouterError } from '../../src/util/errors.js';
import { createLogger, errorStack, errorText, messageWithCauses } from '../../src/util/log.js';

class TestError extends AlertrouterError {
  constructor(message: string, cause?: unknown) {
    super('test_failed', message, cause === undefined ? undefined : { cause });
  }
}

/** A refused webhook as the notifier raises it: each error quotes the one below. */
function refusedWebhook(): TestError {
  const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const request = new TestError('POST http://127.0.0.1:1/hook: connect ECONNREFUSED 127.0.0.1:1', root);
  return new TestError('webhook http://127.0.0.1:1/hook: POST http://127.0.0.1:1/hook: connect ECONNREFUSED 127.0.0.1:1', request);
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('messageWithCauses', () => {
  test('causes the message already quotes are not appended again', () => {
    const text = messageWithCauses(refusedWebhook());
    assert.equal(text, 'webhook http://127.0.0.1:1/hook: POST http://127.0.0.1:1/hook: connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(count(text, 'ECONNREFUSED'), 1);
  });

  test('an alertrouter error that words its cause its own way ends the message there (a timeout, not the socket error it caused)', () => {
    const socket = new TestError('POST http://x/hook: request timed out', new Error('request timed out'));
    const timeout = new TestError('POST http://x/hook: no answer within 1000ms', socket);
    assert.equal(messageWithCauses(new TestError('webhook http://x/hook: no answer within 1000ms', timeout)), 'webhook http://x/hook: no answer within 1000ms');
  });

  test('below a cause the message quotes, an error that is not alertrouter\'s still has its cause appended', () => {
    // The top quotes fetch's text, which does not say its own cause: that one is added.
    const middle = new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    assert.equal(messageWithCauses(new TestError('ext API: fetch failed', middle)), 'ext API: fetch failed: connect ECONNREFUSED 127.0.0.1:1');
  });

  test('the cause of an error that is not alertrouter\'s is appended, as pino does, once', () => {
    const fetchError = new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND nowhere') });
    assert.equal(messageWithCauses(fetchError), 'fetch failed: getaddrinfo ENOTFOUND nowhere');
    assert.equal(messageWithCauses(new Error('a: b', { cause: new Error('b') })), 'a: b');
  });

  test('without a cause, or with one that is no error, the message is the error\'s', () => {
    assert.equal(messageWithCauses(new Error('plain')), 'plain');
    assert.equal(messageWithCauses(new Error('with text cause', { cause: 'just text' })), 'with text cause');
    assert.equal(messageWithCauses(new Error('empty below', { cause: new Error('') })), 'empty below');
  });

  test('a circular chain ends', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    assert.equal(messageWithCauses(a), 'a: b');
  });
});

describe('errorText', () => {
  test('an error is its message with its causes, the root cause once', () => {
    assert.equal(errorText(refusedWebhook()), 'webhook http://127.0.0.1:1/hook: POST http://127.0.0.1:1/hook: connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(errorText(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND nowhere') })), 'fetch failed: getaddrinfo ENOTFOUND nowhere');
  });

  test('text is kept as it is; any other value is shown on one line, never as an object', () => {
    assert.equal(errorText('a string'), 'a string');
    assert.equal(errorText({ reason: 1, nested: { deep: true } }), '{ reason: 1, nested: { deep: true } }');
    assert.equal(errorText(42), '42');
    assert.equal(errorText(null), 'null');
  });
});

describe('errorStack', () => {
  test('the error\'s stack, then each cause\'s after `caused by:`', () => {
    const stack = errorStack(refusedWebhook());
    assert.match(stack, /^TestError: webhook /);
    assert.match(stack, /\ncaused by: TestError: POST http:\/\/127\.0\.0\.1:1\/hook: /);
    assert.match(stack, /\ncaused by: Error: connect ECONNREFUSED 127\.0\.0\.1:1\n/);
  });

  test('an error-like value without a stack gives its message; a circular chain ends', () => {
    assert.equal(errorStack({ message: 'no stack here' }), 'no stack here');
    const a = { message: 'a', cause: undefined as unknown };
    a.cause = { message: 'b', cause: a };
    assert.equal(errorStack(a), 'a\ncaused by: b');
  });
});

describe('createLogger', () => {
  const logged = (format: 'logfmt' | 'json', level = 'info'): string => {
    const lines: string[] = [];
    const logger = createLogger({ level, format, write: (l) => void lines.push(l) });
    logger.child({ component: 'dispatcher' }).warn({ receiver: 'team-a', integration: 'webhook[0]', err: refusedWebhook() }, 'Notify attempt failed, will retry later');
    assert.equal(lines.length, 1);
    return lines[0]!;
  };
  const ERR_TEXT = 'webhook http://127.0.0.1:1/hook: POST http://127.0.0.1:1/hook: connect ECONNREFUSED 127.0.0.1:1';

  test('logfmt: err is the message with its causes, the root cause once', () => {
    const line = logged('logfmt');
    assert.match(
      line,
      /^ts=\S+ level=warn component=dispatcher msg="Notify attempt failed, will retry later" receiver=team-a integration=webhook\[0\] err="webhook http:\/\/127\.0\.0\.1:1\/hook: POST http:\/\/127\.0\.0\.1:1\/hook: connect ECONNREFUSED 127\.0\.0\.1:1"\n$/,
    );
  });

  test('json: err is a string, the same text logfmt writes (as Alertmanager: no object, no stack)', () => {
    const record = JSON.parse(logged('json')) as Record<string, unknown>;
    assert.equal(record['err'], ERR_TEXT);
    assert.equal('stack' in record, false);
  });

  test('json: an error passed as the first argument is logged under err as a string too', () => {
    const lines: string[] = [];
    createLogger({ level: 'info', format: 'json', write: (l) => void lines.push(l) }).error(refusedWebhook());
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(record['err'], ERR_TEXT);
  });

  test('debug level: an unexpected error (not alertrouter\'s) keeps err a string and adds stack, with its causes', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'labels')", { cause: new Error('while flushing') });
    for (const format of ['json', 'logfmt'] as const) {
      const lines: string[] = [];
      createLogger({ level: 'debug', format, write: (l) => void lines.push(l) }).error({ err: bug }, 'HTTP request failed');
      if (format === 'json') {
        const record = JSON.parse(lines[0]!) as Record<string, unknown>;
        assert.equal(record['err'], "Cannot read properties of undefined (reading 'labels'): while flushing");
        assert.match(String(record['stack']), /^TypeError: Cannot read [^]*\n {4}at [^]*\ncaused by: Error: while flushing\n/);
      } else {
        assert.match(lines[0]!, / err="Cannot read properties of undefined \(reading 'labels'\): while flushing" stack="TypeError: Cannot read .*\\n {4}at .*\\ncaused by: Error: while flushing\\n.*"\n$/);
      }
    }
  });

  test('debug level: alertrouter\'s own errors, which say what failed and where, get no stack; nor does info level', () => {
    assert.equal('stack' in (JSON.parse(logged('json', 'debug')) as object), false);
    const lines: string[] = [];
    createLogger({ level: 'info', format: 'json', write: (l) => void lines.push(l) }).error({ err: new TypeError('a bug') }, 'failed');
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(record), ['level', 'ts', 'err', 'msg']);
    assert.equal(record['err'], 'a bug');
  });

  test('debug level: a line whose err is text gets no stack', () => {
    const lines: string[] = [];
    createLogger({ level: 'debug', format: 'json', write: (l) => void lines.push(l) }).error({ err: 'just text' }, 'failed');
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!) as object), ['level', 'ts', 'err', 'msg']);
  });
});
