import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkPlan } from '../types.js';
import { ipvlanKind } from './ipvlan.js';
import { macvlanMode } from './macvlan.js';
import { parseParent } from './parent-link.js';

const ID = 'abcdef012345'.padEnd(64, '9');
const plan = (options: Record<string, string>): NetworkPlan => ({
  record: {
    id: ID, name: 'mv', driver: 'macvlan', scope: 'local', created: '', internal: false, attachable: false, ingress: false, enableIPv4: true,
    enableIPv6: false, options, labels: {}, ipam: { driver: 'default', options: {}, config: [] }, predefined: false,
  },
  bridgeName: '', mtu: 1500,
});
const invalid = (re: RegExp) => (e: Error & { kind?: string }) => e.kind === 'invalid-argument' && re.test(e.message);

describe('macvlan/ipvlan parents and modes', () => {
  it('reads plain, 802.1q and missing parents', () => {
    assert.deepEqual(parseParent(plan({ parent: 'eth0' })), { name: 'eth0', dummy: false });
    assert.deepEqual(parseParent(plan({ parent: 'eth0.10' })), { name: 'eth0.10', vlan: { base: 'eth0', id: 10 }, dummy: false });
    assert.deepEqual(parseParent(plan({ parent: 'br.lan.7' })), { name: 'br.lan.7', vlan: { base: 'br.lan', id: 7 }, dummy: false });
    assert.deepEqual(parseParent(plan({})), { name: 'dm-abcdef012345', dummy: true });
  });

  it('refuses bad sub-interface names and VLAN ids', () => {
    assert.throws(() => parseParent(plan({ parent: 'eth0.x' })), invalid(/^invalid subinterface vlan name eth0\.x, example formatting is eth0\.10$/));
    assert.throws(() => parseParent(plan({ parent: 'eth0.0' })), invalid(/vlan id must be between 1-4094, received: 0/));
    assert.throws(() => parseParent(plan({ parent: 'eth0.4095' })), invalid(/received: 4095/));
    assert.throws(() => parseParent(plan({ parent: 'averyveryverylongname' })), invalid(/at most 15/));
  });

  it('maps macvlan and ipvlan modes to ip\'s words', () => {
    assert.equal(macvlanMode(plan({})), 'bridge');
    assert.equal(macvlanMode(plan({ macvlan_mode: 'passthru' })), 'passthru');
    assert.throws(() => macvlanMode(plan({ macvlan_mode: 'l2' })), invalid(/requested macvlan mode 'l2' is not valid/));
    assert.deepEqual(ipvlanKind(plan({})), { kind: 'ipvlan mode l2 bridge', mode: 'l2' });
    assert.deepEqual(ipvlanKind(plan({ ipvlan_mode: 'l3s', ipvlan_flag: 'private' })), { kind: 'ipvlan mode l3s private', mode: 'l3s' });
    assert.throws(() => ipvlanKind(plan({ ipvlan_flag: 'x' })), invalid(/ipvlan flag 'x'/));
  });
});
