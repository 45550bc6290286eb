import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf, NotFoundError } from '../../lib/errors/index.js';
import type { NetworkRecord } from '../../network/index.js';
import { resolveCreateNetworking, type NetworkingLookups } from './create-network.js';

const net = (id: string, name: string): NetworkRecord => ({
  id, name, driver: 'bridge', scope: 'local', created: '', internal: false, attachable: false, ingress: false, enableIPv4: true, enableIPv6: false,
  options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [{ subnet: '10.9.0.0/24', gateway: '10.9.0.1' }] }, predefined: false,
});
const NETS = [net('b'.repeat(64), 'bridge'), net('a'.repeat(64), 'front'), net('c'.repeat(64), 'back')];
const lookups: NetworkingLookups = {
  networks: {
    get(ref) {
      const n = NETS.find((x) => x.name === ref || x.id === ref || (ref.length >= 3 && x.id.startsWith(ref)));
      if (!n) throw new NotFoundError(`network ${ref} not found`);
      return n;
    },
  },
  container(ref) {
    if (ref === 'db' || ref === 'web') return { id: ref.repeat(32).slice(0, 64), name: ref };
    throw new NotFoundError(`No such container: ${ref}`);
  },
};

function refused(req: Record<string, unknown>, kind: string, message: string | RegExp): void {
  assert.throws(() => resolveCreateNetworking(req, lookups), (e: unknown) => {
    assert.equal(kindOf(e), kind, (e as Error).message);
    if (typeof message === 'string') assert.equal((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return true;
  }, JSON.stringify(req));
}

test('the networks a container joins are kept by name, NetworkMode\'s first, with what each asked for', () => {
  const r = resolveCreateNetworking({
    HostConfig: { NetworkMode: 'back' },
    NetworkingConfig: { EndpointsConfig: {
      front: { Aliases: ['web'], IPAMConfig: { IPv4Address: '10.9.0.7' } },
      [`${'c'.repeat(12)}`]: { Aliases: ['db'], MacAddress: '02:42:ac:11:00:02', Links: ['db:database'], DriverOpts: { a: 'b' } },
    } },
  }, lookups);
  assert.equal(r.networkMode, 'back');
  assert.deepEqual(Object.keys(r.endpointsConfig!), ['back', 'front']);
  assert.deepEqual(r.endpointsConfig!.back, { aliases: ['db'], mac: '02:42:ac:11:00:02', links: ['db:database'], driverOpts: { a: 'b' } });
  assert.deepEqual(r.endpointsConfig!.front, { aliases: ['web'], ipv4: '10.9.0.7' });
});

test('docker CLI 28\'s "default" endpoint is the default bridge, and an absent one is added empty', () => {
  const r = resolveCreateNetworking({ HostConfig: { NetworkMode: 'default' }, NetworkingConfig: { EndpointsConfig: { default: { IPAMConfig: null, Aliases: null } } } }, lookups);
  assert.equal(r.networkMode, 'bridge');
  assert.deepEqual(r.endpointsConfig, { bridge: {} });
  assert.deepEqual(resolveCreateNetworking({ HostConfig: { NetworkMode: 'front' } }, lookups).endpointsConfig, { front: {} });
  assert.deepEqual(resolveCreateNetworking({}, { container: lookups.container }).endpointsConfig, { bridge: {} });
});

test('an unknown network is kept as given: Docker refuses it at start, and a 404 here would make the CLI pull', () => {
  assert.deepEqual(resolveCreateNetworking({ HostConfig: { NetworkMode: 'nope' } }, lookups).endpointsConfig, { nope: {} });
  assert.deepEqual(resolveCreateNetworking({ HostConfig: { NetworkMode: 'front' }, NetworkingConfig: { EndpointsConfig: { other: { Aliases: ['x'] } } } }, lookups).endpointsConfig,
    { front: {}, other: { aliases: ['x'] } });
});

test('addresses and aliases are for user-defined networks only', () => {
  refused({ HostConfig: { NetworkMode: 'bridge' }, NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: '10.9.0.5' } } } } },
    'invalid-argument', 'invalid endpoint settings:\nuser specified IP address is supported on user defined networks only');
  refused({ NetworkingConfig: { EndpointsConfig: { default: { Aliases: ['x'] } } } },
    'invalid-argument', 'invalid endpoint settings:\nnetwork-scoped alias is supported only for containers in user defined networks');
  refused({ HostConfig: { NetworkMode: 'front' }, NetworkingConfig: { EndpointsConfig: { front: { IPAMConfig: { IPv4Address: '10.9.0.300' } } } } },
    'invalid-argument', 'invalid endpoint settings:\ninvalid IPv4 address: 10.9.0.300');
  refused({ HostConfig: { NetworkMode: 'front' }, NetworkingConfig: { EndpointsConfig: { front: { MacAddress: 'zz' } } } }, 'invalid-argument', 'invalid MAC address: zz');
});

