import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventMessage } from '../../../api/event.js';
import { eventFilter } from '../../../engine/events/filter.js';
import { TestApiServer, fakeBackend } from '../../server/testing/index.js';
import type { SystemBackend } from './backend.js';
import { addSystemRoutes } from './routes.js';

const at = (sec: number, action: string): EventMessage => ({
  Type: 'container', Action: action, Actor: { ID: 'c1', Attributes: { name: 'web' } }, scope: 'local', time: Math.floor(sec), timeNano: sec * 1e9,
});

describe('GET /events with a fake backend', () => {
  const history = [at(100, 'create'), at(200.5, 'start'), at(300, 'die')];
  const backend = fakeBackend<SystemBackend>({
    subscribeEvents(fn, since) {
      for (const e of history) if (since !== undefined && e.timeNano / 1e9 >= since) fn(e);
      return () => {};
    },
    eventFilter: (f) => eventFilter(f),
  });
  const t = new TestApiServer((r) => addSystemRoutes(r, backend));
  after(() => t.close());
  const actions = (body: string): string[] => body.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as EventMessage).Action);

  it('replays from since to until, both inclusive, in unix seconds with a fraction', async () => {
    const r = await t.request('/events?since=200.5&until=300');
    assert.equal(r.status, 200);
    assert.deepEqual(actions(r.text), ['start', 'die']);
    assert.deepEqual(actions((await t.request('/events?since=100&until=200.4')).text), ['create']);
  });

  it('takes RFC 3339 times too, and applies filters', async () => {
    const r = await t.request(`/events?since=1970-01-01T00:00:00Z&until=1970-01-01T00:05:00Z&filters=${encodeURIComponent('{"event":["die","create"]}')}`);
    assert.deepEqual(actions(r.text), ['create', 'die']);
  });

  it('refuses since after until, bad times and unknown filters with 400 before streaming', async () => {
    const order = await t.request('/events?since=300&until=100');
    assert.equal(order.status, 400);
    assert.equal(JSON.parse(order.text).message, '`since` time (300) cannot be after `until` time (100)');
    const bad = await t.request('/events?since=soon');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.text).message, 'failed to parse value as time or duration: "soon"');
    const key = await t.request(`/events?until=1&filters=${encodeURIComponent('{"colour":["red"]}')}`);
    assert.equal(key.status, 400);
    assert.equal(JSON.parse(key.text).message, "invalid filter 'colour'");
  });
});
