import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkManager } from './manager.js';
import { NetworkStore } from '../store.js';
import { PortAllocator } from '../ports/allocator.js';
import type { DnsService, EndpointState, Firewall, FirewallNetwork, FirewallPorts, NetnsControl, NetworkCreateRequest, NetworkDriver, NetworkPlan, SandboxRequest } from '../types.js';
import { testTempDir } from '../../lib/testing/temp-dir.js';

/** Records what the manager asked of the kernel side; `failAttach` makes one network's attach fail. */
class FakeDriver implements NetworkDriver {
  networks = new Set<string>();
  attached = new Map<string, EndpointState>();
  failAttach?: string;
  async createNetwork(plan: NetworkPlan) { this.networks.add(plan.bridgeName || plan.record.id); }
  async deleteNetwork(plan: NetworkPlan) { this.networks.delete(plan.bridgeName || plan.record.id); }
  async attach(plan: NetworkPlan, ep: EndpointState, netns: string) {
    if (plan.record.name === this.failAttach) throw new Error('attach failed');
    this.attached.set(`${netns}/${ep.ifname}`, ep);
  }
  async detach(_plan: NetworkPlan, ep: EndpointState, netns: string) { this.attached.delete(`${netns}/${ep.ifname}`); }
}
class FakeFirewall implements Firewall {
  networks = new Map<string, FirewallNetwork>();
  ports = new Map<string, FirewallPorts>();
  async sync(n: FirewallNetwork[], p: FirewallPorts[]) { this.networks = new Map(n.map((x) => [x.id, x])); this.ports = new Map(p.map((x) => [x.containerId, x])); }
  async setNetwork(n: FirewallNetwork) { this.networks.set(n.id, n); }
  async removeNetwork(id: string) { this.networks.delete(id); }
  async setPorts(p: FirewallPorts) { this.ports.set(p.containerId, p); }
  async removePorts(id: string) { this.ports.delete(id); }
}
class FakeNetns implements NetnsControl {
  names = new Set<string>();
  async create(name: string) { this.names.add(name); return `/run/netns/${name}`; }
  async remove(name: string) { this.names.delete(name); }
  async list(prefix: string) { return [...this.names].filter((n) => n.startsWith(prefix)); }
}
class FakeDns implements DnsService {
  listening = new Map<string, string>();
  async listen(id: string, a: string) { this.listening.set(id, a); }
  async close(id: string) { this.listening.delete(id); }
  async closeAll() { this.listening.clear(); }
}

function setup(dir = testTempDir('berth-netmgr-')) {
  const driver = new FakeDriver();
  const firewall = new FakeFirewall();
  const netns = new FakeNetns();
  const dns = new FakeDns();
  const m = new NetworkManager({
    store: new NetworkStore(dir), drivers: { bridge: driver, macvlan: driver }, firewall, netns, dns,
    ports: new PortAllocator({ range: [41000, 41100], firstPort: 41000, probe: async () => undefined }),
    netTag: 'tq', defaultBridge: { bip: '10.201.0.1/24' }, pools: [{ base: '10.202.0.0/16', size: 24 }],
    routes: async () => [{ dst: 'default', dev: 'eth0' }, { dst: '10.202.0.0/24', dev: 'eth0' }], log: () => {},
  });
  return { m, driver, firewall, netns, dns, dir };
}

const cid = (c: string) => c.repeat(64);
const sreq = (c: string, p: Partial<SandboxRequest> = {}): SandboxRequest => ({ id: cid(c), name: `ctr-${c}`, hostname: c, networkMode: 'bridge', endpoints: {}, ports: [], ...p });
const netReq = (p: Partial<NetworkCreateRequest>): NetworkCreateRequest => ({
  name: 'n1', driver: 'bridge', internal: false, attachable: false, enableIPv6: false, enableIPv4: true, options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [] }, ...p,
});

