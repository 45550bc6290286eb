import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkApi } from './api.js';
import type { ContainerNetworking } from './types.js';
import type { EventSink } from '../events/types.js';
import type { ActiveEndpoint, EndpointConfig, NetworkController, NetworkCreateRequest, NetworkRecord } from '../../network/types.js';
import { ConflictError, NotFoundError } from '../../lib/errors/index.js';

function rec(name: string, over: Partial<NetworkRecord> = {}): NetworkRecord {
  const id = (over.id ?? Buffer.from(name).toString('hex')).padEnd(64, '0').slice(0, 64);
  return {
    id, name, driver: 'bridge', scope: 'local', created: '2026-12-01T10:00:00.123456789Z', internal: false, attachable: false, ingress: false,
    enableIPv4: true, enableIPv6: false, options: {}, labels: {}, ipam: { driver: 'default', options: {}, config: [{ subnet: '10.50.0.0/24', gateway: '10.50.0.1' }] },
    predefined: false, ...over,
  };
}

/** A controller over an in-memory list, recording what the API asked of it. */
class FakeController implements NetworkController {
  nets: NetworkRecord[];
  eps = new Map<string, ActiveEndpoint[]>();
  created: NetworkCreateRequest[] = [];
  removed: string[] = [];
  constructor(nets: NetworkRecord[]) {
    this.nets = nets;
  }
  list(): NetworkRecord[] {
    return [...this.nets];
  }
  get(ref: string): NetworkRecord {
    const n = this.nets.find((x) => x.id === ref) ?? this.nets.find((x) => x.name === ref) ?? this.nets.find((x) => x.id.startsWith(ref));
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    return n;
  }
  async create(req: NetworkCreateRequest): Promise<{ record: NetworkRecord; warning: string }> {
    this.created.push(req);
    if (this.nets.some((n) => n.name === req.name)) throw new ConflictError(`network with name ${req.name} already exists`);
    const r = rec(req.name, { driver: req.driver, labels: req.labels });
    this.nets.push(r);
    return { record: r, warning: '' };
  }
  async remove(ref: string): Promise<void> {
    const n = this.get(ref);
    if ((this.eps.get(n.id) ?? []).length) throw new ConflictError(`network ${n.name} has active endpoints`);
    this.removed.push(n.name);
    this.nets = this.nets.filter((x) => x !== n);
  }
  endpoints(networkId: string): ActiveEndpoint[] {
    return this.eps.get(networkId) ?? [];
  }
  connect(): never {
    throw new Error('not used by the API');
  }
  disconnect(): never {
    throw new Error('not used by the API');
  }
}

class FakeContainers implements ContainerNetworking {
  using = new Map<string, string[]>();
  connects: Array<[string, string, EndpointConfig]> = [];
  disconnects: Array<[string, string, boolean]> = [];
  async networkConnect(ref: string, net: NetworkRecord, cfg: EndpointConfig) {
    this.connects.push([ref, net.name, cfg]);
    return { containerId: `id-${ref}`, containerName: ref };
  }
  async networkDisconnect(ref: string, net: NetworkRecord, force: boolean) {
    this.disconnects.push([ref, net.name, force]);
    return { containerId: `id-${ref}`, containerName: ref };
  }
  containersUsing(networkId: string): string[] {
    return this.using.get(networkId) ?? [];
  }
}

function setup(nets: NetworkRecord[] = []) {
  const predefined = [
    rec('bridge', { predefined: true, options: { 'com.docker.network.bridge.default_bridge': 'true' } }),
    rec('host', { driver: 'host', predefined: true, ipam: { driver: 'default', options: {}, config: [] } }),
    rec('none', { driver: 'null', predefined: true, ipam: { driver: 'default', options: {}, config: [] } }),
  ];
  const ctl = new FakeController([...predefined, ...nets]);
  const ctr = new FakeContainers();
  const events: Array<{ type: string; action: string; id: string; attrs: Record<string, string> }> = [];
  const sink: EventSink = {
    container: () => {},
    image: () => {},
    object: (type, action, actor) => events.push({ type, action, id: actor.ID, attrs: actor.Attributes ?? {} }),
  };
  return { ctl, ctr, events, api: new NetworkApi(ctl, ctr, sink) };
}

