import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError, messageOf } from '../../lib/errors/index.js';
import { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import { newId, shortId } from '../../lib/ids/index.js';
import { containsIp, parseCidr, parseIp } from '../ipam/cidr.js';
import { ulaPool, type AddressPoolSpec, type HostRoute } from '../ipam/default-pools.js';
import { NetworkIpam } from '../ipam/pool.js';
import type { PortAllocator } from '../ports/allocator.js';
import type { NetworkStore } from '../store.js';
import type {
  ActiveEndpoint, DnsLookup, DnsService, EndpointConfig, EndpointState, Firewall, FirewallPorts, IpamPoolConfig, NetnsControl,
  NetworkController, NetworkCreateRequest, NetworkDriver, NetworkPlan, NetworkRecord, NetworkSandbox, SandboxProvider, SandboxRequest,
} from '../types.js';
import { ActiveSandboxes, type ActiveSandbox } from './active.js';
import { recordForCreate } from './create-record.js';
import { reconcileHost, type HostLinks } from './reconcile.js';
import { defaultBridgeIpam } from './default-bridge.js';
import { newEndpoint } from './endpoint.js';
import { firewallNetworkOf, hasEndpoints, isBridge, KernelNames, planOf } from './plan.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

export interface NetworkManagerOptions {
  store: NetworkStore;
  drivers: Record<string, NetworkDriver>;
  firewall: Firewall;
  netns: NetnsControl;
  dns: DnsService;
  ports: PortAllocator;
  /** Names berth's kernel objects: nft table <tag>, bridge <tag>0, namespaces <tag>-<id12>. */
  netTag: string;
  /** --bip ("10.63.0.1/16"), --fixed-cidr, --mtu. */
  defaultBridge: { bip?: string; fixedCidr?: string; mtu?: number };
  /** --default-address-pool, in order. */
  pools: AddressPoolSpec[];
  /** The host's routes (`ip -j route`, both families), to keep new subnets clear of them. */
  routes: () => Promise<HostRoute[]>;
  links?: HostLinks;
  log: (level: Level, msg: string) => void;
}

const DEFAULT_MTU = 1500;

/**
 * The network subsystem's one entry point: network records and their devices, container
 * sandboxes (namespace, interfaces, addresses, published ports, DNS names) and the names the
 * embedded DNS answers with. Kernel work goes through the drivers, the firewall and the netns
 * control; everything here is bookkeeping and ordering, with an undo for every step.
 */
export class NetworkManager implements SandboxProvider, NetworkController, DnsLookup {
  private readonly names: KernelNames;
  private readonly ipam = new Map<string, NetworkIpam>();
  private readonly active = new ActiveSandboxes();
  /** Networks whose devices init could not make: the next join tries again. */
  private readonly unready = new Set<string>();
  private readonly mtu: number;
  /** Network create and remove one at a time, so two creates never pick the same subnet or name. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: NetworkManagerOptions) {
    this.names = new KernelNames(o.netTag);
    this.mtu = o.defaultBridge.mtu ?? DEFAULT_MTU;
  }

  /* ---------------------------------------------------------------- start-up */

  /**
   * Loads the networks, makes the predefined ones, builds every bridge's device again (the
   * kernel may have lost them with a reboot), renders the whole firewall table from the records
   * and opens the DNS listeners. Containers that kept running come back through setUp with `adopt`.
   */
  async init(): Promise<void> {
    const { store, log } = this.o;
    await store.load();
    const before = store.findByName('bridge');
    await store.ensurePredefined({ bridgeName: this.names.defaultBridge(), mtu: this.mtu, ipam: await this.defaultBridgeIpam() });
    const after = store.findByName('bridge')!;
    if (before && JSON.stringify(before.ipam.config) !== JSON.stringify(after.ipam.config)) {
      // --bip changed: the old device carries the old gateway; it is made again with the new one.
      log('info', `default bridge moves from ${before.ipam.config[0]?.subnet ?? '?'} to ${after.ipam.config[0]?.subnet ?? '?'}`);
      await this.driver(before).deleteNetwork(this.plan(before)).catch((err) => log('warn', `removing the old default bridge: ${messageOf(err)}`));
    }
    for (const rec of store.list()) this.ipam.set(rec.id, new NetworkIpam({ name: rec.name, id: rec.id }, this.usablePools(rec)));
    const fw = [];
    for (const rec of store.list()) {
      if (!hasEndpoints(rec)) continue;
      const plan = this.plan(rec);
      try {
        await this.makeDevices(rec, plan);
      } catch (err) {
        // The daemon still starts; joining this network tries again and reports the error then.
        log('error', `network ${rec.name} (${shortId(rec.id)}): cannot make its devices: ${messageOf(err)}`);
        this.unready.add(rec.id);
        continue;
      }
      if (isBridge(rec)) fw.push(firewallNetworkOf(plan));
    }
    await this.o.firewall.sync(fw, []);
    for (const rec of store.list()) await this.listenDns(rec);
  }

  /**
   * The network's devices. The default bridge is berth's alone (named by the tag), so one left by
   * an earlier run with other addresses (--bip changed, a crash mid-change) is made again.
   */
  private async makeDevices(rec: NetworkRecord, plan: NetworkPlan): Promise<void> {
    try {
      await this.driver(rec).createNetwork(plan);
    } catch (err) {
      if (!(rec.predefined && isBridge(rec))) throw err;
      this.o.log('warn', `default bridge ${plan.bridgeName}: ${messageOf(err)}; making it again`);
      await this.driver(rec).deleteNetwork(plan);
      await this.driver(rec).createNetwork(plan);
    }
  }

  /** Closes the DNS listeners; devices, rules and sandboxes stay for the containers that keep running. */
  async close(): Promise<void> {
    await this.o.dns.closeAll();
  }

  /**
   * After restore: removes our namespaces (and veths on our bridges) that belong to no running
   * container, as a crash between setUp and tearDown may leave them.
   */
  async reconcile(liveContainerIds: Set<string>): Promise<void> {
    const liveVeths = new Set<string>();
    for (const id of liveContainerIds) for (const ep of this.active.get(id)?.endpoints.values() ?? []) if (ep.hostIfname) liveVeths.add(ep.hostIfname);
    await reconcileHost({
      netns: this.o.netns, links: this.o.links, names: this.names, live: liveContainerIds, liveVeths,
      bridges: [...this.ownDevices()], log: this.o.log,
    });
  }


  /* ---------------------------------------------------------------- SandboxProvider */

  async setUp(req: SandboxRequest): Promise<NetworkSandbox> {
    const mode = req.networkMode;
    if (mode === 'host') return { mode: 'host', addresses: [] };
    if (mode === 'none') return { mode: 'none', addresses: [] };
    if (mode.startsWith('container:')) return { mode: 'private', netnsPath: req.joinNetnsPath, addresses: [] };
    if (req.adopt) return this.adopt(req, req.adopt);

    const started = performance.now();
    const nets = this.orderedEndpoints(req);
    const undo = new CleanupStack();
    const entry = this.active.entry(req.id, req.name);
    undo.push(() => this.active.delete(req.id));
    try {
      const nsName = this.names.netns(req.id);
      const netnsPath = await this.o.netns.create(nsName);
      undo.push(() => this.o.netns.remove(nsName));
      const routed = this.defaultRouteNetwork(nets);
      const endpoints: Record<string, EndpointState> = {};
      for (const [i, { rec, cfg }] of nets.entries()) {
        const ep = await this.join(entry, rec, cfg, `eth${i}`, nsName, rec.id === routed, undo);
        endpoints[rec.name] = ep;
      }
      const sandbox: NetworkSandbox = { mode: 'private', netnsPath, addresses: this.addressesOf(endpoints), endpoints };
      if (req.ports.length > 0) {
        const through = nets.find(({ rec }) => isBridge(rec));
        if (through) {
          const ep = entry.endpoints.get(through.rec.id)!;
          const mappings = await this.o.ports.allocate({ containerId: req.id, endpointName: req.name, endpointId: ep.endpointId }, req.ports, !!ep.ipv6);
          undo.push(() => this.o.ports.release(req.id));
          entry.ports = mappings;
          entry.portsNetworkId = through.rec.id;
          undo.push(() => this.o.firewall.removePorts(req.id));
          await this.o.firewall.setPorts(this.firewallPorts(req.id, ep, through.rec, mappings));
          sandbox.ports = mappings;
        }
      }
      const ns = this.nameserversFor(nets.map(({ rec }) => rec));
      if (ns) sandbox.nameservers = ns;
      const hosts = this.linkHosts(req);
      if (hosts.length) sandbox.hosts = hosts;
      undo.release();
      this.o.log('debug', `network set-up of ${shortId(req.id)}: ${nets.length} endpoint(s), ${sandbox.ports?.length ?? 0} port(s) in ${(performance.now() - started).toFixed(1)} ms`);
      return sandbox;
    } catch (err) {
      for (const e of await undo.unwind()) this.o.log('warn', `undoing the network set-up of ${shortId(req.id)}: ${messageOf(e)}`);
      throw err;
    }
  }

  /**
   * Idempotent, and works from the persisted sandbox alone: after a crash berthd has no memory
   * of the container, but the host veth and namespace names derive from the container id, and
   * the firewall rules are keyed by it. Addresses are released only when this berthd handed them
   * out (held in memory), so a stale record never frees an address another container now has.
   */
  async tearDown(id: string, sandbox?: NetworkSandbox): Promise<void> {
    if (sandbox && sandbox.mode !== 'private') return;
    const started = performance.now();
    const entry = this.active.get(id);
    const errors: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        errors.push(`${what}: ${messageOf(err)}`);
      }
    };
    // The kernel steps are independent of each other (the rules, each veth, the namespace), so
    // they run at once: tear-down sits on the path of `run --rm`.
    const kernel: Promise<void>[] = [];
    if (entry?.ports.length || sandbox?.ports?.length) kernel.push(attempt('ports', () => this.o.firewall.removePorts(id)));
    this.o.ports.release(id);
    const eps = new Map<string, EndpointState>();
    for (const ep of Object.values(sandbox?.endpoints ?? {})) eps.set(ep.networkId, ep);
    for (const [nid, ep] of entry?.endpoints ?? []) eps.set(nid, ep);
    const nsName = this.names.netns(id);
    const ours = !sandbox?.netnsPath || basename(sandbox.netnsPath) === nsName;
    for (const ep of eps.values()) {
      const rec = this.o.store.find(ep.networkId);
      if (entry?.endpoints.has(ep.networkId)) this.releaseAddresses(ep);
      if (rec && hasEndpoints(rec) && ours) kernel.push(attempt(`leaving ${ep.networkName}`, () => this.driver(rec).detach(this.plan(rec), ep, nsName)));
    }
    this.active.delete(id);
    if (ours) kernel.push(attempt('namespace', () => this.o.netns.remove(nsName)));
    await Promise.all(kernel);
    if (errors.length) this.o.log('warn', `network tear-down of ${shortId(id)}: ${errors.join('; ')}`);
    this.o.log('debug', `network tear-down of ${shortId(id)} in ${(performance.now() - started).toFixed(1)} ms`);
  }

  /* ---------------------------------------------------------------- NetworkController */

  list(): NetworkRecord[] {
    return this.o.store.list();
  }

  get(ref: string): NetworkRecord {
    return this.o.store.get(ref);
  }

  create(req: NetworkCreateRequest): Promise<{ record: NetworkRecord; warning: string }> {
    return this.serially(async () => {
      const existing = this.o.store.list();
      const id = newId();
      const routes = await this.hostRoutes();
      const record = recordForCreate(req, {
        id, now: Date.now(), existing,
        bridgeNameOf: (r) => (isBridge(r) ? this.plan(r).bridgeName : ''),
        defaultBridgeName: this.names.userBridge(id),
        pools: this.o.pools, ulaPool: this.ulaPool(), hostRoutes: routes, ownDevices: this.ownDevices(),
      });
      const plan = this.plan(record);
      const undo = new CleanupStack();
      try {
        await this.driver(record).createNetwork(plan);
        undo.push(() => this.driver(record).deleteNetwork(plan));
        if (isBridge(record)) {
          await this.o.firewall.setNetwork(firewallNetworkOf(plan));
          undo.push(() => this.o.firewall.removeNetwork(record.id));
        }
        await this.o.store.put(record);
        undo.push(() => this.o.store.remove(record.id));
        this.ipam.set(record.id, new NetworkIpam({ name: record.name, id: record.id }, this.usablePools(record)));
        await this.listenDns(record);
      } catch (err) {
        this.ipam.delete(record.id);
        for (const e of await undo.unwind()) this.o.log('warn', `undoing network create ${record.name}: ${messageOf(e)}`);
        throw err;
      }
      return { record, warning: '' };
    });
  }

  remove(ref: string): Promise<void> {
    return this.serially(async () => {
      const rec = this.o.store.get(ref);
      if (rec.predefined) throw new ForbiddenError(`${rec.name} is a pre-defined network and cannot be removed`);
      if (this.active.endpoints(rec.id).length > 0) {
        throw new ConflictError(`error while removing network: network ${rec.name} id ${rec.id} has active endpoints`);
      }
      const plan = this.plan(rec);
      if (this.servesDns(rec)) await this.o.dns.close(rec.id).catch((err) => this.o.log('warn', `closing DNS of ${rec.name}: ${messageOf(err)}`));
      if (isBridge(rec)) await this.o.firewall.removeNetwork(rec.id);
      await this.driver(rec).deleteNetwork(plan);
      await this.o.store.remove(rec.id);
      this.ipam.delete(rec.id);
    });
  }

  endpoints(networkId: string): ActiveEndpoint[] {
    return this.active.endpoints(networkId);
  }

  async connect(containerId: string, containerName: string, sandbox: NetworkSandbox, network: string, cfg: EndpointConfig): Promise<EndpointState> {
    const rec = this.o.store.get(network);
    if (sandbox.mode === 'host' || rec.driver === 'host') throw new InvalidArgumentError('container cannot be disconnected from host network or connected to host network');
    if (rec.driver === 'null' || sandbox.mode === 'none') throw new InvalidArgumentError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    const nsName = this.names.netns(containerId);
    if (!sandbox.netnsPath || basename(sandbox.netnsPath) !== nsName) {
      throw new InvalidArgumentError('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    const entry = this.active.entry(containerId, containerName);
    const known = new Set([...entry.endpoints.keys(), ...Object.values(sandbox.endpoints ?? {}).map((e) => e.networkId)]);
    if (known.has(rec.id)) throw new ForbiddenError(`endpoint with name ${containerName} already exists in network ${rec.name}`);
    const used = new Set([...entry.endpoints.values(), ...Object.values(sandbox.endpoints ?? {})].map((e) => e.ifname));
    let n = 0;
    while (used.has(`eth${n}`)) n++;
    const undo = new CleanupStack();
    try {
      const ep = await this.join(entry, rec, cfg, `eth${n}`, nsName, false, undo);
      undo.release();
      this.updateNameservers(sandbox, entry);
      return ep;
    } catch (err) {
      for (const e of await undo.unwind()) this.o.log('warn', `undoing connect of ${shortId(containerId)} to ${rec.name}: ${messageOf(e)}`);
      throw err;
    }
  }

  async disconnect(containerId: string, sandbox: NetworkSandbox, network: string): Promise<void> {
    const rec = this.o.store.get(network);
    const entry = this.active.get(containerId);
    const ep = entry?.endpoints.get(rec.id) ?? Object.values(sandbox.endpoints ?? {}).find((e) => e.networkId === rec.id);
    if (!ep) throw new NotFoundError(`container ${containerId} is not connected to network ${rec.name}`);
    if (entry?.portsNetworkId === rec.id) {
      await this.o.firewall.removePorts(containerId);
      this.o.ports.release(containerId);
      entry.ports = [];
      entry.portsNetworkId = undefined;
    }
    await this.driver(rec).detach(this.plan(rec), ep, this.names.netns(containerId));
    if (entry?.endpoints.has(rec.id)) {
      this.releaseAddresses(ep);
      entry.endpoints.delete(rec.id);
    }
    if (entry) this.updateNameservers(sandbox, entry);
  }

  /* ---------------------------------------------------------------- DnsLookup */

  lookup(networkId: string, name: string, family: 4 | 6): string[] | undefined {
    return this.active.lookup(networkId, name, family);
  }

  reverse(networkId: string, address: string): string | undefined {
    return this.active.reverse(networkId, address);
  }

  /** Whether a DNS query from `address` comes from inside the network (the gateway is reachable from elsewhere too). */
  dnsClientAllowed(networkId: string, address: string): boolean {
    const ip = parseIp(address.replace(/^::ffff:(?=\d+\.)/i, ''));
    const rec = this.o.store.find(networkId);
    if (!ip || !rec) return false;
    return rec.ipam.config.some((c) => {
      const subnet = parseCidr(c.subnet);
      return !!subnet && containsIp(subnet, ip);
    });
  }

  /* ---------------------------------------------------------------- internals */

  /**
   * One endpoint: addresses, MAC, ids, names, then the interface in the namespace. Registered
   * as active before the kernel work so a concurrent network rm sees it; every step has its undo.
   */
  private async join(entry: ActiveSandbox, rec: NetworkRecord, cfg: EndpointConfig, ifname: string, nsName: string, defaultRoute: boolean, undo: CleanupStack): Promise<EndpointState> {
    if (!hasEndpoints(rec)) throw new InvalidArgumentError(`container cannot be connected to network ${rec.name} together with other networks`);
    const plan = this.plan(rec);
    if (this.unready.has(rec.id)) {
      await this.driver(rec).createNetwork(plan);
      if (isBridge(rec)) await this.o.firewall.setNetwork(firewallNetworkOf(plan));
      this.unready.delete(rec.id);
      await this.listenDns(rec);
    }
    const ep = newEndpoint({ rec, plan, ipam: this.ipamOf(rec), cfg, ifname, containerId: entry.containerId, containerName: entry.containerName, names: this.names, undo });
    entry.endpoints.set(rec.id, ep);
    undo.push(() => entry.endpoints.delete(rec.id));
    const driver = this.driver(rec);
    undo.push(() => driver.detach(plan, ep, nsName));
    await driver.attach(plan, ep, nsName, defaultRoute);
    return ep;
  }

  /**
   * Adoption after a berthd restart: the container kept running with its namespace, interfaces
   * and addresses, so nothing in the kernel is made again. The same addresses are taken back in
   * IPAM, the same ports in the allocator, the names return to DNS, and the port rules are added
   * again (init rendered the firewall table without any ports).
   */
  private async adopt(req: SandboxRequest, sb: NetworkSandbox): Promise<NetworkSandbox> {
    const entry = this.active.entry(req.id, req.name);
    for (const ep of Object.values(sb.endpoints ?? {})) {
      const rec = this.o.store.find(ep.networkId);
      if (!rec) {
        this.o.log('warn', `container ${shortId(req.id)}: network ${ep.networkName} is gone; its endpoint is not adopted`);
        continue;
      }
      const ipam = this.ipamOf(rec);
      for (const [family, a] of [[4, ep.ipv4], [6, ep.ipv6]] as const) {
        if (!a) continue;
        try {
          ipam.allocate(family, a);
        } catch (err) {
          this.o.log('warn', `container ${shortId(req.id)}: cannot take back ${a} on ${rec.name}: ${messageOf(err)}`);
        }
      }
      entry.endpoints.set(rec.id, ep);
    }
    if (sb.ports?.length) {
      this.o.ports.adopt(req.id, sb.ports);
      entry.ports = sb.ports;
      const through = [...entry.endpoints.values()].find((e) => isBridge(this.o.store.get(e.networkId)));
      if (through) {
        entry.portsNetworkId = through.networkId;
        await this.o.firewall.setPorts(this.firewallPorts(req.id, through, this.o.store.get(through.networkId), sb.ports));
      }
    }
    return sb;
  }

  /** The networks to join, the NetworkMode's first (it gets eth0). */
  private orderedEndpoints(req: SandboxRequest): { rec: NetworkRecord; cfg: EndpointConfig }[] {
    const mode = req.networkMode === 'default' ? 'bridge' : req.networkMode;
    const entries = Object.entries(req.endpoints);
    if (entries.length === 0) entries.push([mode, {}]);
    const primary = this.o.store.get(mode);
    const out: { rec: NetworkRecord; cfg: EndpointConfig }[] = [];
    const seen = new Set<string>();
    const resolved = entries.map(([ref, cfg]) => ({ rec: this.o.store.get(ref), cfg }));
    resolved.sort((a, b) => (a.rec.id === primary.id ? -1 : b.rec.id === primary.id ? 1 : 0));
    for (const r of resolved) {
      if (seen.has(r.rec.id)) continue;
      seen.add(r.rec.id);
      if (!hasEndpoints(r.rec)) throw new InvalidArgumentError(`container cannot be connected to network ${r.rec.name} together with other networks`);
      out.push(r);
    }
    return out;
  }

  /** Which network carries the default route: the highest gw-priority among non-internal ones, the first on a tie. */
  private defaultRouteNetwork(nets: { rec: NetworkRecord; cfg: EndpointConfig }[]): string | undefined {
    let best: { id: string; prio: number } | undefined;
    for (const { rec, cfg } of nets) {
      if (rec.internal) continue;
      const prio = cfg.gwPriority ?? 0;
      if (!best || prio > best.prio) best = { id: rec.id, prio };
    }
    return best?.id;
  }

  private linkHosts(req: SandboxRequest): { address: string; names: string[] }[] {
    const bridge = this.o.store.findByName('bridge');
    const out: { address: string; names: string[] }[] = [];
    for (const l of req.links ?? []) {
      const ep = bridge ? this.active.get(l.containerId)?.endpoints.get(bridge.id) : undefined;
      if (ep?.ipv4) out.push({ address: ep.ipv4, names: l.names });
    }
    return out;
  }

  private addressesOf(endpoints: Record<string, EndpointState>): string[] {
    return Object.values(endpoints).flatMap((e) => [e.ipv4, e.ipv6]).filter((a) => a);
  }

  private firewallPorts(containerId: string, ep: EndpointState, rec: NetworkRecord, mappings: FirewallPorts['mappings']): FirewallPorts {
    return {
      containerId,
      containerIp4: ep.ipv4 || undefined,
      containerIp6: ep.ipv6 || undefined,
      bridgeName: this.plan(rec).bridgeName,
      mappings,
    };
  }

  private releaseAddresses(ep: EndpointState): void {
    const ipam = this.ipam.get(ep.networkId);
    if (!ipam) return;
    if (ep.ipv4) ipam.release(ep.ipv4);
    if (ep.ipv6) ipam.release(ep.ipv6);
  }

  /** The embedded DNS of the first network (in join order) that has one; undefined: the host's resolvers. */
  private nameserversFor(recs: NetworkRecord[]): string[] | undefined {
    for (const rec of recs) {
      const gw = this.servesDns(rec) ? this.plan(rec).v4?.gateway : undefined;
      if (gw) return [gw];
    }
    return undefined;
  }

  /**
   * After a live connect or disconnect the sandbox's name server follows its networks, as in
   * Docker, where a default-bridge container that joins a user network starts resolving names.
   * The caller rewrites /etc/resolv.conf from `sandbox.nameservers`.
   */
  private updateNameservers(sandbox: NetworkSandbox, entry: ActiveSandbox): void {
    const recs = [...entry.endpoints.values()].sort((a, b) => a.ifname.localeCompare(b.ifname, 'en', { numeric: true }))
      .map((e) => this.o.store.find(e.networkId)).filter((r): r is NetworkRecord => !!r);
    const ns = this.nameserversFor(recs);
    if (ns) sandbox.nameservers = ns;
    else delete sandbox.nameservers;
  }

  /** User-defined bridge networks answer names on their gateway; the default bridge does not, as in Docker. */
  private servesDns(rec: NetworkRecord): boolean {
    return isBridge(rec) && !rec.predefined;
  }

  private async listenDns(rec: NetworkRecord): Promise<void> {
    const gw = this.servesDns(rec) ? this.plan(rec).v4?.gateway : undefined;
    if (!gw) return;
    try {
      await this.o.dns.listen(rec.id, gw);
    } catch (err) {
      this.o.log('warn', `network ${rec.name}: embedded DNS cannot listen on ${gw}: ${messageOf(err)}`);
    }
  }

  private plan(rec: NetworkRecord): NetworkPlan {
    return planOf(rec, this.names, this.mtu);
  }

  private driver(rec: NetworkRecord): NetworkDriver {
    const d = this.o.drivers[rec.driver];
    if (!d) throw new NotFoundError(`could not find plugin ${rec.driver} in v1 plugin registry: plugin not found`);
    return d;
  }

  private ipamOf(rec: NetworkRecord): NetworkIpam {
    let ipam = this.ipam.get(rec.id);
    if (!ipam) {
      ipam = new NetworkIpam({ name: rec.name, id: rec.id }, this.usablePools(rec));
      this.ipam.set(rec.id, ipam);
    }
    return ipam;
  }

  /** The pools addresses are given from: IPv6 ones only when the network has IPv6 on. */
  private usablePools(rec: NetworkRecord): IpamPoolConfig[] {
    return rec.ipam.config.filter((c) => {
      const cidr = parseCidr(c.subnet);
      return !!cidr && (cidr.family === 4 ? rec.enableIPv4 !== false : rec.enableIPv6);
    });
  }

  private ownDevices(): Set<string> {
    return new Set(this.o.store.list().filter(isBridge).map((r) => this.plan(r).bridgeName));
  }

  private async hostRoutes(): Promise<HostRoute[]> {
    try {
      return await this.o.routes();
    } catch (err) {
      this.o.log('warn', `cannot read the host's routes: ${messageOf(err)}`);
      return [];
    }
  }

  private async defaultBridgeIpam(): Promise<IpamPoolConfig[]> {
    return defaultBridgeIpam({
      ...this.o.defaultBridge,
      device: this.names.defaultBridge(),
      stored: this.o.store.findByName('bridge'),
      others: this.o.store.list().filter((r) => !(r.predefined && r.name === 'bridge')),
      routes: await this.hostRoutes(),
      warn: (m) => this.o.log('warn', m),
    });
  }

  private ulaPool(): AddressPoolSpec {
    return ulaPool(this.o.store.findByName('bridge')?.id ?? this.o.netTag);
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }
}
