// berth's nftables table against the real kernel, with bridges from the bridge driver and
// namespaces standing in for containers and for an outside host (linked to this host by a
// veth): published ports (127.0.0.1, the host's address, another host, UDP, IPv6, hairpin),
// masquerade, isolation between networks both ways, icc=false, internal networks, cleanup.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { BridgeDriver } from '../../../src/network/drivers/bridge.js';
import { NftFirewall } from '../../../src/network/firewall/nft-firewall.js';
import type { EndpointState, FirewallNetwork, FirewallPorts, NetworkPlan, PortMapping } from '../../../src/network/types.js';
import { nftApply, nftList } from '../../../src/sys/net/nft.js';
import { IpNetns } from '../../../src/sys/net/netns.js';
import { endpoint, hostAddress, kernelSkip, plan, rand, server, sh, shQuiet, stopServers, talk, testPort } from './kernel-fixture.js';

const BLOCKED = 800; // ms a connection that must fail is given

describe('integration: nftables firewall in the kernel', { skip: kernelSkip() }, () => {
  const tag = rand();
  const table = `tkern_${tag}`;
  const fw = new NftFirewall({ tableName: table });
  const driver = new BridgeDriver();
  const netns = new IpNetns();
  const outside = `t-kern-${tag}-out`;
  const outsideLink = `tkoh${tag}`;
  const nets: Record<string, { plan: NetworkPlan; fw: FirewallNetwork }> = {};
  const ctrs: Record<string, { ns: string; ep: EndpointState; net: string }> = {};
  const port = testPort();
  let hostIp = '';

  function addNet(key: string, net3: string, opts: { icc?: boolean; internal?: boolean; v6?: string } = {}): void {
    const p = plan(`tk${key}${tag}`, net3, { internal: opts.internal ?? false, options: opts.icc === false ? { 'com.docker.network.bridge.enable_icc': 'false' } : {} }, opts.v6);
    nets[key] = {
      plan: p,
      fw: { id: p.record.id, bridgeName: p.bridgeName, subnets: [p.v4!.subnet, ...(p.v6 ? [p.v6.subnet] : [])], internal: opts.internal ?? false, icc: opts.icc ?? true, masquerade: true },
    };
  }
  function addCtr(name: string, net: string, host: number, v6?: string): void {
    ctrs[name] = { ns: `t-kern-${tag}-${name}`, ep: endpoint(nets[net]!.plan, host, `tkv${name}${tag}`, v6), net };
  }
  const ip4 = (c: string): string => ctrs[c]!.ep.ipv4;

  before(async () => {
    hostIp = hostAddress();
    addNet('a', '10.147.21', { v6: 'fd47:21' });
    addNet('b', '10.147.22');
    addNet('c', '10.147.23', { icc: false });
    addNet('i', '10.147.24', { internal: true });
    addCtr('a1', 'a', 2, 'fd47:21');
    addCtr('a2', 'a', 3, 'fd47:21');
    addCtr('b1', 'b', 2);
    addCtr('c1', 'c', 2);
    addCtr('c2', 'c', 3);
    addCtr('i1', 'i', 2);
    addCtr('i2', 'i', 3);
    for (const n of Object.values(nets)) await driver.createNetwork(n.plan);
    for (const c of Object.values(ctrs)) {
      await netns.create(c.ns);
      await driver.attach(nets[c.net]!.plan, c.ep, c.ns, true);
    }
    // The outside host: a namespace behind a veth, addresses of this test's own.
    await netns.create(outside);
    sh('ip', 'link', 'add', outsideLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside);
    sh('ip', 'addr', 'add', '10.147.29.1/24', 'dev', outsideLink);
    sh('ip', 'addr', 'add', 'fd47:29::1/64', 'dev', outsideLink, 'nodad');
    sh('ip', 'link', 'set', outsideLink, 'up');
    for (const line of ['link set lo up', 'link set eth0 up', 'addr add 10.147.29.2/24 dev eth0', 'addr add fd47:29::2/64 dev eth0 nodad']) sh('ip', '-n', outside, ...line.split(' '));
    await fw.sync(Object.values(nets).map((n) => n.fw), []);
    // Every container serves TCP 8080 and UDP 5353; the outside host TCP 9000.
    for (const c of Object.values(ctrs)) {
      await server(c.ns, 'tcp', 8080);
      await server(c.ns, 'udp', 5353);
    }
    await server(outside, 'tcp', 9000);
  });

  after(async () => {
    stopServers();
    await fw.deleteTable().catch(() => {});
    for (const c of Object.values(ctrs)) { shQuiet('ip', 'link', 'del', c.ep.hostIfname); shQuiet('ip', 'netns', 'del', c.ns); }
    for (const n of Object.values(nets)) shQuiet('ip', 'link', 'del', n.plan.bridgeName);
    shQuiet('ip', 'link', 'del', outsideLink);
    shQuiet('ip', 'netns', 'del', outside);
  });

  it('masquerades outbound traffic: the outside host sees this host\'s address', async () => {
    assert.equal(await talk(ctrs.a1!.ns, 'tcp', '10.147.29.2', 9000), '10.147.29.1');
    assert.equal(await talk(ctrs.a1!.ns, 'tcp', 'fd47:29::2', 9000), 'fd47:29::1');
    assert.equal(await talk(ctrs.c1!.ns, 'tcp', '10.147.29.2', 9000), '10.147.29.1');
  });

  it('publishes ports to 127.0.0.1, the host\'s address, another host, over UDP and IPv6, and hairpin', async () => {
    const a1: FirewallPorts = {
      containerId: 'a1', containerIp4: ip4('a1'), containerIp6: ctrs.a1!.ep.ipv6, bridgeName: nets.a!.plan.bridgeName,
      mappings: [
        { proto: 'tcp', containerPort: 8080, hostIp: '', hostPort: port },
        { proto: 'udp', containerPort: 5353, hostIp: '', hostPort: port },
        { proto: 'tcp', containerPort: 8080, hostIp: '127.0.0.1', hostPort: port + 1 },
      ],
    };
    await fw.setPorts(a1);
    // From the host: 127.0.0.1 arrives from the gateway (a loopback source cannot leave the host).
    assert.equal(await talk(undefined, 'tcp', '127.0.0.1', port), '10.147.21.1');
    assert.equal(await talk(undefined, 'tcp', hostIp, port), hostIp);
    assert.equal(await talk(undefined, 'tcp', '127.0.0.1', port + 1), '10.147.21.1');
    // Bound to 127.0.0.1 only: not on the host's other addresses.
    assert.match(await talk(undefined, 'tcp', hostIp, port + 1, BLOCKED), /^ERR/);
    // From another host: the client's own address is kept.
    assert.equal(await talk(outside, 'tcp', '10.147.29.1', port), '10.147.29.2');
    assert.equal(await talk(outside, 'udp', '10.147.29.1', port), '10.147.29.2');
    assert.equal(await talk(outside, 'tcp', 'fd47:29::1', port), 'fd47:29::2');
    // From a container of the same network through the host's address (hairpin), and from itself.
    assert.equal(await talk(ctrs.a2!.ns, 'tcp', hostIp, port), '10.147.21.1');
    assert.equal(await talk(ctrs.a1!.ns, 'tcp', hostIp, port), '10.147.21.1');
    // From a container of another network: published ports are public.
    assert.equal(await talk(ctrs.b1!.ns, 'tcp', hostIp, port), '10.147.21.1');
  });

  it('leaves DNS to a network\'s own gateway to the host when a container publishes port 53 there', async () => {
    // Bound to this test's own gateway address: a wildcard port 53 would catch the DNS of every
    // other engine on this machine while the test runs.
    await fw.setPorts({ containerId: 'dns', containerIp4: ip4('a1'), bridgeName: nets.a!.plan.bridgeName, mappings: [{ proto: 'udp', containerPort: 5353, hostIp: '10.147.21.1', hostPort: 53 }] });
    try {
      // The embedded resolver's place: a server on the gateway address in the host's namespace.
      await server(undefined, 'udp', 53, '10.147.21.1');
      assert.equal(await talk(ctrs.a2!.ns, 'udp', '10.147.21.1', 53), ip4('a2'));
      // From another network the published port answers (a1 sees the masqueraded gateway).
      assert.equal(await talk(ctrs.b1!.ns, 'udp', '10.147.21.1', 53), '10.147.21.1');
    } finally {
      await fw.removePorts('dns');
    }
  });

  it('refuses a host port another container publishes, with Docker\'s message, and keeps the first', async () => {
    const clash: FirewallPorts = { containerId: 'a2', containerIp4: ip4('a2'), bridgeName: nets.a!.plan.bridgeName, mappings: [{ proto: 'tcp', containerPort: 8080, hostIp: '0.0.0.0', hostPort: port }] };
    await assert.rejects(fw.setPorts(clash), (e: Error & { kind?: string }) => e.kind === 'conflict' && e.message === `Bind for 0.0.0.0:${port} failed: port is already allocated`);
    // The same port over UDP on another container would clash as well; over SCTP it is free.
    await fw.setPorts({ ...clash, mappings: [{ ...clash.mappings[0]!, proto: 'sctp' }] });
    await fw.removePorts('a2');
    assert.equal(await talk(undefined, 'tcp', hostIp, port), hostIp);
  });

  it('removing the ports takes them away at once', async () => {
    await fw.removePorts('a1');
    assert.match(await talk(outside, 'tcp', '10.147.29.1', port, BLOCKED), /^ERR/);
    assert.match(await talk(undefined, 'tcp', '127.0.0.1', port, BLOCKED), /^ERR/);
  });

  it('isolates networks from each other both ways', async () => {
    assert.match(await talk(ctrs.a1!.ns, 'tcp', ip4('b1'), 8080, BLOCKED), /^ERR/);
    assert.match(await talk(ctrs.b1!.ns, 'tcp', ip4('a1'), 8080, BLOCKED), /^ERR/);
    assert.match(await talk(ctrs.b1!.ns, 'udp', ip4('a1'), 5353, BLOCKED), /^ERR/);
    // While the same network talks.
    assert.equal(await talk(ctrs.a2!.ns, 'tcp', ip4('a1'), 8080), ip4('a2'));
  });

  it('drops new connections from outside to a container that publishes nothing', async () => {
    sh('ip', '-n', outside, 'route', 'add', '10.147.21.0/24', 'via', '10.147.29.1');
    try {
      assert.match(await talk(outside, 'tcp', ip4('a1'), 8080, BLOCKED), /^ERR/);
    } finally {
      sh('ip', '-n', outside, 'route', 'del', '10.147.21.0/24', 'via', '10.147.29.1');
    }
  });

  it('icc=false keeps containers of one network apart but lets them out', async () => {
    assert.match(await talk(ctrs.c2!.ns, 'tcp', ip4('c1'), 8080, BLOCKED), /^ERR/);
    assert.match(await talk(ctrs.c1!.ns, 'udp', ip4('c2'), 5353, BLOCKED), /^ERR/);
    assert.equal(await talk(ctrs.c2!.ns, 'tcp', '10.147.29.2', 9000), '10.147.29.1');
  });

  it('an internal network talks inside only, even with a route set by hand', async () => {
    assert.equal(await talk(ctrs.i2!.ns, 'tcp', ip4('i1'), 8080), ip4('i2'));
    // No default route on an internal network …
    assert.match(await talk(ctrs.i1!.ns, 'tcp', '10.147.29.2', 9000, BLOCKED), /^ERR/);
    // … and a container that adds one (a privileged one could) is still stopped, both ways.
    sh('ip', '-n', ctrs.i1!.ns, 'route', 'add', 'default', 'via', '10.147.24.1');
    sh('ip', '-n', outside, 'route', 'add', '10.147.24.0/24', 'via', '10.147.29.1');
    try {
      assert.match(await talk(ctrs.i1!.ns, 'tcp', '10.147.29.2', 9000, BLOCKED), /^ERR/);
      assert.match(await talk(outside, 'tcp', ip4('i1'), 8080, BLOCKED), /^ERR/);
      assert.match(await talk(ctrs.i1!.ns, 'tcp', ip4('a1'), 8080, BLOCKED), /^ERR/);
    } finally {
      sh('ip', '-n', outside, 'route', 'del', '10.147.24.0/24', 'via', '10.147.29.1');
    }
  });

  it('keeps the host\'s loopback-only services from containers, though the bridges allow 127.0.0.1 for DNAT', async () => {
    // What a container with CAP_NET_RAW could forge: datagrams to 127.0.0.1 sent to its gateway.
    // Here the namespace routes 127.0.0.1 out of eth0 instead of crafting frames; without the
    // firewall's drop the host's loopback-only UDP service receives them.
    const x = `t-kern-${tag}-lx`;
    const ep = endpoint(nets.b!.plan, 9, `tkvlx${tag}`);
    const received: string[] = [];
    const sock = createSocket('udp4');
    sock.on('message', (_m, from) => received.push(from.address));
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const local = sock.address().port;
    await netns.create(x);
    try {
      await driver.attach(nets.b!.plan, ep, x, true);
      sh('ip', '-n', x, 'route', 'del', 'table', 'local', 'local', '127.0.0.1', 'dev', 'lo');
      sh('ip', '-n', x, 'route', 'del', 'table', 'local', 'local', '127.0.0.0/8', 'dev', 'lo');
      sh('ip', 'netns', 'exec', x, 'sysctl', '-qw', 'net.ipv4.conf.eth0.route_localnet=1');
      sh('ip', '-n', x, 'route', 'add', '127.0.0.1/32', 'via', nets.b!.plan.v4!.gateway, 'dev', 'eth0');
      const send = `const s=require('dgram').createSocket('udp4');s.send('x',${local},'127.0.0.1',()=>s.close())`;
      for (let i = 0; i < 3; i++) sh('ip', 'netns', 'exec', x, process.execPath, '-e', send);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(received, [], 'a datagram from the container reached a loopback-only service of the host');
      // The host itself still reaches it.
      const own = createSocket('udp4');
      await new Promise<void>((resolve) => own.send('y', local, '127.0.0.1', () => resolve()));
      own.close();
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(received, ['127.0.0.1']);
    } finally {
      sock.close();
      await netns.remove(x);
    }
  });

  it('applies 100 published ports in one transaction (measured)', async (t) => {
    const mappings: PortMapping[] = [];
    for (let i = 0; i < 100; i++) mappings.push({ proto: i % 2 ? 'udp' : 'tcp', containerPort: 8000 + i, hostIp: '', hostPort: 43000 + i });
    const t0 = performance.now();
    await fw.setPorts({ containerId: 'many', containerIp4: ip4('b1'), bridgeName: nets.b!.plan.bridgeName, mappings });
    const ms = performance.now() - t0;
    t.diagnostic(`nft apply with 100 port mappings: ${ms.toFixed(1)} ms`);
    const listed = (await nftList(table))!;
    assert.equal((listed.match(/ : 10\.147\.22\.2 \. \d+/g) ?? []).length, 100);
    await fw.removePorts('many');
  });

  it('takes a network\'s rules away with it and deletes only its own table', async () => {
    // Another table, standing for Docker's, podman's or firewalld's, with a rule of its own.
    const other = `${table}_other`;
    await nftApply(`table inet ${other} {\n\tchain c {\n\t\ttype filter hook forward priority 10; policy accept;\n\t\tcounter accept\n\t}\n}\n`);
    try {
      await fw.sync(Object.values(nets).map((n) => n.fw), []);
      for (const n of Object.values(nets)) await fw.removeNetwork(n.fw.id);
      const listed = (await nftList(table))!;
      assert.doesNotMatch(listed, /tk[abci][0-9a-f]{6}/, listed);
      assert.doesNotMatch(listed, /elements/, listed);
      await fw.deleteTable();
      assert.equal(await nftList(table), undefined);
      assert.match((await nftList(other)) ?? 'gone', /counter packets \d+ bytes \d+ accept/);
    } finally {
      await nftApply(`delete table inet ${other}\n`);
    }
  });
});
