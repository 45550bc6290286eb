import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FirewallNetwork, FirewallPorts } from '../types.js';
import { renderPorts, renderReplaceScript, renderTable } from './ruleset.js';

const netA: FirewallNetwork = { id: 'a', bridgeName: 'berth0', subnets: ['10.64.0.0/24', 'fd00:64::/64'], internal: false, icc: true, masquerade: true };
const netB: FirewallNetwork = { id: 'b', bridgeName: 'berth-b', subnets: ['10.64.1.0/24'], internal: true, icc: false, masquerade: true };
const ports: FirewallPorts = {
  containerId: 'c1', containerIp4: '10.64.0.2', containerIp6: 'fd00:64::2', bridgeName: 'berth0',
  mappings: [
    { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080 },
    { proto: 'udp', containerPort: 53, hostIp: '0.0.0.0', hostPort: 5353 },
    { proto: 'tcp', containerPort: 443, hostIp: '127.0.0.1', hostPort: 8443 },
    { proto: 'sctp', containerPort: 9, hostIp: '::', hostPort: 9 },
    { proto: 'tcp', containerPort: 22, hostIp: 'fd00::2', hostPort: 2222 },
  ],
};

describe('nftables ruleset', () => {
  it('puts published ports in the map of their host address and family', () => {
    assert.deepEqual(renderPorts([ports]), {
      any4: ['tcp . 8080 : 10.64.0.2 . 80', 'udp . 5353 : 10.64.0.2 . 53'],
      any6: ['tcp . 8080 : fd00:64::2 . 80', 'sctp . 9 : fd00:64::2 . 9'],
      host4: ['127.0.0.1 . tcp . 8443 : 10.64.0.2 . 443'],
      host6: ['fd00::2 . tcp . 2222 : fd00:64::2 . 22'],
    });
  });

  it('publishes no v6 port for a container without IPv6 (no NAT across families)', () => {
    const r = renderPorts([{ ...ports, containerIp6: undefined }]);
    assert.deepEqual(r.any6, []);
    assert.deepEqual(r.host6, []);
  });

  it('keeps the first container of a key published twice', () => {
    const other: FirewallPorts = { containerId: 'c2', containerIp4: '10.64.0.3', bridgeName: 'berth0', mappings: [{ proto: 'tcp', containerPort: 81, hostIp: '', hostPort: 8080 }] };
    assert.deepEqual(renderPorts([other, ports]).any4[0], 'tcp . 8080 : 10.64.0.2 . 80');
  });

  it('renders the same table for the same state, in any order', () => {
    assert.equal(renderTable('berth', [netA, netB], [ports]), renderTable('berth', [netB, netA], [ports]));
  });

  it('masquerades outbound traffic of networks that are neither internal nor unmasqueraded', () => {
    const t = renderTable('berth', [netA, netB, { ...netA, id: 'c', bridgeName: 'nomasq', subnets: ['10.64.2.0/24'], masquerade: false }], []);
    assert.match(t, /\tip saddr 10\.64\.0\.0\/24 oifname != "berth0" masquerade\n/);
    assert.match(t, /\tip6 saddr fd00:64::\/64 oifname != "berth0" masquerade\n/);
    assert.doesNotMatch(t, /saddr 10\.64\.1\.0\/24 oifname != /);
    assert.doesNotMatch(t, /saddr 10\.64\.2\.0\/24 oifname != /);
    assert.match(t, /ct status dnat ip saddr 127\.0\.0\.0\/8 oifname "berth0" masquerade/);
    assert.match(t, /ct status dnat ip saddr 10\.64\.0\.0\/24 oifname "berth0" masquerade/);
  });

  it('seals internal networks before anything is accepted, and applies icc per network', () => {
    const t = renderTable('berth', [netA, netB], []);
    const fwd = t.slice(t.indexOf('chain filter_forward'), t.indexOf('chain filter_input'));
    const at = (s: string) => { const i = fwd.indexOf(s); assert.ok(i >= 0, `${s} missing in\n${fwd}`); return i; };
    assert.ok(at('iifname "berth-b" oifname != "berth-b" drop') < at('ct state established,related accept'));
    assert.ok(at('oifname "berth-b" iifname != "berth-b" drop') < at('ct state established,related accept'));
    at('iifname "berth0" oifname "berth0" accept');
    at('iifname "berth-b" oifname "berth-b" drop');
    assert.ok(at('oifname @bridges ct status dnat accept') < at('iifname @bridges oifname @bridges drop'));
    assert.ok(at('\t\tiifname @bridges accept') < at('\t\toifname @bridges drop'));
    assert.match(t, /policy accept;[^]*policy accept;[^]*policy accept;[^]*policy accept;[^]*policy accept;/);
    assert.doesNotMatch(t, /policy drop/);
  });

  it('renders nothing for networks without a bridge (macvlan, ipvlan)', () => {
    assert.equal(renderTable('berth', [netA, { ...netB, bridgeName: '' }], []), renderTable('berth', [netA], []));
  });

  it('replaces the table atomically and never names another table', () => {
    const s = renderReplaceScript('berth_t1', [netA], [ports]);
    assert.ok(s.startsWith('table inet berth_t1 {}\ndelete table inet berth_t1\ntable inet berth_t1 {\n'));
    assert.deepEqual([...new Set(s.match(/table \w+ \w+/g))], ['table inet berth_t1']);
    assert.match(s, /type nat hook output priority -100;/);
  });

  it('refuses what could break out of the script', () => {
    assert.throws(() => renderTable('berth; flush ruleset', [], []), /invalid nftables table name/);
    assert.throws(() => renderTable('berth', [{ ...netA, bridgeName: 'x" accept' }], []), /invalid bridge name/);
    assert.throws(() => renderTable('berth', [{ ...netA, subnets: ['10.0.0.0/24 accept'] }], []), /invalid subnet/);
    assert.throws(() => renderPorts([{ ...ports, mappings: [{ proto: 'tcp', containerPort: 80, hostIp: 'x', hostPort: 1 }] }]), /invalid host IP/);
    assert.throws(() => renderPorts([{ ...ports, mappings: [{ proto: 'tcp', containerPort: 0, hostIp: '', hostPort: 1 }] }]), /invalid port 0/);
  });
});
