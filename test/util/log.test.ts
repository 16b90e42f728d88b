import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertrouterError } from '../../src/util/errors.js';
import { createLogger, messageWithCauses, serializeError } from '../../src/util/log.js';

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

describe('serializeError', () => {
  test('keeps type, the error\'s own fields and the stack with every cause; only the message is shortened', () => {
    const out = serializeError(refusedWebhook()) as Record<string, unknown>;
    assert.equal(out['type'], 'TestError');
    assert.equal(out['code'], 'test_failed');
    assert.equal(count(String(out['message']), 'ECONNREFUSED'), 1);
    const stack = String(out['stack']);
    assert.match(stack, /^TestError: webhook /);
    assert.match(stack, /\ncaused by: TestError: POST http:\/\/127\.0\.0\.1:1\/hook: /);
    assert.match(stack, /\ncaused by: Error: connect ECONNREFUSED 127\.0\.0\.1:1\n/);
  });

  test('a value that is no error is logged as it is', () => {
    assert.equal(serializeError('a string'), 'a string');
    assert.deepEqual(serializeError({ reason: 1 }), { reason: 1 });
  });
});

describe('createLogger', () => {
  const logged = (format: 'logfmt' | 'json'): string => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format, write: (l) => void lines.push(l) });
    logger.child({ component: 'dispatcher' }).warn({ receiver: 'team-a', integration: 'webhook[0]', err: refusedWebhook() }, 'notify attempt failed, will retry later');
    assert.equal(lines.length, 1);
    return lines[0]!;
  };

  test('logfmt: err is the message with its causes, the root cause once', () => {
    const line = logged('logfmt');
    assert.match(
      line,
      /^ts=\S+ level=warn component=dispatcher msg="notify attempt failed, will retry later" receiver=team-a integration=webhook\[0\] err="webhook http:\/\/127\.0\.0\.1:1\/hook: POST http:\/\/127\.0\.0\.1:1\/hook: connect ECONNREFUSED 127\.0\.0\.1:1"\n$/,
    );
  });

  test('json: err.message reads the root cause once; err.stack keeps the causes', () => {
    const record = JSON.parse(logged('json')) as { err: { message: string; stack: string; type: string } };
    assert.equal(count(record.err.message, 'ECONNREFUSED'), 1);
    assert.equal(record.err.type, 'TestError');
    assert.match(record.err.stack, /caused by: Error: connect ECONNREFUSED/);
  });
});
