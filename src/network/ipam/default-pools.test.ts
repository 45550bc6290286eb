import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDefaultBridge, chooseSubnet, DEFAULT_POOLS, parsePoolSpec, takenPrefixes, ulaPool } from './default-pools.js';

test('--default-address-pool values parse and bad ones are refused', () => {
  assert.deepEqual(parsePoolSpec('base=10.120.0.0/16,size=24'), { base: '10.120.0.0/16', size: 24 });
  assert.throws(() => parsePoolSpec('base=10.120.0.0/16'), /size is missing/);
  assert.throws(() => parsePoolSpec('base=10.120.0.0/16,size=8'), /size 8 must be between/);
  assert.throws(() => parsePoolSpec('base=nope,size=24'), /base must be a CIDR/);
  assert.throws(() => parsePoolSpec('foo=1'), /unexpected field/);
});

test('subnets come from the pools in order, clear of other networks and host routes but not of the default route', () => {
  const taken = takenPrefixes(['10.64.0.0/24'], [{ dst: 'default', dev: 'eth0' }, { dst: '10.64.1.0/24', dev: 'eth0' }, { dst: '10.64.2.7', dev: 'eth0' }, { dst: '10.64.3.0/24', dev: 'berth-abc' }], new Set(['berth-abc']));
  assert.equal(chooseSubnet(DEFAULT_POOLS, 4, taken), '10.64.3.0/24');
  // A big taken prefix is skipped in one jump.
  assert.equal(chooseSubnet(DEFAULT_POOLS, 4, takenPrefixes(['10.64.0.0/13'], [], new Set())), '10.72.0.0/24');
  assert.throws(() => chooseSubnet([{ base: '10.99.0.0/24', size: 24 }], 4, takenPrefixes(['10.99.0.0/24'], [], new Set())), /could not find an available, non-overlapping IPv4 address pool/);
});

test('the default bridge takes 10.63.0.1/16 unless a host route overlaps it', () => {
  assert.equal(chooseDefaultBridge([]), '10.63.0.1/16');
  assert.equal(chooseDefaultBridge(takenPrefixes([], [{ dst: '10.63.4.0/24' }], new Set())), '10.62.0.1/16');
});

test('the IPv6 pool is a unique-local /48 that stays the same for the same seed', () => {
  const a = ulaPool('seed');
  assert.match(a.base, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48$/);
  assert.equal(a.size, 64);
  assert.deepEqual(ulaPool('seed'), a);
  assert.equal(chooseSubnet([a], 6, []).endsWith('::/64'), true);
});
