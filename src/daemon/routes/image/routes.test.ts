import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import { addImageRoutes } from './routes.js';
import type { ImageBackend } from './backend.js';
import { NotFoundError } from '../../../lib/errors/index.js';

describe('image routes with a fake backend', () => {
  const versions: string[] = [];
  const backend = fakeBackend<ImageBackend>({
    imageInspect(ref, apiVersion) {
      versions.push(apiVersion);
      if (ref !== 'library/busybox:latest') throw new NotFoundError(`No such image: ${ref}`);
      return { Id: 'sha256:1' };
    },
    imageList(opts) {
      versions.push(opts.apiVersion);
      return [];
    },
  });
  const t = new TestApiServer((r) => addImageRoutes(r, backend));
  after(() => t.close());

  it('hands the request\'s API version to the backend', async () => {
    versions.length = 0;
    assert.equal((await t.request('/v1.41/images/library/busybox:latest/json')).status, 200);
    assert.equal((await t.request('/images/library/busybox:latest/json')).status, 200);
    assert.equal((await t.request('/v1.44/images/json')).status, 200);
    assert.deepEqual(versions, ['1.41', '1.50', '1.44']);
  });

  it('answers a missing image with 404 and Docker\'s message', async () => {
    const r = await t.request('/images/nosuch/json');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { message: 'No such image: nosuch' });
  });
});
