import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import { addNetworkRoutes } from './routes.js';
import type { NetworkBackend } from './backend.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../lib/errors/index.js';
import type { Network } from '../../../api/network.js';

const NET = { Name: 'front', Id: 'a'.repeat(64) } as Network;

describe('network routes with a fake backend', () => {
  const calls: Array<[string, ...unknown[]]> = [];
  const backend = fakeBackend<NetworkBackend>({
    networkList(opts) {
      calls.push(['list', Object.fromEntries(opts.filters), opts.apiVersion]);
      return [NET];
    },
    networkInspect(ref, opts) {
      calls.push(['inspect', ref, opts]);
      if (ref !== 'front') throw new NotFoundError(`network ${ref} not found`);
      return NET;
    },
    async networkCreate(body) {
      calls.push(['create', body]);
      if ((body as { Name?: string })?.Name === 'front') throw new ConflictError('network with name front already exists');
      return { Id: 'b'.repeat(64), Warning: '' };
    },
    async networkDelete(ref) {
      calls.push(['delete', ref]);
      if (ref === 'bridge') throw new ForbiddenError('bridge is a pre-defined network and cannot be removed');
    },
    async networkConnect(ref, body) {
      calls.push(['connect', ref, body]);
    },
    async networkDisconnect(ref, body) {
      calls.push(['disconnect', ref, body]);
    },
    async networkPrune(filters) {
      calls.push(['prune', Object.fromEntries(filters)]);
      return { NetworksDeleted: ['old'] };
    },
  });
  const t = new TestApiServer((r) => addNetworkRoutes(r, backend));
  after(() => t.close());

  it('lists with the filters and the request\'s API version', async () => {
    calls.length = 0;
    const r = await t.request(`/v1.41/networks?filters=${encodeURIComponent('{"driver":{"bridge":true}}')}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [NET]);
    assert.deepEqual(calls, [['list', { driver: ['bridge'] }, '1.41']]);
  });

  it('inspects with verbose and scope, and answers a missing network with 404', async () => {
    calls.length = 0;
    assert.equal((await t.request('/networks/front?verbose=true&scope=local')).status, 200);
    assert.deepEqual(calls, [['inspect', 'front', { verbose: true, scope: 'local' }]]);
    const r = await t.request('/networks/nosuch');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { message: 'network nosuch not found' });
    const bad = await t.request('/networks/front?verbose=yes');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { message: 'invalid value for verbose: yes' });
  });

  it('creates with 201 and the id; a taken name is 409', async () => {
    let r = await t.request({ method: 'POST', path: '/networks/create', body: JSON.stringify({ Name: 'back' }), headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), { Id: 'b'.repeat(64), Warning: '' });
    r = await t.request({ method: 'POST', path: '/networks/create', body: JSON.stringify({ Name: 'front' }) });
    assert.equal(r.status, 409);
    assert.deepEqual(r.json(), { message: 'network with name front already exists' });
  });

  it('refuses bad JSON and a non-JSON content type with 400', async () => {
    let r = await t.request({ method: 'POST', path: '/networks/create', body: '{"Name": ', headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.match(r.json<{ message: string }>().message, /^invalid JSON: /);
    r = await t.request({ method: 'POST', path: '/networks/create', body: '{}', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(r.status, 400);
    assert.equal(r.json<{ message: string }>().message, "unsupported Content-Type header (text/plain): must be 'application/json'");
    r = await t.request({ method: 'POST', path: '/networks/front/connect', body: 'nope' });
    assert.equal(r.status, 400);
  });

  it('removes with 204; a predefined network is 403', async () => {
    assert.equal((await t.request({ method: 'DELETE', path: '/networks/front' })).status, 204);
    const r = await t.request({ method: 'DELETE', path: '/networks/bridge' });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { message: 'bridge is a pre-defined network and cannot be removed' });
  });

  it('connects and disconnects with 200 and an empty body', async () => {
    calls.length = 0;
    const body = { Container: 'web', EndpointConfig: { Aliases: ['db'] } };
    let r = await t.request({ method: 'POST', path: '/networks/front/connect', body: JSON.stringify(body) });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    r = await t.request({ method: 'POST', path: '/networks/front/disconnect', body: JSON.stringify({ Container: 'web', Force: true }) });
    assert.equal(r.status, 200);
    assert.deepEqual(calls, [['connect', 'front', body], ['disconnect', 'front', { Container: 'web', Force: true }]]);
  });

  it('prunes with its filters', async () => {
    calls.length = 0;
    const r = await t.request({ method: 'POST', path: `/networks/prune?filters=${encodeURIComponent('{"until":["1h"]}')}` });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { NetworksDeleted: ['old'] });
    assert.deepEqual(calls, [['prune', { until: ['1h'] }]]);
  });
});