const names = (list: Array<{ Name: string }>): string[] => list.map((n) => n.Name);
const filters = (o: Record<string, string[]>) => new Map(Object.entries(o));

describe('NetworkApi list filters', () => {
  const { api, ctr } = setup([
    rec('foo', { labels: { usage: 'prod' } }), rec('foobar', { labels: { usage: 'dev' } }), rec('mac', { driver: 'macvlan', id: '95e74588f40d' }),
  ]);
  ctr.using.set(rec('foobar').id, ['web']);
  const list = (o: Record<string, string[]>) => names(api.networkList({ filters: filters(o), apiVersion: '1.50' }));

  it('matches names and ids anywhere, as Docker\'s regular-expression match does', () => {
    assert.deepEqual(list({ name: ['foo'] }), ['foo', 'foobar']);
    assert.deepEqual(list({ name: ['^foo$'] }), ['foo']);
    assert.deepEqual(list({ id: ['95e'] }), ['mac']);
    assert.deepEqual(list({ id: ['74588f'] }), ['mac']);
  });

  it('matches driver and scope exactly, labels by key or key=value', () => {
    assert.deepEqual(list({ driver: ['macvlan'] }), ['mac']);
    assert.deepEqual(list({ driver: ['mac'] }), []);
    assert.deepEqual(list({ scope: ['local'] }).length, 6);
    assert.deepEqual(list({ scope: ['swarm'] }), []);
    assert.deepEqual(list({ label: ['usage'] }), ['foo', 'foobar']);
    assert.deepEqual(list({ label: ['usage=prod'] }), ['foo']);
  });

  it('types split builtin from custom; dangling means unused custom networks', () => {
    assert.deepEqual(list({ type: ['builtin'] }), ['bridge', 'host', 'none']);
    assert.deepEqual(list({ type: ['custom'] }), ['foo', 'foobar', 'mac']);
    assert.deepEqual(list({ dangling: ['true'] }), ['foo', 'mac']);
    assert.deepEqual(list({ dangling: ['0'] }), ['bridge', 'foobar', 'host', 'none']);
  });

  it('refuses what Docker refuses, with its words', () => {
    assert.throws(() => list({ colour: ['red'] }), { kind: 'invalid-argument', message: "invalid filter 'colour'" });
    assert.throws(() => list({ dangling: ['maybe'] }), { message: 'invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")' });
    assert.throws(() => list({ dangling: ['true', 'false'] }), { message: 'got more than one value for filter key "dangling"' });
    assert.throws(() => list({ type: ['special'] }), { message: "invalid filter: 'type'='special'" });
  });

  it('sends Containers in lists only to clients before API 1.28', () => {
    const front = rec('front');
    const t = setup([front]);
    t.ctl.eps.set(front.id, [{ containerId: 'c1', containerName: 'web', state: { endpointId: 'e1', mac: 'm', ipv4: '10.50.0.2', prefixLen: 24, ipv6: '' } as ActiveEndpoint['state'] }]);
    const byName = (v: string) => t.api.networkList({ filters: filters({ name: ['^front$'] }), apiVersion: v })[0]!.Containers;
    assert.deepEqual(byName('1.50'), {});
    assert.deepEqual(Object.keys(byName('1.27')), ['c1']);
  });
});