test('init makes bridge, host and none, builds the default bridge device and renders the firewall', async () => {
  const { m, driver, firewall } = setup();
  await m.init();
  assert.deepEqual(m.list().map((r) => r.name).sort(), ['bridge', 'host', 'none']);
  const bridge = m.get('bridge');
  assert.deepEqual(bridge.ipam.config, [{ subnet: '10.201.0.0/24', gateway: '10.201.0.1' }]);
  assert.ok(driver.networks.has('tq0'));
  assert.deepEqual([...firewall.networks.values()].map((n) => [n.bridgeName, n.subnets, n.masquerade, n.icc]), [['tq0', ['10.201.0.0/24'], true, true]]);
  await assert.rejects(m.remove('bridge'), { name: 'ForbiddenError', message: 'bridge is a pre-defined network and cannot be removed' });
  await assert.rejects(m.create(netReq({ name: 'h2', driver: 'host' })), { name: 'ForbiddenError', message: 'only one instance of "host" network is allowed' });
});

test('a default-bridge container: namespace, eth0 with the first address, published ports, no name DNS; tear-down undoes it all', async () => {
  const { m, driver, firewall, netns } = setup();
  await m.init();
  const sb = await m.setUp(sreq('a', { ports: [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080, hostPortEnd: 0 }] }));
  assert.equal(sb.mode, 'private');
  assert.equal(sb.netnsPath, `/run/netns/tq-${'a'.repeat(12)}`);
  const ep = sb.endpoints!.bridge!;
  assert.equal(ep.ifname, 'eth0');
  assert.equal(ep.ipv4, '10.201.0.2');
  assert.equal(ep.gateway, '10.201.0.1');
  assert.equal(ep.prefixLen, 24);
  assert.equal(ep.mac, '02:42:0a:c9:00:02');
  assert.ok(ep.hostIfname.startsWith('tqv') && ep.hostIfname.length <= 15);
  assert.deepEqual(ep.dnsNames, []);
  assert.equal(sb.nameservers, undefined);
  assert.deepEqual(sb.addresses, ['10.201.0.2']);
  assert.deepEqual(sb.ports, [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }]);
  assert.equal(firewall.ports.get(cid('a'))!.containerIp4, '10.201.0.2');
  await assert.rejects(m.setUp(sreq('b', { ports: [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080, hostPortEnd: 0 }] })), /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
  // The refused container left nothing behind.
  assert.ok(!netns.names.has(`tq-${'b'.repeat(12)}`));
  assert.equal(driver.attached.size, 1);
  await assert.rejects(m.setUp(sreq('b', { endpoints: { bridge: { ipv4: '10.201.0.9' } } })), /user specified IP address is supported on user defined networks only/);

  await m.tearDown(cid('a'), sb);
  assert.equal(driver.attached.size, 0);
  assert.equal(netns.names.size, 0);
  assert.equal(firewall.ports.size, 0);
  assert.deepEqual(m.endpoints(m.get('bridge').id), []);
  await m.tearDown(cid('a'), sb); // idempotent
  const again = await m.setUp(sreq('c', { ports: [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080, hostPortEnd: 0 }] }));
  assert.equal(again.ports![0]!.hostPort, 8080);
});

