import { test } from 'node:test';
import assert from 'node:assert/strict';
import { macFromIpv4, NetworkIpam, randomMac } from './pool.js';

const owner = { name: 'net1', id: 'a'.repeat(64) };

test('addresses come in order after the gateway, skipping aux addresses, and a released one is not reused at once', () => {
  const ipam = new NetworkIpam(owner, [{ subnet: '10.70.0.0/29', gateway: '10.70.0.1', auxAddresses: { host: '10.70.0.3' } }]);
  const a = ipam.allocate(4).address;
  const b = ipam.allocate(4).address;
  assert.deepEqual([a, b], ['10.70.0.2', '10.70.0.4']);
  ipam.release(a);
  assert.equal(ipam.allocate(4).address, '10.70.0.5');
  assert.equal(ipam.allocate(4).address, '10.70.0.6');
  // .7 is the broadcast address: the walk wraps to the released .2.
  assert.equal(ipam.allocate(4).address, '10.70.0.2');
  assert.throws(() => ipam.allocate(4), { message: `no available IPv4 addresses on this network's address pools: net1 (${owner.id})` });
});

test('a preferred address must lie in a subnet and be free; the gateway and aux addresses are taken', () => {
  const ipam = new NetworkIpam(owner, [{ subnet: '10.70.1.0/24', ipRange: '10.70.1.128/25', auxAddresses: { r: '10.70.1.9' } }]);
  assert.equal(ipam.allocate(4).address, '10.70.1.128');
  // outside the ip-range but inside the subnet is allowed, as in Docker
  assert.equal(ipam.allocate(4, '10.70.1.20').address, '10.70.1.20');
  assert.throws(() => ipam.allocate(4, '10.70.1.20'), { message: 'Address already in use', name: 'ForbiddenError' });
  assert.throws(() => ipam.allocate(4, '10.70.1.1'), { message: 'Address already in use' });
  assert.throws(() => ipam.allocate(4, '10.70.1.9'), { message: 'Address already in use' });
  assert.throws(() => ipam.allocate(4, '10.71.0.5'), /no configured subnet or ip-range contain the IP address 10\.71\.0\.5/);
  assert.throws(() => ipam.allocate(4, 'nonsense'), /invalid IPv4 address: nonsense/);
  ipam.release('10.70.1.20');
  assert.equal(ipam.allocate(4, '10.70.1.20').address, '10.70.1.20');
});

test('IPv6 pools hand out addresses after the gateway', () => {
  const ipam = new NetworkIpam(owner, [{ subnet: '10.70.2.0/24' }, { subnet: 'fd00:1:2:3::/64', gateway: 'fd00:1:2:3::1' }]);
  assert.equal(ipam.allocate(6).address, 'fd00:1:2:3::2');
  assert.equal(ipam.allocate(6, 'fd00:1:2:3::abcd').address, 'fd00:1:2:3::abcd');
  assert.equal(ipam.first(6)!.gateway, 'fd00:1:2:3::1');
  assert.equal(ipam.first(4)!.gateway, '10.70.2.1');
});

test('MAC addresses: derived from IPv4 the Docker way, or random and locally administered', () => {
  assert.equal(macFromIpv4('10.63.0.2'), '02:42:0a:3f:00:02');
  const m = randomMac(() => Buffer.from([0xff, 1, 2, 3, 4, 5]));
  assert.equal(m, 'fe:01:02:03:04:05');
});