describe('NetworkApi inspect', () => {
  it('shows the running containers\' endpoints with prefix lengths, and Docker\'s fixed fields', () => {
    const front = rec('front', { labels: { a: 'b' } });
    const { api, ctl } = setup([front]);
    ctl.eps.set(front.id, [{
      containerId: 'c1', containerName: 'web',
      state: {
        networkId: front.id, networkName: 'front', endpointId: 'e1', hostIfname: 'veth1', ifname: 'eth0', mac: '02:42:0a:32:00:02',
        ipv4: '10.50.0.2', prefixLen: 24, gateway: '10.50.0.1', ipv6: '', prefixLen6: 0, gateway6: '', aliases: [], dnsNames: [],
      },
    }]);
    const n = api.networkInspect('front');
    assert.deepEqual(n.Containers, { c1: { Name: 'web', EndpointID: 'e1', MacAddress: '02:42:0a:32:00:02', IPv4Address: '10.50.0.2/24', IPv6Address: '' } });
    assert.deepEqual(n.IPAM, { Driver: 'default', Options: {}, Config: [{ Subnet: '10.50.0.0/24', Gateway: '10.50.0.1' }] });
    assert.deepEqual(n.ConfigFrom, { Network: '' });
    assert.equal(n.Created, '2026-12-01T10:00:00.123456789Z');
    assert.deepEqual(api.networkInspect('host').IPAM, { Driver: 'default', Options: null, Config: null });
    assert.throws(() => api.networkInspect('front', { scope: 'swarm' }), { kind: 'not-found', message: 'network front not found' });
    assert.throws(() => api.networkInspect('nosuch'), { kind: 'not-found', message: 'network nosuch not found' });
  });
});

describe('NetworkApi create', () => {
  it('turns the body into the domain request with Docker\'s defaults and emits create', async () => {
    const { api, ctl, events } = setup();
    const out = await api.networkCreate({
      Name: 'front', Labels: { a: 'b' }, Options: { 'com.docker.network.bridge.name': 'br-x' }, CheckDuplicate: true,
      IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.9.0.0/16', IPRange: '10.9.5.0/24', Gateway: '10.9.5.254', AuxiliaryAddresses: { router: '10.9.1.1' } }] },
    });
    assert.equal(out.Warning, '');
    assert.match(out.Id, /^[0-9a-f]{64}$/);
    assert.deepEqual(ctl.created[0], {
      name: 'front', driver: 'bridge', internal: false, attachable: false, enableIPv4: true, enableIPv6: false,
      options: { 'com.docker.network.bridge.name': 'br-x' }, labels: { a: 'b' },
      ipam: { driver: 'default', options: {}, config: [{ subnet: '10.9.0.0/16', ipRange: '10.9.5.0/24', gateway: '10.9.5.254', auxAddresses: { router: '10.9.1.1' } }] },
    });
    assert.deepEqual(events, [{ type: 'network', action: 'create', id: out.Id, attrs: { name: 'front', type: 'bridge' } }]);
  });

  it('reads enable_ipv4/enable_ipv6 options when the fields are absent, and drops them when present', async () => {
    const { api, ctl } = setup();
    await api.networkCreate({ Name: 'a', Options: { 'com.docker.network.enable_ipv6': 'true' } });
    assert.equal(ctl.created[0]!.enableIPv6, true);
    await api.networkCreate({ Name: 'b', EnableIPv6: false, Options: { 'com.docker.network.enable_ipv6': 'true' } });
    assert.equal(ctl.created[1]!.enableIPv6, false);
    assert.deepEqual(ctl.created[1]!.options, {});
    await assert.rejects(api.networkCreate({ Name: 'c', Options: { 'com.docker.network.enable_ipv4': 'maybe' } }),
      { kind: 'invalid-argument', message: 'driver-opt "com.docker.network.enable_ipv4" is not a valid bool' });
  });

  it('refuses bad bodies with Docker\'s status and words', async () => {
    const { api } = setup();
    const cases: Array<[unknown, string, string]> = [
      [{ Name: 'bridge' }, 'forbidden', 'operation is not permitted on predefined bridge network '],
      [{ Name: 'default' }, 'forbidden', 'operation is not permitted on predefined default network '],
      [{ Name: '  ' }, 'invalid-argument', 'invalid name: name is empty'],
      [{}, 'invalid-argument', 'invalid name: name is empty'],
      [{ Name: 'x', Driver: 'overlay' }, 'forbidden', 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.'],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: 'foo' }] } }, 'invalid-argument', 'invalid network config:\ninvalid subnet foo: invalid CIDR block notation'],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.1.2.3/16' }] } }, 'invalid-argument', 'invalid network config:\ninvalid subnet 10.1.2.3/16: it should be 10.1.0.0/16'],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.1.0.0/24', Gateway: '10.2.0.1' }] } }, 'invalid-argument',
        "invalid network config:\ninvalid gateway 10.2.0.1: parent subnet 10.1.0.0/24 doesn't contain this address"],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.1.0.0/24', Gateway: 'fd00::1', IPRange: '10.1.0.0/16' }] } }, 'invalid-argument',
        'invalid network config:\n* invalid ip-range 10.1.0.0/16: CIDR block is bigger than its parent subnet 10.1.0.0/24\n* invalid gateway fd00::1: parent subnet is an IPv4 block'],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.1.0.0/24', AuxiliaryAddresses: { r: 'nope' } }] } }, 'invalid-argument',
        'invalid network config:\ninvalid auxiliary address r: invalid address'],
      [{ Name: 'x', EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd00:1::5/64' }] } }, 'invalid-argument', 'invalid network config:\ninvalid subnet fd00:1::5/64: it should be fd00:1::/64'],
      [{ Name: 5 }, 'invalid-argument', 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.Name of type string'],
      [{ Name: 'x', Labels: ['a'] }, 'invalid-argument', 'invalid JSON: json: cannot unmarshal array into Go struct field CreateRequest.Labels of type map[string]string'],
      [{ Name: 'x', ConfigOnly: true }, 'invalid-argument', 'berth does not support config-only networks'],
    ];
    for (const [body, kind, message] of cases) await assert.rejects(api.networkCreate(body), { kind, message }, JSON.stringify(body));
  });

  it('leaves IPv6 pools unchecked while IPv6 is off, as Docker does', async () => {
    const { api, ctl } = setup();
    await api.networkCreate({ Name: 'x', IPAM: { Config: [{ Subnet: 'fd00::5/64' }] } });
    assert.deepEqual(ctl.created[0]!.ipam.config, [{ subnet: 'fd00::5/64' }]);
  });

  it('passes the controller\'s conflict through', async () => {
    const { api } = setup([rec('front')]);
    await assert.rejects(api.networkCreate({ Name: 'front' }), { kind: 'conflict', message: 'network with name front already exists' });
  });
});

