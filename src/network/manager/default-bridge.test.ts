import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBridgeIpam } from './default-bridge.js';
import type { NetworkRecord } from '../types.js';

const stored = { ipam: { config: [{ subnet: '10.62.0.0/16', gateway: '10.62.0.1' }] } } as NetworkRecord;

test('the default bridge keeps its earlier subnet while the host leaves it free, else takes 10.63/16 or one below', () => {
  const base = { device: 'tq0', others: [], routes: [], warn: () => {} };
  assert.deepEqual(defaultBridgeIpam(base), [{ subnet: '10.63.0.0/16', gateway: '10.63.0.1' }]);
  assert.deepEqual(defaultBridgeIpam({ ...base, stored, routes: [{ dst: '10.62.0.0/16', dev: 'tq0' }] }), [{ subnet: '10.62.0.0/16', gateway: '10.62.0.1' }]);
  assert.deepEqual(defaultBridgeIpam({ ...base, stored, routes: [{ dst: '10.62.0.0/24', dev: 'eth1' }] }), [{ subnet: '10.63.0.0/16', gateway: '10.63.0.1' }]);
  assert.deepEqual(defaultBridgeIpam({ ...base, routes: [{ dst: '10.63.7.0/24', dev: 'wg0' }] }), [{ subnet: '10.62.0.0/16', gateway: '10.62.0.1' }]);
});

test('--bip and --fixed-cidr are obeyed; an overlap with a host route is only a warning', () => {
  const warnings: string[] = [];
  const pools = defaultBridgeIpam({ bip: '10.120.5.9/16', fixedCidr: '10.120.8.0/24', device: 'tq0', others: [], routes: [{ dst: '10.120.0.0/24', dev: 'eth1' }], warn: (m) => warnings.push(m) });
  assert.deepEqual(pools, [{ subnet: '10.120.0.0/16', gateway: '10.120.5.9', ipRange: '10.120.8.0/24' }]);
  assert.match(warnings[0]!, /--bip 10\.120\.5\.9\/16 overlaps the host's route to 10\.120\.0\.0\/24/);
  assert.throws(() => defaultBridgeIpam({ bip: '10.120.5.9/16', fixedCidr: '10.121.0.0/24', device: 'tq0', others: [], routes: [], warn: () => {} }), /must lie inside the bridge subnet/);
});
