import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanRequestPath } from '../../src/api/redirect.js';

test('cleanRequestPath: as Go\'s ServeMux cleans a request path', () => {
  const cases: [string, string][] = [
    ['/api/v2/alerts', '/api/v2/alerts'],
    ['//api/v2/alerts', '/api/v2/alerts'],
    ['/api//v2/receivers', '/api/v2/receivers'],
    ['/api/v2/receivers//', '/api/v2/receivers/'],
    ['/api/v2/./status', '/api/v2/status'],
    ['/api/v2/x/../status/', '/api/v2/status/'],
    ['/api/v2/%2e%2e/v2/status', '/api/v2/status'],
    ['/a/.', '/a'],
    ['/a/./', '/a/'],
    ['/..', '/'],
    ['/../../x', '/x'],
    ['//', '/'],
    ['/', '/'],
    ['/.well-known/x', '/.well-known/x'],
    ['/a%20b//c', '/a%20b/c'],
  ];
  for (const [raw, clean] of cases) assert.equal(cleanRequestPath(raw), clean, raw);
});
