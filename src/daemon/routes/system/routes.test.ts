import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import { addSystemRoutes } from './routes.js';
import type { SystemBackend } from './backend.js';

describe('system routes with a fake backend', () => {
  const versions: string[] = [];
  const backend = fakeBackend<SystemBackend>({
    async systemInfo(apiVersion) {
      versions.push(apiVersion);
      return { ID: 'x' };
    },
    async systemDataUsage(apiVersion) {
      versions.push(apiVersion);
      return { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] };
    },
  });
  const t = new TestApiServer((r) => addSystemRoutes(r, backend));
  after(() => t.close());

  it('hands the request\'s API version to info and df', async () => {
    versions.length = 0;
    assert.equal((await t.request('/v1.48/info')).status, 200);
    assert.equal((await t.request('/system/df')).status, 200);
    assert.deepEqual(versions, ['1.48', '1.50']);
  });

  it('answers the ping with the API version header, and HEAD without a body', async () => {
    const r = await t.request('/_ping');
    assert.equal(r.status, 200);
    assert.equal(r.text, 'OK');
    assert.equal(r.headers['api-version'], '1.50');
    const h = await t.request({ method: 'HEAD', path: '/_ping' });
    assert.equal(h.status, 200);
    assert.equal(h.text, '');
  });
});
