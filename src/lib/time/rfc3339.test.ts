import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339Nano, rfc3339NanoFromNs } from './rfc3339.js';

test('formats nanosecond times, and milliseconds the same way', () => {
  assert.equal(rfc3339NanoFromNs(1795420390424025909n), '2026-11-23T07:53:10.424025909Z');
  assert.equal(rfc3339Nano(1795420390424), '2026-11-23T07:53:10.424000000Z');
  assert.equal(rfc3339NanoFromNs(5n), '1970-01-01T00:00:00.000000005Z');
});
