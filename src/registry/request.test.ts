import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorResponse } from './errors.js';
import { page, pageSize, requestedRange } from './request.js';

describe('registry request helpers', () => {
  it('read a blob GET Range the way HTTP defines it', () => {
    assert.equal(requestedRange(undefined, 10), undefined);
    assert.deepEqual(requestedRange('bytes=2-4', 10), { start: 2, end: 4 });
    assert.deepEqual(requestedRange('bytes=2-', 10), { start: 2, end: 9 });
    assert.deepEqual(requestedRange('bytes=5-100', 10), { start: 5, end: 9 });
    assert.deepEqual(requestedRange('bytes=-3', 10), { start: 7, end: 9 });
    assert.deepEqual(requestedRange('bytes=-30', 10), { start: 0, end: 9 });
    // Several ranges, or another unit: the whole blob.
    assert.equal(requestedRange('bytes=0-1,3-4', 10), undefined);
    assert.equal(requestedRange('items=0-1', 10), undefined);
    for (const bad of ['bytes=10-', 'bytes=4-2']) {
      const e = errorResponse((() => { try { requestedRange(bad, 10); } catch (err) { return err; } })());
      assert.equal(e.status, 416, bad);
      assert.equal(e.headers['Content-Range'], 'bytes */10');
    }
  });

  it('page sorted lists after `last`, with a next page only when one remains', () => {
    const all = ['a', 'b', 'c', 'd'];
    assert.deepEqual(page(all, undefined, null), { items: all });
    assert.deepEqual(page(all, 2, null), { items: ['a', 'b'], next: { n: 2, last: 'b' } });
    assert.deepEqual(page(all, 2, 'b'), { items: ['c', 'd'] });
    assert.deepEqual(page(all, 0, null), { items: [] });
    assert.deepEqual(page(all, undefined, 'c'), { items: ['d'] });
    assert.equal(pageSize(null), undefined);
    assert.equal(pageSize('7'), 7);
    assert.throws(() => pageSize('-1'));
    assert.throws(() => pageSize('1e3'));
  });
});
