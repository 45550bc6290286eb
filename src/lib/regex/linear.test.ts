import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearRegExp } from './linear.js';
import { kindOf } from '../errors/index.js';

test('patterns that would backtrack forever run in linear time', () => {
  const started = Date.now();
  assert.equal(linearRegExp('(a+)+b').test('a'.repeat(100_000)), false);
  assert.ok(Date.now() - started < 1000);
});

test("Go's (?i) works; backreferences are refused as invalid arguments", () => {
  assert.ok(linearRegExp('(?i)WEB').test('my-web-1'));
  assert.throws(() => linearRegExp('(a)\\1'), (e: unknown) => kindOf(e) === 'invalid-argument');
  assert.throws(() => linearRegExp('('), (e: unknown) => kindOf(e) === 'invalid-argument');
});