test('user networks: subnets from the pools clear of host routes, names resolve, nameserver is the gateway, rm waits for endpoints', async () => {
  const { m, dns, firewall } = setup();
  await m.init();
  const { record } = await m.create(netReq({ name: 'front', labels: { a: 'b' } }));
  assert.deepEqual(record.ipam.config, [{ subnet: '10.202.1.0/24', gateway: '10.202.1.1' }]);
  assert.equal(dns.listening.get(record.id), '10.202.1.1');
  assert.ok(firewall.networks.has(record.id));
  await assert.rejects(m.create(netReq({ name: 'front' })), { name: 'ConflictError', message: 'network with name front already exists' });

  const a = await m.setUp(sreq('a', { networkMode: 'front', endpoints: { front: { aliases: ['web'] } } }));
  const b = await m.setUp(sreq('b', { networkMode: 'front', endpoints: { front: { ipv4: '10.202.1.50' } } }));
  assert.deepEqual(a.nameservers, ['10.202.1.1']);
  assert.deepEqual(a.endpoints!.front!.dnsNames, ['ctr-a', 'web', 'a'.repeat(12)]);
  assert.equal(b.endpoints!.front!.ipv4, '10.202.1.50');
  assert.deepEqual(m.lookup(record.id, 'WEB', 4), [a.endpoints!.front!.ipv4]);
  assert.deepEqual(m.lookup(record.id, 'ctr-b', 4), ['10.202.1.50']);
  assert.deepEqual(m.lookup(record.id, 'b'.repeat(12), 4), ['10.202.1.50']);
  assert.deepEqual(m.lookup(record.id, 'ctr-b', 6), []);
  assert.equal(m.lookup(record.id, 'example.com', 4), undefined);
  assert.equal(m.lookup(m.get('bridge').id, 'ctr-a', 4), undefined);
  assert.equal(m.reverse(record.id, '10.202.1.50'), 'ctr-b.front');
  assert.ok(m.dnsClientAllowed(record.id, '10.202.1.77'));
  assert.ok(m.dnsClientAllowed(record.id, '::ffff:10.202.1.77'));
  assert.ok(!m.dnsClientAllowed(record.id, '10.201.0.2'));
  assert.ok(!m.dnsClientAllowed('nope', '10.202.1.77'));
  await assert.rejects(m.setUp(sreq('c', { networkMode: 'front', endpoints: { front: { ipv4: '10.202.1.50' } } })), { message: 'Address already in use' });

  const ids = [a, b].map((s) => s.endpoints!.front!.endpointId.slice(0, 12));
  await assert.rejects(m.remove('front'), {
    name: 'ConflictError',
    message: `error while removing network: network front has active endpoints (name:"ctr-a" id:"${ids[0]}", name:"ctr-b" id:"${ids[1]}")`,
  });
  await m.tearDown(cid('a'), a);
  await m.tearDown(cid('b'), b);
  await m.remove(record.id.slice(0, 12));
  assert.ok(!dns.listening.has(record.id));
  assert.ok(!firewall.networks.has(record.id));
  assert.throws(() => m.get('front'), { name: 'NotFoundError', message: 'network front not found' });
});

test('create checks subnets, gateways, ranges and bridge names the way dockerd does, and makes nothing on failure', async () => {
  const { m, driver } = setup();
  await m.init();
  await m.create(netReq({ name: 'x', ipam: { driver: 'default', options: {}, config: [{ subnet: '10.210.0.0/16', ipRange: '10.210.5.0/24', auxAddresses: { r: '10.210.0.9' } }] } }));
  const cfg = (c: object) => netReq({ name: 'y', ipam: { driver: 'default', options: {}, config: [c as never] } });
  await assert.rejects(m.create(cfg({ subnet: '10.210.3.0/24' })), { name: 'ForbiddenError', message: 'invalid pool request: Pool overlaps with other one on this address space' });
  await assert.rejects(m.create(cfg({ subnet: '10.201.0.0/16' })), /Pool overlaps/);
  await assert.rejects(m.create(cfg({ subnet: '10.211.0.0/24', gateway: '10.212.0.1' })), { name: 'InvalidArgumentError', message: 'no matching subnet for gateway 10.212.0.1' });
  await assert.rejects(m.create(cfg({ subnet: '10.211.0.0/24', ipRange: '10.212.0.0/28' })), /no matching subnet for range 10\.212\.0\.0\/28/);
  await assert.rejects(m.create(cfg({ subnet: 'bogus' })), /invalid CIDR address: bogus/);
  await assert.rejects(m.create(netReq({ name: 'z', driver: 'weird' })), { name: 'NotFoundError' });
  await assert.rejects(m.create(netReq({ name: 'z', options: { 'com.docker.network.bridge.name': 'tq0' } })), /networks have same bridge name/);
  driver.failAttach = undefined;
  const before = driver.networks.size;
  const bad = { ...driver, createNetwork: async () => { throw new Error('no kernel'); } };
  (m as unknown as { o: { drivers: Record<string, unknown> } }).o.drivers.bridge = bad;
  await assert.rejects(m.create(netReq({ name: 'w' })), /no kernel/);
  assert.equal(m.list().find((r) => r.name === 'w'), undefined);
  assert.equal(driver.networks.size, before);
  const x = m.get('x');
  assert.equal(x.ipam.config[0]!.gateway, '10.210.0.1');
});

