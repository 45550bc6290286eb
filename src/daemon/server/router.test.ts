import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.js';
import { httpStatusFromError } from './http-status.js';
import { ConflictError, NotFoundError, InvalidArgumentError, NotModifiedError } from '../../lib/errors/index.js';
import { filtersParam } from './context.js';

test('routes match with params, greedy image names and HEAD on GET routes', () => {
  const r = new Router();
  const h = async (): Promise<void> => {};
  r.add('GET', '/containers/{id}/json', h);
  r.add('GET', '/images/{name*}/json', h);
  assert.deepEqual(r.match('GET', '/containers/abc/json').params, { id: 'abc' });
  assert.deepEqual(r.match('GET', '/images/library/busybox:latest/json').params, { name: 'library/busybox:latest' });
  assert.ok(r.match('HEAD', '/containers/abc/json').route);
  assert.equal(r.match('POST', '/containers/abc/json').methodMismatch, true);
  assert.equal(r.match('GET', '/nope').route, undefined);
});

test('error kinds map to Docker statuses', () => {
  assert.equal(httpStatusFromError(new NotFoundError('x')), 404);
  assert.equal(httpStatusFromError(new ConflictError('x')), 409);
  assert.equal(httpStatusFromError(new InvalidArgumentError('x')), 400);
  assert.equal(httpStatusFromError(new NotModifiedError('x')), 304);
  assert.equal(httpStatusFromError(new Error('x')), 500);
  assert.equal(httpStatusFromError(new Error('wrapped', { cause: new NotFoundError('x') })), 404);
});

test('filters accept both the list and the legacy map form, and reject garbage', () => {
  assert.deepEqual([...filtersParam(new URLSearchParams({ filters: '{"status":["running"]}' }))], [['status', ['running']]]);
  assert.deepEqual([...filtersParam(new URLSearchParams({ filters: '{"status":{"exited":true}}' }))], [['status', ['exited']]]);
  assert.throws(() => filtersParam(new URLSearchParams({ filters: '{bad' })), /invalid filter/);
  assert.throws(() => filtersParam(new URLSearchParams({ filters: '[1]' })), /invalid filter/);
});
