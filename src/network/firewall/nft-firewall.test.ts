import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FirewallPorts } from '../types.js';
import { NftFirewall } from './nft-firewall.js';

const ports = (containerId: string, hostPort: number, hostIp = ''): FirewallPorts => ({
  containerId, containerIp4: '10.64.0.2', bridgeName: 'berth0', mappings: [{ proto: 'tcp', containerPort: 80, hostIp, hostPort }],
});

describe('NftFirewall', () => {
  it('applies the whole table on every change, in order', async () => {
    const applied: string[] = [];
    const fw = new NftFirewall({ tableName: 'berth_u', apply: async (s) => { applied.push(s); } });
    await Promise.all([
      fw.setNetwork({ id: 'n', bridgeName: 'berth0', subnets: ['10.64.0.0/24'], internal: false, icc: true, masquerade: true }),
      fw.setPorts(ports('c1', 8080)),
      fw.removePorts('c1'),
    ]);
    assert.equal(applied.length, 3);
    assert.ok(applied.every((s) => s.startsWith('table inet berth_u {}\ndelete table inet berth_u\n')));
    assert.match(applied[1]!, /tcp \. 8080 : 10\.64\.0\.2 \. 80/);
    assert.doesNotMatch(applied[2]!, /8080/);
  });

  it('refuses a host port another container holds, with Docker\'s message', async () => {
    const fw = new NftFirewall({ tableName: 'berth_u', apply: async () => {} });
    await fw.setPorts(ports('c1', 8080));
    await assert.rejects(fw.setPorts(ports('c2', 8080, '0.0.0.0')), (e: Error & { kind?: string }) => e.kind === 'conflict' && e.message === 'Bind for 0.0.0.0:8080 failed: port is already allocated');
    // A specific address and the wildcard are different keys (the kernel map checks the specific one first).
    await fw.setPorts(ports('c2', 8080, '127.0.0.1'));
    // The same container may replace its own ports.
    await fw.setPorts(ports('c1', 8080));
    assert.match(fw.script(), /127\.0\.0\.1 \. tcp \. 8080/);
  });

  it('keeps the previous state when the kernel refuses a change', async () => {
    let fail = false;
    const fw = new NftFirewall({ tableName: 'berth_u', apply: async () => { if (fail) throw new Error('nft: refused'); } });
    await fw.setPorts(ports('c1', 8080));
    const before = fw.script();
    fail = true;
    await assert.rejects(fw.setPorts(ports('c2', 9090)), /refused/);
    await assert.rejects(fw.removePorts('c1'), /refused/);
    assert.equal(fw.script(), before);
    fail = false;
    await fw.setPorts(ports('c3', 9091));
    assert.match(fw.script(), /8080[^]*9091/);
  });
});
