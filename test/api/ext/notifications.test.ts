// The history route's query parameters and the API form of an entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HISTORY_LIMIT, parseHistoryQuery, toGettableNotification } from '../../../src/api/ext/notifications.js';
import { ApiError } from '../../../src/api/errors.js';

test('history query: filters taken as given, limit defaulted and bounded', () => {
  assert.deepEqual(parseHistoryQuery({}), { limit: DEFAULT_HISTORY_LIMIT });
  assert.deepEqual(parseHistoryQuery({ receiver: 'team-a', groupKey: '{}:{a="b"}', fingerprint: 'abc', integration: 'email', outcome: 'failed', limit: '1000' }), {
    limit: 1000,
    receiver: 'team-a',
    groupKey: '{}:{a="b"}',
    fingerprint: 'abc',
    integration: 'email',
    outcome: 'failed',
  });
});

test('history query: a bad limit or outcome, or a repeated filter, is a 400 saying what was wanted', () => {
  const refused = (query: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => parseHistoryQuery(query), (err: unknown) => err instanceof ApiError && err.status === 400 && message.test(err.message));
  refused({ limit: '0' }, /limit: want an integer from 1 to 1000 \(got "0"\)/);
  refused({ limit: '1001' }, /limit/);
  refused({ limit: '5x' }, /limit/);
  refused({ outcome: 'ok' }, /outcome: want one of success, retry, failed \(got "ok"\)/);
  refused({ receiver: ['a', 'b'] }, /receiver given more than once/);
});

test('history entry: times in API form, alert counts split into firing and resolved, error only when there is one', () => {
  const base = {
    id: 1, atMs: Date.UTC(2024, 0, 15, 12), receiver: 'r', integration: 'webhook', index: 0, groupKey: 'g',
    fingerprints: ['a', 'b', 'c'], firing: 2, attempt: 3, latencyMs: 1234.4,
  };
  assert.deepEqual(toGettableNotification({ ...base, outcome: 'success', error: undefined }), {
    time: '2024-01-15T12:00:00.000Z', receiver: 'r', integration: 'webhook', index: 0, groupKey: 'g', fingerprints: ['a', 'b', 'c'],
    alerts: 3, firing: 2, resolved: 1, attempt: 3, outcome: 'success', latencySeconds: 1.234,
  });
  assert.equal(toGettableNotification({ ...base, outcome: 'failed', error: 'boom' }).error, 'boom');
});
