import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointState, NetworkPlan, NetworkRecord } from '../types.js';
import { bridgeCreateLines, bridgeHostLines, bridgeNsLines, bridgeReconcileLines } from './bridge.js';
import { checkIfname } from './links.js';
import { isBerthMark, macFromId, ownerMark } from './marker.js';

const ID = 'a1b2c3d4e5f6'.padEnd(64, '0');

function plan(over: Partial<NetworkRecord> = {}, v6 = true): NetworkPlan {
  const record: NetworkRecord = {
    id: ID, name: 'net1', driver: 'bridge', scope: 'local', created: '', internal: false, attachable: false, ingress: false,
    enableIPv4: true, enableIPv6: v6, options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [] }, predefined: false, ...over,
  };
  return {
    record, bridgeName: 'berth-a1b2c3d4e', mtu: 1450,
    v4: { subnet: '10.64.3.0/24', gateway: '10.64.3.1', prefixLen: 24 },
    v6: v6 ? { subnet: 'fd00:64:3::/64', gateway: 'fd00:64:3::1', prefixLen: 64 } : undefined,
  };
}

const ep: EndpointState = {
  networkId: ID, networkName: 'net1', endpointId: 'e'.repeat(64), hostIfname: 'veth1234567', ifname: 'eth0', mac: '02:42:0a:40:03:02',
  ipv4: '10.64.3.2', prefixLen: 24, gateway: '10.64.3.1', ipv6: 'fd00:64:3::2', prefixLen6: 64, gateway6: 'fd00:64:3::1', aliases: [], dnsNames: [],
};

describe('bridge driver batches', () => {
  it('makes the veth with its peer inside the namespace, on the bridge, in one host batch', () => {
    assert.deepEqual(bridgeHostLines(plan(), ep, 'berth-0123456789ab'), [
      'link add veth1234567 mtu 1450 type veth peer name eth0 address 02:42:0a:40:03:02 mtu 1450 netns berth-0123456789ab',
      'link set veth1234567 master berth-a1b2c3d4e up',
      'link set veth1234567 type bridge_slave hairpin on',
    ]);
  });

  it('configures the namespace in one batch: lo, link, addresses, default routes', () => {
    assert.deepEqual(bridgeNsLines(plan(), ep, true), [
      'link set lo up',
      'link set eth0 up',
      'addr add 10.64.3.2/24 dev eth0',
      'addr add fd00:64:3::2/64 dev eth0 nodad',
      'route add 0.0.0.0/0 via 10.64.3.1 dev eth0',
      'route add ::/0 via fd00:64:3::1 dev eth0',
    ]);
  });

  it('adds no default route for a second network or an internal one', () => {
    const noRoute = (lines: string[]) => lines.filter((l) => l.startsWith('route'));
    assert.deepEqual(noRoute(bridgeNsLines(plan(), ep, false)), []);
    assert.deepEqual(noRoute(bridgeNsLines(plan({ internal: true }), ep, true)), []);
  });

  it('leaves MAC and v6 out when the endpoint has none', () => {
    const v4only = { ...ep, mac: '', ipv6: '', gateway6: '', prefixLen6: 0 };
    assert.equal(bridgeHostLines(plan({}, false), v4only, 'ns')[0], 'link add veth1234567 mtu 1450 type veth peer name eth0 mtu 1450 netns ns');
    assert.ok(!bridgeNsLines(plan({}, false), v4only, true).some((l) => l.includes('::')));
  });

  it('makes a new bridge marked as the network\'s, with a fixed MAC and its gateways', () => {
    assert.deepEqual(bridgeCreateLines(plan()), [
      `link add berth-a1b2c3d4e mtu 1450 address ${macFromId(ID)} type bridge`,
      'link set dev berth-a1b2c3d4e alias berth-a1b2c3d4e5f6',
      'addr add 10.64.3.1/24 dev berth-a1b2c3d4e',
      'addr add fd00:64:3::1/64 dev berth-a1b2c3d4e nodad',
      'link set berth-a1b2c3d4e up',
    ]);
    assert.equal(macFromId(ID), '02:a1:b2:c3:d4:e5');
    assert.ok(isBerthMark(ownerMark(ID)));
    assert.ok(!isBerthMark('my bridge'));
  });

  it('reconciles an existing bridge: adds what is missing only', () => {
    const link = { ifindex: 9, ifname: 'berth-a1b2c3d4e', ifalias: ownerMark(ID), flags: ['UP'], linkinfo: { info_kind: 'bridge' },
      addr_info: [{ family: 'inet' as const, local: '10.64.3.1', prefixlen: 24 }] };
    assert.deepEqual(bridgeReconcileLines(plan(), link), ['addr add fd00:64:3::1/64 dev berth-a1b2c3d4e nodad']);
    assert.deepEqual(bridgeReconcileLines(plan({}, false), link), []);
    // A foreign bridge without addresses is joined.
    assert.deepEqual(bridgeReconcileLines(plan({}, false), { ...link, ifalias: undefined, flags: [], addr_info: [] }), ['addr add 10.64.3.1/24 dev berth-a1b2c3d4e', 'link set berth-a1b2c3d4e up']);
  });

  it('refuses a device that is no bridge, another network\'s bridge, or a conflicting address', () => {
    const base = { ifindex: 9, ifname: 'berth-a1b2c3d4e', flags: ['UP'], linkinfo: { info_kind: 'bridge' }, addr_info: [] };
    const conflict = (e: Error & { kind?: string }) => e.kind === 'conflict';
    assert.throws(() => bridgeReconcileLines(plan(), { ...base, linkinfo: { info_kind: 'veth' } }), conflict);
    assert.throws(() => bridgeReconcileLines(plan(), { ...base, ifalias: 'berth-ffffffffffff' }), conflict);
    assert.throws(() => bridgeReconcileLines(plan(), { ...base, addr_info: [{ family: 'inet', local: '192.168.9.1', prefixlen: 24 }] }),
      /bridge berth-a1b2c3d4e already has address 192\.168\.9\.1\/24, which is not the gateway 10\.64\.3\.1\/24 of network net1/);
  });

  it('checks interface names', () => {
    checkIfname('veth0123456789a', 'x');
    assert.throws(() => checkIfname('veth0123456789ab', 'x'), /at most 15/);
    assert.throws(() => checkIfname('a b', 'x'));
    assert.throws(() => checkIfname('', 'x'));
  });
});