test('a failure on the second network unwinds the first: address, interface and namespace', async () => {
  const { m, driver, netns } = setup();
  await m.init();
  await m.create(netReq({ name: 'n1', ipam: { driver: 'default', options: {}, config: [{ subnet: '10.220.0.0/24' }] } }));
  await m.create(netReq({ name: 'n2' }));
  driver.failAttach = 'n2';
  await assert.rejects(m.setUp(sreq('a', { networkMode: 'n1', endpoints: { n2: {}, n1: { ipv4: '10.220.0.7' } } })), /attach failed/);
  assert.equal(driver.attached.size, 0);
  assert.equal(netns.names.size, 0);
  assert.deepEqual(m.endpoints(m.get('n1').id), []);
  driver.failAttach = undefined;
  const sb = await m.setUp(sreq('b', { networkMode: 'n1', endpoints: { n2: {}, n1: { ipv4: '10.220.0.7' } } }));
  assert.equal(sb.endpoints!.n1!.ifname, 'eth0');
  assert.equal(sb.endpoints!.n2!.ifname, 'eth1');
});

test('connect and disconnect a running container; connecting twice is refused', async () => {
  const { m, driver } = setup();
  await m.init();
  await m.create(netReq({ name: 'extra' }));
  const sb = await m.setUp(sreq('a'));
  assert.equal(sb.nameservers, undefined);
  const ep = await m.connect(cid('a'), 'ctr-a', sb, 'extra', { aliases: ['x1'] });
  assert.equal(ep.ifname, 'eth1');
  // Joining a user network brings its DNS, as in Docker; leaving it gives the host's resolvers back.
  assert.deepEqual(sb.nameservers, [m.get('extra').ipam.config[0]!.gateway]);
  assert.deepEqual(m.lookup(ep.networkId, 'x1', 4), [ep.ipv4]);
  await assert.rejects(m.connect(cid('a'), 'ctr-a', sb, 'extra', {}), { name: 'ForbiddenError', message: 'endpoint with name ctr-a already exists in network extra' });
  await m.disconnect(cid('a'), sb, 'extra');
  assert.equal(sb.nameservers, undefined);
  assert.equal(m.lookup(ep.networkId, 'x1', 4), undefined);
  assert.equal(driver.attached.size, 1);
  await assert.rejects(m.disconnect(cid('a'), sb, 'extra'), /is not connected to network extra/);
  await assert.rejects(m.connect(cid('h'), 'ctr-h', { mode: 'host', addresses: [] }, 'extra', {}), /host network/);
});

test('after a restart, adoption takes back addresses, ports and names without touching interfaces; reconcile removes stale namespaces', async () => {
  const first = setup();
  await first.m.init();
  await first.m.create(netReq({ name: 'app' }));
  const sb = await first.m.setUp(sreq('a', { networkMode: 'app', endpoints: { app: { aliases: ['db'] } }, ports: [{ proto: 'tcp', containerPort: 5432, hostIp: '127.0.0.1', hostPort: 15432, hostPortEnd: 0 }] }));
  const stale = await first.m.setUp(sreq('d'));

  const second = setup(first.dir);
  second.netns.names = new Set(first.netns.names);
  await second.m.init();
  assert.equal(second.firewall.ports.size, 0);
  const adopted = await second.m.setUp(sreq('a', { networkMode: 'app', adopt: sb }));
  assert.deepEqual(adopted, sb);
  assert.equal(second.driver.attached.size, 0);
  assert.equal(second.firewall.ports.get(cid('a'))!.mappings[0]!.hostPort, 15432);
  assert.deepEqual(second.m.lookup(sb.endpoints!.app!.networkId, 'db', 4), [sb.endpoints!.app!.ipv4]);
  await assert.rejects(second.m.setUp(sreq('b', { networkMode: 'app', endpoints: { app: { ipv4: sb.endpoints!.app!.ipv4 } } })), { message: 'Address already in use' });
  await assert.rejects(second.m.setUp(sreq('c', { ports: [{ proto: 'tcp', containerPort: 1, hostIp: '127.0.0.1', hostPort: 15432, hostPortEnd: 0 }] })), /port is already allocated/);

  await second.m.reconcile(new Set([cid('a')]));
  assert.deepEqual([...second.netns.names], [`tq-${'a'.repeat(12)}`]);
  // The crashed container's persisted sandbox is enough to tear it down, and frees nothing it no longer holds.
  await second.m.tearDown(cid('d'), stale);
  assert.deepEqual([...second.netns.names], [`tq-${'a'.repeat(12)}`]);
});