describe('NetworkApi delete, connect, disconnect', () => {
  it('refuses to remove predefined networks and emits destroy for others', async () => {
    const front = rec('front');
    const { api, ctl, events } = setup([front]);
    await assert.rejects(api.networkDelete('bridge'), { kind: 'forbidden', message: 'bridge is a pre-defined network and cannot be removed' });
    await assert.rejects(api.networkDelete('nosuch'), { kind: 'not-found', message: 'network nosuch not found' });
    await api.networkDelete(front.id.slice(0, 12));
    assert.deepEqual(ctl.removed, ['front']);
    assert.deepEqual(events, [{ type: 'network', action: 'destroy', id: front.id, attrs: { name: 'front', type: 'bridge' } }]);
  });

  it('connects with the endpoint config in domain form and emits connect with the container', async () => {
    const front = rec('front');
    const { api, ctr, events } = setup([front]);
    await api.networkConnect('front', {
      Container: 'web',
      EndpointConfig: { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.50.0.9' }, Links: ['other:o'], MacAddress: '02:42:AC:11:00:09', DriverOpts: { k: 'v' } },
    });
    assert.deepEqual(ctr.connects, [['web', 'front', { aliases: ['db'], ipv4: '10.50.0.9', links: ['other:o'], mac: '02:42:ac:11:00:09', driverOpts: { k: 'v' } }]]);
    assert.deepEqual(events, [{ type: 'network', action: 'connect', id: front.id, attrs: { container: 'id-web', name: 'front', type: 'bridge' } }]);
    await api.networkConnect('front', { Container: 'web2' });
    assert.deepEqual(ctr.connects[1], ['web2', 'front', {}]);
  });

  it('refuses what Docker refuses before touching the container', async () => {
    const { api, ctr } = setup([rec('front', { ipam: { driver: 'default', options: {}, config: [{ subnet: '10.50.0.0/16', ipRange: '10.50.1.0/24' }] } })]);
    const cases: Array<[string, unknown, string]> = [
      ['host', { Container: 'web' }, 'cannot connect container to host network - container must be created in host network mode'],
      ['none', { Container: 'web' }, 'container cannot be connected to multiple networks with one of the networks in private (none) mode'],
      ['bridge', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '10.0.0.5' }, Aliases: ['x'] } },
        'invalid endpoint settings:\n* user specified IP address is supported on user defined networks only\n* network-scoped alias is supported only for containers in user defined networks'],
      ['front', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '10.50.2.5' } } }, 'invalid endpoint settings:\nno configured subnet or ip-range contain the IP address 10.50.2.5'],
      ['front', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '300.1.1.1', IPv6Address: '10.0.0.1' } } },
        'invalid endpoint settings:\n* invalid IPv4 address: 300.1.1.1\n* invalid IPv6 address: 10.0.0.1'],
      ['front', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv6Address: 'fd00::5' } } },
        'invalid endpoint settings:\nuser specified IP address is supported only when connecting to networks with user configured subnets'],
      ['front', { Container: 'web', EndpointConfig: { MacAddress: 'zz' } }, 'invalid MAC address zz'],
      ['front', { Container: 7 }, 'invalid JSON: json: cannot unmarshal number into Go struct field ConnectOptions.Container of type string'],
    ];
    for (const [net, body, message] of cases) await assert.rejects(api.networkConnect(net, body), { kind: 'invalid-argument', message }, JSON.stringify(body));
    await assert.rejects(api.networkConnect('nosuch', { Container: 'web' }), { kind: 'not-found', message: 'network nosuch not found' });
    assert.equal(ctr.connects.length, 0);
  });

  it('disconnects with Force and emits disconnect', async () => {
    const front = rec('front');
    const { api, ctr, events } = setup([front]);
    await api.networkDisconnect('front', { Container: 'web', Force: true });
    await api.networkDisconnect('front', { Container: 'web' });
    assert.deepEqual(ctr.disconnects, [['web', 'front', true], ['web', 'front', false]]);
    assert.equal(events[0]!.action, 'disconnect');
    assert.deepEqual(events[0]!.attrs, { container: 'id-web', name: 'front', type: 'bridge' });
  });
});

