import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kindOf } from '../../lib/errors/index.js';
import { toInspect, toSummary } from '../convert/container.js';
import { ContainerService } from './service.js';
import { ContainerApi } from './api.js';
import type { ImageService } from '../../image/types.js';
import { fakeEngine, type FakeEngine } from './testing/fakes.js';
import { FakeNetworks } from './testing/fake-network.js';
import { mountsStep, networkStep, rootfsStep, runtimeCreateStep, specStep } from './steps/index.js';

async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

describe('containers on networks (fake sandboxes and networks)', () => {
  let f: FakeEngine;
  let nets: FakeNetworks;
  let svc: ContainerService;
  const engines: FakeEngine[] = [];
  beforeEach(async () => {
    f = await fakeEngine();
    engines.push(f);
    nets = new FakeNetworks();
    nets.add('front');
    nets.add('back');
    const { snapshotter, runtime } = f;
    f.deps.steps = [rootfsStep(snapshotter), mountsStep(), networkStep(nets, { store: f.deps.store, networks: nets }), specStep(runtime), runtimeCreateStep(runtime)];
    f.deps.networks = nets;
    svc = new ContainerService(f.deps);
  });
  after(async () => { for (const e of engines) await e.cleanup(); });

  const create = async (extra: Record<string, unknown> = {}, name?: string): Promise<string> =>
    (await svc.create({ Image: 'busybox', Cmd: ['sleep', '9'], ...extra }, name)).Id;
  const inspect = (id: string): Record<string, any> => toInspect(svc.store.get(id), {}, '1.50') as Record<string, any>;

  it('asks for every network, NetworkMode\'s first, the published ports and -P\'s exposed ones', async () => {
    const id = await create({
      ExposedPorts: { '9000/udp': {} },
      HostConfig: { NetworkMode: 'front', PublishAllPorts: true, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } },
      NetworkingConfig: { EndpointsConfig: { back: { Aliases: ['db'] }, front: { Aliases: ['web'] } } },
    }, 'app');
    await svc.start(id);
    const req = nets.requests.at(-1)!;
    assert.deepEqual(Object.keys(req.endpoints), ['front', 'back']);
    assert.deepEqual(req.endpoints.back, { aliases: ['db'] });
    assert.equal(req.name, 'app');
    assert.deepEqual(req.ports, [
      { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 8080, hostPortEnd: 0 },
      { proto: 'udp', containerPort: 9000, hostIp: '', hostPort: 0, hostPortEnd: 0 },
    ]);
    const rec = svc.store.get(id);
    assert.equal(rec.networkSandbox?.netnsPath, `/run/netns/t-${id.slice(0, 12)}`);
    assert.equal(f.runtime.specs.get(id)!.netnsPath, rec.networkSandbox?.netnsPath);
    // The /etc files come from the sandbox: its addresses and the user network's DNS.
    const hosts = await readFile(rec.hostsPath, 'utf8');
    assert.match(hosts, new RegExp(`\\n10\\.4\\.0\\.2\\t${id.slice(0, 12)}\\n10\\.5\\.0\\.2\\t${id.slice(0, 12)}\\n$`));
    assert.match(await readFile(rec.resolvConfPath, 'utf8'), /^nameserver 10\.4\.0\.1$/m);
  });

  it('inspect shows the networks and ports while running, and the networks without addresses after the stop', async () => {
    const id = await create({ ExposedPorts: { '443/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }, 'web');
    await svc.start(id);
    let ns = inspect(id).NetworkSettings;
    assert.match(ns.SandboxID, /^[0-9a-f]{64}$/);
    assert.equal(ns.SandboxKey, `/run/netns/t-${id.slice(0, 12)}`);
    assert.deepEqual(ns.Ports, { '443/tcp': null, '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });
    assert.equal(ns.IPAddress, '10.1.0.2');
    assert.equal(ns.Gateway, '10.1.0.1');
    assert.equal(ns.IPPrefixLen, 24);
    assert.equal(ns.MacAddress, '02:42:0a:00:00:02');
    assert.match(ns.EndpointID, /^[0-9a-f]{64}$/);
    assert.deepEqual(ns.Networks.bridge, {
      IPAMConfig: null, Links: null, Aliases: null, MacAddress: '02:42:0a:00:00:02', DriverOpts: null, GwPriority: 0,
      NetworkID: nets.get('bridge').id, EndpointID: ns.EndpointID, Gateway: '10.1.0.1', IPAddress: '10.1.0.2', IPPrefixLen: 24,
      IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: ['web', id.slice(0, 12)],
    });
    const summary = toSummary(svc.store.get(id));
    assert.deepEqual(summary.Ports, [
      { PrivatePort: 443, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    ]);
    assert.deepEqual(Object.keys(summary.NetworkSettings!.Networks!), ['bridge']);

    await svc.stop(id, { timeout: 0 });
    await settle();
    assert.ok(nets.calls.includes(`tearDown ${id} /run/netns/t-${id.slice(0, 12)}`), nets.calls.join('\n'));
    ns = inspect(id).NetworkSettings;
    assert.equal(ns.SandboxID, '');
    assert.equal(ns.SandboxKey, '');
    assert.deepEqual(ns.Ports, {});
    assert.equal(ns.IPAddress, '');
    assert.equal(ns.Networks.bridge.NetworkID, nets.get('bridge').id);
    assert.equal(ns.Networks.bridge.IPAddress, '');
    assert.equal(ns.Networks.bridge.EndpointID, '');
    assert.deepEqual(toSummary(svc.store.get(id)).Ports, []);
    // What is saved no longer names the namespace or ports: a restore cannot tear them down again.
    const saved = JSON.parse(await readFile(join(svc.store.dir(id), 'container.json'), 'utf8'));
    assert.equal(saved.networkSandbox.netnsPath, undefined);
    assert.equal(saved.networkSandbox.ports, undefined);
    assert.equal(saved.networkSandbox.endpoints.bridge.networkId, nets.get('bridge').id);
  });

  it('an unknown network is refused at start with Docker 28\'s words, and the container stays created', async () => {
    const id = await create({ HostConfig: { NetworkMode: 'nope' } });
    await assert.rejects(svc.start(id), (err: Error) => kindOf(err) === 'not-found' && err.message === 'failed to set up container networking: network nope not found');
    assert.equal(svc.store.get(id).state.status, 'created');
  });

  it('a created container shows the networks it will join with what was asked', async () => {
    const id = await create({ HostConfig: { NetworkMode: 'front' }, NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['a'], IPAMConfig: { IPv4Address: '10.4.0.9' } } } } });
    const ns = inspect(id).NetworkSettings;
    assert.deepEqual(Object.keys(ns.Networks), ['front']);
    assert.deepEqual(ns.Networks.front.IPAMConfig, { IPv4Address: '10.4.0.9' });
    assert.deepEqual(ns.Networks.front.Aliases, ['a']);
    assert.equal(ns.Networks.front.IPAddress, '');
    assert.deepEqual(ns.Ports, {});
  });

  it('links on the default bridge need a running target and become /etc/hosts lines', async () => {
    const db = await create({ Hostname: 'dbhost', ExposedPorts: { '5432/tcp': {} }, Env: ['PGUSER=admin', 'PATH=/bin'] }, 'db');
    const id = await create({ Env: ['DATABASE_ENV_PGUSER=mine'], HostConfig: { Links: ['db:database'] } }, 'app');
    await assert.rejects(svc.start(id), (err: Error) => /Cannot link to a non running container: \/db AS \/app\/database/.test(err.message));
    await svc.start(db);
    await svc.start(id);
    assert.deepEqual(nets.requests.at(-1)!.links, [{ containerId: db, names: ['database', 'dbhost', 'db'] }]);
    assert.match(await readFile(svc.store.get(id).hostsPath, 'utf8'), /\tdatabase dbhost db\n/);
    assert.deepEqual(inspect(id).HostConfig.Links, ['/db:/app/database']);
    const api = new ContainerApi(svc, {} as ImageService);
    const listed = await api.containerList({ all: true, size: false, filters: new Map() });
    assert.deepEqual(listed.find((c) => c.Id === db)!.Names, ['/db', '/app/database']);
    // Docker's link variables, the container's own value winning.
    assert.deepEqual(f.runtime.specs.get(id)!.env, [
      'DATABASE_PORT=tcp://10.1.0.2:5432', 'DATABASE_PORT_5432_TCP=tcp://10.1.0.2:5432', 'DATABASE_PORT_5432_TCP_ADDR=10.1.0.2',
      'DATABASE_PORT_5432_TCP_PORT=5432', 'DATABASE_PORT_5432_TCP_PROTO=tcp', 'DATABASE_NAME=/app/database', 'DATABASE_ENV_PGUSER=mine',
    ]);
  });

  it('container:<ref> joins the namespace of a running container and shares its /etc files', async () => {
    const donor = await create({}, 'donor');
    const id = await create({ HostConfig: { NetworkMode: 'container:donor' } });
    await assert.rejects(svc.start(id), (err: Error) => kindOf(err) === 'conflict' && /cannot join network of a non running container: donor/.test(err.message));
    await svc.start(donor);
    await svc.start(id);
    const pid = svc.store.get(donor).state.pid;
    assert.equal(nets.requests.at(-1)!.joinNetnsPath, `/proc/${pid}/ns/net`);
    assert.equal(await readFile(svc.store.get(id).hostsPath, 'utf8'), await readFile(svc.store.get(donor).hostsPath, 'utf8'));
    assert.deepEqual(inspect(id).NetworkSettings.Networks, {});
    assert.equal(f.runtime.specs.get(id)!.hostname, svc.store.get(donor).config.Hostname);
  });

  it('--add-host, host-gateway and --dns options make the /etc files', async () => {
    const id = await create({ HostConfig: { ExtraHosts: ['gw:host-gateway', 'db=10.9.9.9', 'v6:::1'], Dns: ['9.9.9.9'], DnsSearch: ['example.com'], DnsOptions: ['ndots:2'] } });
    await svc.start(id);
    const rec = svc.store.get(id);
    const hosts = await readFile(rec.hostsPath, 'utf8');
    assert.match(hosts, /\n10\.1\.0\.1\tgw\n10\.9\.9\.9\tdb\n::1\tv6\n/);
    assert.equal(await readFile(rec.resolvConfPath, 'utf8'), 'search example.com\nnameserver 9.9.9.9\noptions ndots:2\n');
  });

  it('connect and disconnect: live on a running container, recorded on a stopped one', async () => {
    const id = await create({}, 'web');
    const front = nets.get('front');
    await svc.networkConnect('web', front, { aliases: ['w'] });
    assert.deepEqual(svc.store.get(id).endpointsConfig, { bridge: {}, front: { aliases: ['w'] } });
    await assert.rejects(svc.networkConnect('web', front, {}), (err: Error) => kindOf(err) === 'forbidden' && err.message === 'endpoint with name web already exists in network front');
    await svc.start(id);
    assert.deepEqual(Object.keys(nets.requests.at(-1)!.endpoints), ['bridge', 'front']);

    await svc.networkConnect(id, nets.get('back'), {});
    assert.ok(nets.calls.includes(`connect ${id} back`));
    const rec = svc.store.get(id);
    assert.deepEqual(Object.keys(rec.networkSandbox!.endpoints!), ['bridge', 'front', 'back']);
    assert.match(await readFile(rec.hostsPath, 'utf8'), /10\.5\.0\.2\t/);
    assert.equal(inspect(id).NetworkSettings.Networks.back.IPAddress, '10.5.0.2');

    await svc.networkDisconnect(id, nets.get('back'), false);
    assert.ok(nets.calls.includes(`disconnect ${id} back`));
    assert.doesNotMatch(await readFile(rec.hostsPath, 'utf8'), /10\.5\.0\.2\t/);
    assert.deepEqual(Object.keys(inspect(id).NetworkSettings.Networks), ['bridge', 'front']);
    await assert.rejects(svc.networkDisconnect(id, nets.get('back'), false), (err: Error) => err.message === `container ${id} is not connected to network back`);
    assert.deepEqual(svc.containersUsing(front.id, 'front'), [id]);
    assert.deepEqual(svc.containersUsing(nets.get('back').id, 'back'), []);
  });

  it('connect refuses host, none and shared-namespace containers with Docker\'s messages', async () => {
    const host = await create({ HostConfig: { NetworkMode: 'host' } });
    const none = await create({ HostConfig: { NetworkMode: 'none' } });
    const plain = await create();
    const front = nets.get('front');
    await assert.rejects(svc.networkConnect(host, front, {}), /container sharing network namespace with another container or host cannot be connected to any other network/);
    await assert.rejects(svc.networkConnect(none, front, {}), /one of the networks in private \(none\) mode/);
    await assert.rejects(svc.networkConnect(plain, nets.get('host'), {}), /cannot be disconnected from host network or connected to host network/);
    await assert.rejects(svc.networkConnect(plain, nets.get('bridge'), {}), (err) => kindOf(err) === 'forbidden');
  });

  it('ps filters network, publish and expose as Docker does', async () => {
    const api = new ContainerApi(svc, { get: () => { throw new Error('no images here'); } } as unknown as ImageService);
    const web = await create({ ExposedPorts: { '443/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }, 'web');
    const back = await create({ HostConfig: { NetworkMode: 'back' } }, 'backend');
    await svc.start(web);
    const ids = async (filters: Record<string, string[]>): Promise<string[]> =>
      (await api.containerList({ all: true, size: false, filters: new Map(Object.entries(filters)) })).map((c) => c.Id).sort();
    assert.deepEqual(await ids({ network: ['back'] }), [back]);
    assert.deepEqual(await ids({ network: [nets.get('bridge').id] }), [web]);
    assert.deepEqual(await ids({ publish: ['80'] }), [web]);
    assert.deepEqual(await ids({ publish: ['443'] }), []);
    assert.deepEqual(await ids({ expose: ['400-500/tcp'] }), [web]);
    await assert.rejects(ids({ publish: ['x'] }), (err) => kindOf(err) === 'invalid-argument');
  });

  it('restore adopts the sandbox of a container that kept running, and tears down the others', async () => {
    const id = await create({ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }, 'web');
    const stopped = await create({}, 'idle');
    await svc.start(id);
    const sandbox = svc.store.get(id).networkSandbox!;
    const again = new ContainerService(f.deps);
    nets.calls.length = 0;
    const { cleanup } = await again.restore();
    await cleanup;
    assert.ok(nets.calls.includes(`setUp ${id} adopt`), nets.calls.join('\n'));
    assert.deepEqual(nets.requests.at(-1)!.adopt, sandbox);
    assert.ok(nets.calls.includes(`tearDown ${stopped} -`), nets.calls.join('\n'));
  });
});
