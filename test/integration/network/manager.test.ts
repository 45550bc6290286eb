// The NetworkManager over the real kernel classes, without a daemon: namespaces stand in for
// containers. It checks what the manager adds to the drivers: addresses from IPAM, published
// ports through berth's own nft table, names through the embedded DNS, isolation between
// networks, adoption after a "restart", and that tear-down and network rm leave nothing behind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NetworkManager, NetworkStore, PortAllocator, type HostRoute } from '../../../src/network/index.js';
import { BridgeDriver } from '../../../src/network/drivers/bridge.js';
import { NftFirewall } from '../../../src/network/firewall/nft-firewall.js';
import { EmbeddedDns } from '../../../src/network/dns/server.js';
import { IpNetns } from '../../../src/sys/net/netns.js';
import { ipJson } from '../../../src/sys/net/ip.js';
import type { NetworkSandbox, SandboxRequest } from '../../../src/network/types.js';
import { findBinary } from '../../helpers/prereq.js';
import { kernelSkip, links, newId, rand, server, sh, shQuiet, stopServers, talk, testPort } from './kernel-fixture.js';

const run = promisify(execFile);

/** A second octet in 150–249 that no host route uses, so the test's subnets collide with nothing. */
function freeOctet(): number {
  const busy = new Set<number>();
  for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
    const v = parseInt(line.split('\t')[1] ?? '', 16);
    if ((v & 0xff) === 10) busy.add((v >> 8) & 0xff);
  }
  for (let i = 0; i < 100; i++) {
    const n = 150 + ((process.pid + i * 7) % 100);
    if (!busy.has(n)) return n;
  }
  throw new Error('no free 10.x/16 for the test');
}

async function hostRoutes(): Promise<HostRoute[]> {
  return (await ipJson<{ dst?: string; dev?: string }[]>(['-4', 'route', 'show', 'table', 'all'])).filter((r) => r.dst).map((r) => ({ dst: r.dst!, dev: r.dev }));
}

describe('integration: network manager over the kernel', { skip: kernelSkip(() => (findBinary('busybox') ? undefined : 'busybox not found (for nslookup)')) }, () => {
  const tag = `tm${rand(2)}`;
  const octet = freeOctet();
  const dir = mkdtempSync(join(tmpdir(), 'berth-netmgr-'));
  const netns = new IpNetns();
  let manager: NetworkManager;
  let dns: EmbeddedDns;
  const port = testPort();

  const make = () => {
    let m: NetworkManager | undefined;
    dns = new EmbeddedDns({ lookup: { lookup: (id, n, f) => m?.lookup(id, n, f), reverse: (id, a) => m?.reverse(id, a) }, clientAllowed: (id, a) => m?.dnsClientAllowed(id, a) ?? false, upstreams: () => [] });
    m = new NetworkManager({
      store: new NetworkStore(join(dir, 'network')), drivers: { bridge: new BridgeDriver() }, firewall: new NftFirewall({ tableName: tag }),
      netns, dns, ports: new PortAllocator(), netTag: tag, defaultBridge: { bip: `10.${octet}.0.1/24` },
      pools: [{ base: `10.${octet}.0.0/16`, size: 24 }], routes: hostRoutes, log: () => {},
    });
    return m;
  };
  const req = (name: string, networkMode: string, p: Partial<SandboxRequest> = {}): SandboxRequest => ({ id: newId(), name, hostname: name, networkMode, endpoints: {}, ports: [], ...p });
  const nsOf = (sb: NetworkSandbox) => sb.netnsPath!.split('/').pop()!;
  const ours = () => links().filter((l) => l.startsWith(tag));

  before(async () => {
    manager = make();
    await manager.init();
  });
  after(async () => {
    stopServers();
    await dns.closeAll().catch(() => {});
    for (const ns of await netns.list(`${tag}-`)) shQuiet('ip', 'netns', 'del', ns);
    for (const l of ours()) shQuiet('ip', 'link', 'del', l);
    shQuiet('nft', 'delete', 'table', 'inet', tag);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the default bridge and berth\'s own nft table at init', () => {
    const br = JSON.parse(sh('ip', '-j', 'addr', 'show', 'dev', `${tag}0`))[0];
    assert.ok(br.addr_info.some((a: { local: string }) => a.local === `10.${octet}.0.1`));
    assert.match(sh('nft', 'list', 'table', 'inet', tag), new RegExp(`${tag}0`));
  });

  it('connects containers on a user network by name, publishes a port, and keeps networks apart', async () => {
    const { record: front } = await manager.create({ name: 'front', driver: 'bridge', internal: false, attachable: false, enableIPv4: true, enableIPv6: false, options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [] } });
    assert.equal(front.ipam.config[0]!.subnet, `10.${octet}.1.0/24`);
    const ra = req('web', 'front', { endpoints: { front: { aliases: ['www'] } }, ports: [{ proto: 'tcp', containerPort: 8080, hostIp: '127.0.0.1', hostPort: port, hostPortEnd: 0 }] });
    const rb = req('client', 'front');
    const rc = req('other', 'bridge');
    const a = await manager.setUp(ra);
    const b = await manager.setUp(rb);
    const c = await manager.setUp(rc);
    const ipA = a.endpoints!.front!.ipv4;
    assert.equal(ipA, `10.${octet}.1.2`);
    assert.deepEqual(b.nameservers, [`10.${octet}.1.1`]);
    assert.equal(c.nameservers, undefined);

    await server(nsOf(a), 'tcp', 8080);
    assert.equal(await talk(nsOf(b), 'tcp', ipA, 8080), b.endpoints!.front!.ipv4);
    assert.match(await talk(undefined, 'tcp', '127.0.0.1', port), /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(await talk(nsOf(c), 'tcp', ipA, 8080, 800), /^ERR/);

    // Asynchronously: the DNS server answers from this very process.
    const answer = (await run('ip', ['netns', 'exec', nsOf(b), 'busybox', 'nslookup', '-type=a', 'www', `10.${octet}.1.1`])).stdout;
    assert.match(answer, new RegExp(`Address:\\s*${ipA.replace(/\./g, '\\.')}\\s*$`, 'm'));

    // A "restart": a new manager adopts the running sandboxes and the published port works again.
    await dns.closeAll();
    stopServers();
    manager = make();
    await manager.init();
    for (const [r, sb] of [[ra, a], [rb, b], [rc, c]] as const) assert.deepEqual(await manager.setUp({ ...r, adopt: sb }), sb);
    await server(nsOf(a), 'tcp', 8080);
    assert.match(await talk(undefined, 'tcp', '127.0.0.1', port), /^\d+\.\d+\.\d+\.\d+$/);
    await assert.rejects(manager.remove('front'), /has active endpoints/);

    for (const [r, sb] of [[ra, a], [rb, b], [rc, c]] as const) await manager.tearDown(r.id, sb);
    assert.deepEqual(await netns.list(`${tag}-`), []);
    assert.deepEqual(ours().filter((l) => l.startsWith(`${tag}v`)), []);
    assert.doesNotMatch(sh('nft', 'list', 'table', 'inet', tag), new RegExp(`${port}`));
    await manager.remove('front');
    assert.deepEqual(ours(), [`${tag}0`]);
  });
});

