import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkStore } from './store.js';
import type { NetworkRecord } from './types.js';
import { testTempDir } from '../lib/testing/temp-dir.js';

const bridge = { bridgeName: 'tq0', mtu: 1500, ipam: [{ subnet: '10.201.0.0/24', gateway: '10.201.0.1' }] };

function rec(id: string, name: string): NetworkRecord {
  return {
    id, name, driver: 'bridge', scope: 'local', created: '2026-01-01T00:00:00Z', internal: false, attachable: false, ingress: false,
    enableIPv4: true, enableIPv6: false, options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [] }, predefined: false,
  };
}

test('predefined networks are made once, keep their ids across loads, and follow the bridge flags', async () => {
  const dir = testTempDir('berth-netstore-');
  const s = new NetworkStore(dir);
  await s.load();
  await s.ensurePredefined(bridge);
  const names = s.list().map((r) => [r.name, r.driver]).sort();
  assert.deepEqual(names, [['bridge', 'bridge'], ['host', 'host'], ['none', 'null']]);
  const ids = s.list().map((r) => r.id).sort();
  assert.equal(s.get('bridge').options['com.docker.network.bridge.name'], 'tq0');
  assert.equal(s.get('bridge').options['com.docker.network.bridge.default_bridge'], 'true');

  const again = new NetworkStore(dir);
  await again.load();
  await again.ensurePredefined({ ...bridge, ipam: [{ subnet: '10.202.0.0/24', gateway: '10.202.0.1' }] });
  assert.deepEqual(again.list().map((r) => r.id).sort(), ids);
  assert.equal(again.get('bridge').ipam.config[0]!.subnet, '10.202.0.0/24');
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 3);
});

test('lookup by full id, name, then unique prefix; Docker messages for missing, ambiguous and taken names', async () => {
  const dir = testTempDir('berth-netstore-');
  const s = new NetworkStore(dir);
  await s.load();
  const a = rec(`abc1${'0'.repeat(60)}`, 'front');
  const b = rec(`abc2${'0'.repeat(60)}`, 'back');
  await s.put(a);
  await s.put(b);
  assert.equal(s.get(a.id).name, 'front');
  assert.equal(s.get('back').id, b.id);
  assert.equal(s.get('abc1').name, 'front');
  assert.throws(() => s.get('abc'), { message: 'network abc is ambiguous (2 matches found based on ID prefix)' });
  assert.throws(() => s.get('nope'), { message: 'network nope not found', name: 'NotFoundError' });
  await assert.rejects(s.put(rec('f'.repeat(64), 'front')), { message: 'network with name front already exists', name: 'ConflictError' });
  await s.remove(a.id);
  assert.equal(s.find('front'), undefined);
  // A torn or foreign file is skipped, not fatal.
  writeFileSync(join(dir, `${'e'.repeat(64)}.json`), '{oops');
  const warnings: string[] = [];
  const s2 = new NetworkStore(dir, (m) => warnings.push(m));
  await s2.load();
  assert.deepEqual(s2.list().map((r) => r.name), ['back']);
  assert.equal(warnings.length, 1);
});