test('a network whose devices init could not make is made again when a container joins it', async () => {
  const first = setup();
  await first.m.init();
  await first.m.create(netReq({ name: 'flaky' }));
  const second = setup(first.dir);
  let failures = 1;
  const create = second.driver.createNetwork.bind(second.driver);
  second.driver.createNetwork = async (plan) => {
    if (plan.record.name === 'flaky' && failures-- > 0) throw new Error('device busy');
    await create(plan);
  };
  await second.m.init();
  const flaky = second.m.get('flaky');
  assert.ok(!second.firewall.networks.has(flaky.id));
  const sb = await second.m.setUp(sreq('a', { networkMode: 'flaky' }));
  assert.equal(sb.endpoints!.flaky!.ifname, 'eth0');
  assert.ok(second.firewall.networks.has(flaky.id));
});

test('a default bridge left with other addresses is made again at init', async () => {
  const { m, driver } = setup();
  let refused = false;
  const create = driver.createNetwork.bind(driver);
  const deleted: string[] = [];
  driver.createNetwork = async (plan) => {
    if (plan.bridgeName === 'tq0' && !refused) {
      refused = true;
      throw new Error('bridge tq0 already has address 10.9.9.1/24');
    }
    await create(plan);
  };
  const del = driver.deleteNetwork.bind(driver);
  driver.deleteNetwork = async (plan) => { deleted.push(plan.bridgeName); await del(plan); };
  await m.init();
  assert.deepEqual(deleted, ['tq0']);
  assert.ok(driver.networks.has('tq0'));
});

test('reconcile removes, by name only, stale veths on our bridges and marked bridges of networks no longer stored', async () => {
  const { m, netns } = setup();
  const removed: string[] = [];
  (m as unknown as { o: { links: unknown } }).o.links = {
    bridgePorts: async (b: string) => (b === 'tq0' ? ['tqvdeadbeef01', 'tqvlive', 'eth9', 'otherv1'] : []),
    bridges: async () => [{ name: 'tq0', alias: 'berth-aaaaaaaaaaaa' }, { name: 'tq-0123456789ab', alias: 'berth-0123456789ab' }, { name: 'tq-unmarked', alias: undefined }, { name: 'docker0' }],
    remove: async (n: string) => { removed.push(n); },
  };
  await m.init();
  const sb = await m.setUp(sreq('a'));
  const veth = sb.endpoints!.bridge!.hostIfname;
  (m as unknown as { o: { links: { bridgePorts: (b: string) => Promise<string[]> } } }).o.links.bridgePorts = async (b) => (b === 'tq0' ? ['tqvdeadbeef01', veth, 'eth9'] : []);
  netns.names.add('tq-0123456789ab');
  netns.names.add('other-0123456789ab');
  await m.reconcile(new Set([cid('a')]));
  assert.deepEqual(removed.sort(), ['tq-0123456789ab', 'tqvdeadbeef01']);
  assert.deepEqual([...netns.names].sort(), ['other-0123456789ab', `tq-${'a'.repeat(12)}`]);
});
