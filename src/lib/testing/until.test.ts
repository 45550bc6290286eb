import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { until } from './until.js';

describe('until', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    assert.equal(await until(() => (++n >= 3 ? `n=${n}` : false), 'n to reach 3'), 'n=3');
  });
  it('fails naming what it waited for and the last error', async () => {
    await assert.rejects(until(() => { throw new Error('not yet'); }, 'the moon', 30), /timed out after 30 ms waiting for the moon: Error: not yet/);
    await assert.rejects(until(() => false, 'nothing', 30), /^Error: timed out after 30 ms waiting for nothing$/);
  });
});
