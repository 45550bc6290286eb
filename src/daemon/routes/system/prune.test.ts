import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer } from '../../server/testing/index.js';
import { addPendingPruneRoutes } from './prune.js';

describe('prune endpoints of subsystems still to come', () => {
  const t = new TestApiServer(addPendingPruneRoutes);
  after(() => t.close());

  it('answer with an empty report in Docker\'s shape, so docker system prune completes', async () => {
    const cases: Array<[string, unknown]> = [
      ['/v1.50/build/prune', { CachesDeleted: null, SpaceReclaimed: 0 }],
    ];
    for (const [path, want] of cases) {
      const r = await t.request({ method: 'POST', path: `${path}?filters=${encodeURIComponent('{"label":["a=b"]}')}` });
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      assert.deepEqual(r.json(), want);
    }
  });

  it('refuse filters Docker does not know, with 400', async () => {
    for (const path of ['/build/prune']) {
      const r = await t.request({ method: 'POST', path: `${path}?filters=${encodeURIComponent('{"bogus":["x"]}')}` });
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.equal(r.json<{ message: string }>().message, "invalid filter 'bogus'");
    }
  });
});
