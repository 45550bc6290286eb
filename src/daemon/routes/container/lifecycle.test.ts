import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import { addLifecycleRoutes } from './lifecycle.js';
import type { ContainerBackend } from './backend.js';
import type { ContainerInspectResponse } from '../../../api/container.js';
import { NotImplementedError } from '../../../lib/errors/index.js';

describe('container life-cycle routes with a fake backend', () => {
  const seen: unknown[] = [];
  const backend = fakeBackend<ContainerBackend>({
    async containerInspect(ref, opts) {
      seen.push(opts);
      return { Id: ref } as ContainerInspectResponse;
    },
    async containerCreate(req) {
      if (req.HostConfig?.VolumesFrom) throw new NotImplementedError('--volumes-from is not supported yet');
      return { Id: 'new', Warnings: [] };
    },
  });
  const t = new TestApiServer((r) => addLifecycleRoutes(r, backend));
  after(() => t.close());

  it('hands the request\'s API version and the size flag to inspect', async () => {
    assert.equal((await t.request('/v1.41/containers/web/json?size=1')).status, 200);
    assert.equal((await t.request('/containers/web/json')).status, 200);
    assert.deepEqual(seen, [{ size: true, apiVersion: '1.41' }, { size: false, apiVersion: '1.50' }]);
  });

  it('refuses create bodies that are not a JSON object, before the backend', async () => {
    for (const body of ['', '[]', 'null', '{"Image":']) {
      const r = await t.request({ method: 'POST', path: '/containers/create', body, headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(typeof r.json<{ message: string }>().message, 'string');
    }
    const xml = await t.request({ method: 'POST', path: '/containers/create', body: '{}', headers: { 'Content-Type': 'application/xml' } });
    assert.equal(xml.status, 400);
  });

  it('refuses a volume subpath from a client older than API 1.45', async () => {
    const body = { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'volume', Source: 'v', Target: '/m', VolumeOptions: { Subpath: 'sub' } }] } };
    const r = await t.request({ method: 'POST', path: '/v1.44/containers/create', body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json<{ message: string }>().message, 'VolumeOptions.Subpath needs API v1.45 or newer');
  });

  it('refuses BindOptions.ReadOnlyForceRecursive from a client older than API 1.44', async () => {
    const body = { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: '/tmp', Target: '/t', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }] } };
    const old = await t.request({ method: 'POST', path: '/v1.43/containers/create', body });
    assert.equal(old.status, 400);
    assert.equal(old.json<{ message: string }>().message, 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    assert.equal((await t.request({ method: 'POST', path: '/v1.44/containers/create', body })).status, 201);
  });

  it('maps a not-implemented create to 501', async () => {
    const r = await t.request({ method: 'POST', path: '/containers/create', body: { Image: 'busybox', HostConfig: { VolumesFrom: ['x'] } } });
    assert.equal(r.status, 501);
    assert.match(r.json<{ message: string }>().message, /--volumes-from/);
  });

  it('checks wait conditions and list filters at the route', async () => {
    assert.equal((await t.request({ method: 'POST', path: '/containers/x/wait?condition=bogus' })).status, 400);
    const r = await t.request('/containers/json?filters=' + encodeURIComponent('{"nope":{"x":true}}'));
    assert.equal(r.status, 400);
    assert.equal(r.json<{ message: string }>().message, "invalid filter 'nope'");
    const garbage = await t.request('/containers/json?filters=notjson');
    assert.equal(garbage.status, 400);
    assert.match(garbage.json<{ message: string }>().message, /invalid filter/);
    assert.equal((await t.request('/containers/json?limit=abc')).status, 400);
  });
});
