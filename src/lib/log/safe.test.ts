import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSafe } from './safe.js';

test('a client cannot forge a log line or write raw control bytes', () => {
  assert.equal(logSafe('GET /containers/abc\n2026-12-01T00:00:00.000Z ERROR forged/json'), 'GET /containers/abc\n    2026-12-01T00:00:00.000Z ERROR forged/json');
  assert.equal(logSafe('a\u0000b\rc\u001b[31m'), 'a\\x00b\\x0dc\\x1b[31m');
  assert.equal(logSafe('plain text, é'), 'plain text, é');
});
