import { NotFoundError } from '../../../lib/errors/index.js';
import type {
  EndpointConfig, EndpointState, NetworkController, NetworkRecord, NetworkSandbox, SandboxProvider, SandboxRequest,
} from '../../../network/index.js';

export function fakeNetworkRecord(name: string, n: number, extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    id: String(n).repeat(64).slice(0, 64), name, driver: name === 'host' ? 'host' : name === 'none' ? 'null' : 'bridge', scope: 'local',
    created: '2026-01-01T00:00:00Z', internal: false, attachable: false, ingress: false, enableIPv4: true, enableIPv6: false, options: {}, labels: {},
    ipam: { driver: 'default', options: {}, config: [{ subnet: `10.${n}.0.0/24`, gateway: `10.${n}.0.1` }] }, predefined: ['bridge', 'host', 'none'].includes(name), ...extra,
  };
}

/**
 * Networks and sandboxes in memory: addresses are handed out in order per network, every call is
 * logged in `calls`, `requests` keeps what setUp was asked. Enough to test the engine's rules.
 */
export class FakeNetworks implements SandboxProvider, Pick<NetworkController, 'get' | 'connect' | 'disconnect'> {
  readonly calls: string[] = [];
  readonly requests: SandboxRequest[] = [];
  readonly networks: NetworkRecord[] = [fakeNetworkRecord('bridge', 1), fakeNetworkRecord('host', 2), fakeNetworkRecord('none', 3)];
  #next = new Map<string, number>();

  add(name: string): NetworkRecord {
    const rec = fakeNetworkRecord(name, this.networks.length + 1);
    this.networks.push(rec);
    return rec;
  }

  get(ref: string): NetworkRecord {
    const n = this.networks.find((x) => x.id === ref || x.name === ref) ?? this.networks.find((x) => ref.length >= 3 && x.id.startsWith(ref));
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    return n;
  }

  endpoint(containerId: string, containerName: string, network: string, cfg: EndpointConfig, ifname: string): EndpointState {
    const net = this.get(network);
    const host = (this.#next.get(net.id) ?? 1) + 1;
    this.#next.set(net.id, host);
    const prefix = net.ipam.config[0]!.subnet.replace(/\.0\/24$/, '');
    return {
      networkId: net.id, networkName: net.name, endpointId: `${containerId.slice(0, 8)}${'e'.repeat(56)}`, hostIfname: `veth${host}`, ifname,
      mac: cfg.mac ?? `02:42:0a:00:00:${String(host).padStart(2, '0')}`, ipv4: cfg.ipv4 ?? `${prefix}.${host}`, prefixLen: 24, gateway: `${prefix}.1`,
      ipv6: '', prefixLen6: 0, gateway6: '', aliases: cfg.aliases ?? [], dnsNames: [containerName, containerId.slice(0, 12), ...(cfg.aliases ?? [])],
    };
  }

  async setUp(req: SandboxRequest): Promise<NetworkSandbox> {
    this.calls.push(`setUp ${req.id}${req.adopt ? ' adopt' : ''}`);
    this.requests.push(req);
    if (req.adopt) return req.adopt;
    if (req.networkMode === 'host') return { mode: 'host', addresses: [] };
    if (req.networkMode === 'none') return { mode: 'none', addresses: [] };
    if (req.joinNetnsPath) return { mode: 'private', netnsPath: req.joinNetnsPath, addresses: [] };
    const endpoints: Record<string, EndpointState> = {};
    let i = 0;
    for (const [name, cfg] of Object.entries(req.endpoints)) endpoints[this.get(name).name] = this.endpoint(req.id, req.name, name, cfg, `eth${i++}`);
    const ports = req.ports.flatMap((p) => {
      const hostPort = p.hostPort || 49153;
      return p.hostIp ? [{ proto: p.proto, containerPort: p.containerPort, hostIp: p.hostIp, hostPort }]
        : [{ proto: p.proto, containerPort: p.containerPort, hostIp: '0.0.0.0', hostPort }, { proto: p.proto, containerPort: p.containerPort, hostIp: '::', hostPort }];
    });
    const userNet = Object.keys(endpoints).some((n) => n !== 'bridge');
    return {
      mode: 'private', netnsPath: `/run/netns/t-${req.id.slice(0, 12)}`, addresses: Object.values(endpoints).map((e) => e.ipv4), endpoints, ports,
      ...(userNet ? { nameservers: [Object.values(endpoints)[0]!.gateway] } : {}),
      ...(req.links?.length ? { hosts: req.links.map((l) => ({ address: `10.1.0.${l.containerId.length}`, names: l.names })) } : {}),
    };
  }

  async tearDown(id: string, sandbox?: NetworkSandbox): Promise<void> {
    this.calls.push(`tearDown ${id} ${sandbox?.netnsPath ?? '-'}`);
  }

  async connect(containerId: string, containerName: string, sandbox: NetworkSandbox, network: string, cfg: EndpointConfig): Promise<EndpointState> {
    this.calls.push(`connect ${containerId} ${network}`);
    return this.endpoint(containerId, containerName, network, cfg, `eth${Object.keys(sandbox.endpoints ?? {}).length}`);
  }

  async disconnect(containerId: string, _sandbox: NetworkSandbox, network: string): Promise<void> {
    this.calls.push(`disconnect ${containerId} ${network}`);
  }
}
