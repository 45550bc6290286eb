import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorResponse } from '../errors.js';
import { resolveRoute } from './index.js';

function status(method: string, path: string): number {
  try {
    resolveRoute(method, path);
    return 0;
  } catch (err) {
    return errorResponse(err).status;
  }
}

describe('registry routes', () => {
  const d = `sha256:${'a'.repeat(64)}`;
  it('match repository names with slashes from the end of the path', () => {
    const r = resolveRoute('GET', `/v2/a/blobs/uploads/b/blobs/${d}`);
    assert.deepEqual(r.params, { name: 'a/blobs/uploads/b', digest: d });
    assert.deepEqual(resolveRoute('POST', '/v2/x/y/blobs/uploads/').params, { name: 'x/y' });
    assert.deepEqual(resolveRoute('PATCH', '/v2/x/blobs/uploads/abc').params, { name: 'x', uuid: 'abc' });
    assert.deepEqual(resolveRoute('GET', '/v2/x/manifests/latest').params, { name: 'x', reference: 'latest' });
  });

  it('tell the access each request needs, for an authorization check', () => {
    assert.deepEqual(resolveRoute('GET', '/v2/').access, { type: 'base' });
    assert.deepEqual(resolveRoute('GET', '/v2/_catalog').access, { type: 'catalog' });
    assert.deepEqual(resolveRoute('HEAD', `/v2/a/b/blobs/${d}`).access, { type: 'repository', name: 'a/b', actions: ['pull'] });
    assert.deepEqual(resolveRoute('PUT', '/v2/a/manifests/v1').access, { type: 'repository', name: 'a', actions: ['pull', 'push'] });
    assert.deepEqual(resolveRoute('DELETE', '/v2/a/manifests/v1').access, { type: 'repository', name: 'a', actions: ['delete'] });
  });

  it('refuse bad names, unknown paths and methods', () => {
    assert.equal(status('GET', '/v2/A/tags/list'), 400);
    assert.equal(status('GET', '/v2/a/nothing'), 404);
    assert.equal(status('GET', '/v3/'), 404);
    assert.equal(status('PATCH', '/v2/a/manifests/v1'), 405);
    assert.equal(status('POST', '/v2/'), 405);
  });
});