test('host, none and container modes refuse what needs a network of the container\'s own', () => {
  refused({ HostConfig: { NetworkMode: 'container:db', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } },
    'invalid-argument', 'conflicting options: port publishing and the container type network mode');
  refused({ HostConfig: { NetworkMode: 'container:db', PublishAllPorts: true } }, 'invalid-argument', 'conflicting options: port publishing and the container type network mode');
  refused({ ExposedPorts: { '80/tcp': {} }, HostConfig: { NetworkMode: 'container:db' } }, 'invalid-argument', 'conflicting options: port exposing and the container type network mode');
  refused({ Hostname: 'h', HostConfig: { NetworkMode: 'container:db' } }, 'invalid-argument', 'conflicting options: hostname and the network mode');
  refused({ HostConfig: { NetworkMode: 'container:db', Dns: ['1.1.1.1'] } }, 'invalid-argument', 'conflicting options: dns and the network mode');
  refused({ HostConfig: { NetworkMode: 'container:db', ExtraHosts: ['a:1.2.3.4'] } }, 'invalid-argument', 'conflicting options: custom host-to-IP mapping and the network mode');
  refused({ HostConfig: { NetworkMode: 'container:db', Links: ['web'] } }, 'invalid-argument', /container type network can't be used with links/);
  refused({ HostConfig: { NetworkMode: 'container:' } }, 'invalid-argument', 'Invalid network mode: invalid container format container:<name|id>');
  refused({ HostConfig: { NetworkMode: 'container:ghost' } }, 'invalid-argument', 'No such container: ghost');
  refused({ MacAddress: '02:42:ac:11:00:02', HostConfig: { NetworkMode: 'host' } }, 'invalid-argument', 'conflicting options: mac-address and the network mode');
  refused({ HostConfig: { NetworkMode: 'host', Links: ['web'] } }, 'invalid-argument', /host type networking can't be used with links/);
  refused({ HostConfig: { NetworkMode: 'host' }, NetworkingConfig: { EndpointsConfig: { front: {} } } },
    'invalid-argument', 'container sharing network namespace with another container or host cannot be connected to any other network');
  refused({ HostConfig: { NetworkMode: 'none' }, NetworkingConfig: { EndpointsConfig: { front: {} } } },
    'invalid-argument', 'container cannot be connected to multiple networks with one of the networks in private (none) mode');
  refused({ HostConfig: { NetworkMode: 'host' }, NetworkingConfig: { EndpointsConfig: { host: { Aliases: ['a'] } } } },
    'invalid-argument', /network-scoped alias is supported only/);
  const c = resolveCreateNetworking({ HostConfig: { NetworkMode: 'container:db' } }, lookups);
  assert.equal(c.endpointsConfig, undefined);
});

test('ports published with the host\'s network are dropped with Docker\'s warning', () => {
  const r = resolveCreateNetworking({ HostConfig: { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }, lookups);
  assert.deepEqual(r.warnings, ['Published ports are discarded when using host network mode']);
  assert.equal(r.portBindings, undefined);
});

test('links need an existing container on the default bridge, and a well-formed value', () => {
  refused({ HostConfig: { Links: ['ghost:g'] } }, 'invalid-argument', 'could not get container for ghost: No such container: ghost');
  refused({ HostConfig: { Links: ['a:b:c'] } }, 'invalid-argument', 'bad format for links: a:b:c');
  assert.doesNotThrow(() => resolveCreateNetworking({ HostConfig: { Links: ['db:database', '/web'] } }, lookups));
  // On a user-defined network a link is an alias only: its target is looked up at start.
  assert.doesNotThrow(() => resolveCreateNetworking({ HostConfig: { NetworkMode: 'front', Links: ['ghost'] } }, lookups));
});

test('port bindings are checked and keyed "port/proto", and every published port is exposed', () => {
  const r = resolveCreateNetworking({
    ExposedPorts: { '9000/udp': {}, '7000-7002': {} },
    HostConfig: { PortBindings: { 80: [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '[::1]', HostPort: '' }] } },
  }, lookups);
  assert.deepEqual(r.portBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '::1', HostPort: '' }] });
  assert.deepEqual(Object.keys(r.exposedPorts!).sort(), ['53/udp', '7000/tcp', '7001/tcp', '7002/tcp', '80/tcp', '9000/udp']);
  refused({ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '70000' }] } } }, 'invalid-argument', 'invalid port specification: "70000"');
  refused({ HostConfig: { PortBindings: { 'x/tcp': [] } } }, 'invalid-argument', 'invalid port specification: "x"');
  refused({ HostConfig: { PortBindings: { '80/icmp': [] } } }, 'invalid-argument', 'invalid port protocol: "icmp"');
  refused({ HostConfig: { PortBindings: { '80/tcp': [{ HostIp: 'nohost', HostPort: '1' }] } } }, 'invalid-argument', 'invalid host IP address: nohost');
});