describe('NetworkApi prune', () => {
  it('removes unused custom networks the filters allow, and emits destroy and prune', async () => {
    const old = rec('old', { created: '2020-01-01T00:00:00Z', labels: { keep: 'no' } });
    const busy = rec('busy');
    const live = rec('live');
    const kept = rec('kept', { labels: { keep: 'yes' } });
    const { api, ctl, ctr, events } = setup([old, busy, live, kept]);
    ctr.using.set(busy.id, ['stopped-one']);
    ctl.eps.set(live.id, [{ containerId: 'c', containerName: 'c', state: {} as ActiveEndpoint['state'] }]);
    assert.deepEqual(await api.networkPrune(filters({ until: ['2021-01-01T00:00:00Z'] })), { NetworksDeleted: ['old'] });
    assert.deepEqual(await api.networkPrune(filters({ 'label!': ['keep=yes'] })), { NetworksDeleted: null });
    assert.deepEqual(await api.networkPrune(filters({ label: ['keep'] })), { NetworksDeleted: ['kept'] });
    assert.deepEqual(ctl.nets.map((n) => n.name), ['bridge', 'host', 'none', 'busy', 'live']);
    assert.deepEqual(events.map((e) => `${e.action}:${e.attrs.name ?? e.attrs.reclaimed}`), ['destroy:old', 'prune:0', 'prune:0', 'destroy:kept', 'prune:0']);
  });

  it('refuses unknown keys and a second until', async () => {
    const { api } = setup();
    await assert.rejects(api.networkPrune(filters({ dangling: ['true'] })), { message: "invalid filter 'dangling'" });
    await assert.rejects(api.networkPrune(filters({ until: ['1h', '2h'] })), { message: 'more than one until filter specified' });
  });
});
