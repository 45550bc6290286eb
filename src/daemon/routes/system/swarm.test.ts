import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestApiServer } from '../../server/testing/index.js';
import { addUnservedEndpoints } from '../../server/engine-endpoints.js';
import { NOT_A_SWARM_MANAGER, NOT_PART_OF_A_SWARM, addSwarmAndPluginRoutes } from './swarm.js';

describe('swarm and plugin endpoints outside a swarm', () => {
  const t = new TestApiServer((r) => {
    addSwarmAndPluginRoutes(r);
    addUnservedEndpoints(r);
  });
  after(() => t.close());

  const message = (text: string): string => (JSON.parse(text) as { message: string }).message;

  it('answers swarm leave with 503 "not part of a swarm", as SDK teardowns expect', async () => {
    const r = await t.request({ method: 'POST', path: '/v1.41/swarm/leave?force=1' });
    assert.equal(r.status, 503);
    assert.equal(message(r.text), NOT_PART_OF_A_SWARM);
  });

  it('answers every cluster read and change with 503 "not a swarm manager"', async () => {
    for (const [method, path] of [['GET', '/swarm'], ['GET', '/nodes'], ['GET', '/nodes/n1'], ['GET', '/services'], ['POST', '/services/create'],
      ['GET', '/tasks'], ['GET', '/secrets'], ['DELETE', '/secrets/s1'], ['GET', '/configs'], ['POST', '/swarm/update'], ['GET', '/swarm/unlockkey'],
      ['GET', '/services/web/logs']] as const) {
      const r = await t.request({ method, path });
      assert.equal(r.status, 503, `${method} ${path}`);
      assert.equal(message(r.text), NOT_A_SWARM_MANAGER);
    }
  });

  it('refuses init and join with 503 and says why', async () => {
    const r = await t.request({ method: 'POST', path: '/swarm/init' });
    assert.equal(r.status, 503);
    assert.match(message(r.text), /berth has no swarm mode/);
  });

  it('lists no plugins, and finds none by name', async () => {
    const l = await t.request('/plugins');
    assert.equal(l.status, 200);
    assert.deepEqual(JSON.parse(l.text), []);
    for (const [method, path] of [['GET', '/plugins/vieux/sshfs:latest/json'], ['DELETE', '/plugins/vieux/sshfs'], ['POST', '/plugins/x/enable']] as const) {
      const r = await t.request({ method, path });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.match(message(r.text), /^plugin ".+" not found$/);
    }
  });

  it('answers a wrong method with 405 and an unknown path with 404, both in JSON', async () => {
    const wm = await t.request({ method: 'PUT', path: '/swarm/leave' });
    assert.equal(wm.status, 405);
    assert.equal(typeof message(wm.text), 'string');
    const nf = await t.request('/no/such/path');
    assert.equal(nf.status, 404);
    assert.equal(message(nf.text), 'page not found');
  });
});
