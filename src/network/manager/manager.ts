import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import { ForbiddenError, InvalidArgumentError, NotFoundError, messageOf } from '../../lib/errors/index.js';
import { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import { shortId } from '../../lib/ids/index.js';
import type {
  ActiveEndpoint, DnsLookup, EndpointConfig, EndpointState, FirewallPorts, NetnsControl, NetworkController, NetworkCreateRequest,
  NetworkRecord, NetworkSandbox, SandboxProvider, SandboxRequest,
} from '../types.js';
import type { PortAllocator } from '../ports/allocator.js';
import { ActiveSandboxes, type ActiveSandbox } from './active.js';
import { newEndpoint } from './endpoint.js';
import { Networks, type NetworksOptions } from './networks.js';
import { hasEndpoints, isBridge, KernelNames } from './plan.js';
import { reconcileHost, type HostLinks } from './reconcile.js';

export interface NetworkManagerOptions extends Omit<NetworksOptions, 'names' | 'active'> {
  netns: NetnsControl;
  ports: PortAllocator;
  /** Names berth's kernel objects: nft table <tag>, bridge <tag>0, namespaces <tag>-<id12>. */
  netTag: string;
  links?: HostLinks;
}

/**
 * The network subsystem's one entry point: container sandboxes (namespace, interfaces,
 * addresses, published ports, DNS names) here, network records and their devices in Networks,
 * the live endpoints (what DNS answers from) in ActiveSandboxes. Kernel work goes through the
 * drivers, the firewall and the netns control; everything here is bookkeeping and ordering,
 * with an undo for every step.
 */
export class NetworkManager implements SandboxProvider, NetworkController, DnsLookup {
  private readonly names: KernelNames;
  private readonly active = new ActiveSandboxes();
  private readonly nets: Networks;

  constructor(private readonly o: NetworkManagerOptions) {
    this.names = new KernelNames(o.netTag);
    this.nets = new Networks({ ...o, names: this.names, active: this.active });
  }

  /**
   * Loads the networks, makes the predefined ones, builds every bridge's device again (the
   * kernel may have lost them with a reboot), renders the whole firewall table from the records
   * and opens the DNS listeners. Containers that kept running come back through setUp with `adopt`.
   */
  init(): Promise<void> {
    return this.nets.init();
  }

  /** Closes the DNS listeners; devices, rules and sandboxes stay for the containers that keep running. */
  async close(): Promise<void> {
    await this.o.dns.closeAll();
  }

  /**
   * After restore: removes our namespaces (and veths on our bridges) that belong to no running
   * container, as a crash between setUp and tearDown may leave them.
   */
  /**
   * Removes namespaces and host veths a crash left behind. `knownContainerIds` are every
   * container berth still has, in any state: a stopped one's leftovers are its own tear-down's
   * business (restore runs it), and one that a restart policy is starting right now must not lose
   * the namespace or veth it is being given.
   */
  async reconcile(knownContainerIds: Set<string>): Promise<void> {
    const liveVeths = new Set<string>();
    for (const id of knownContainerIds) {
      for (const ep of this.active.get(id)?.endpoints.values() ?? []) if (ep.hostIfname) liveVeths.add(ep.hostIfname);
      for (const net of this.o.store.list()) liveVeths.add(this.names.hostVeth(id, net.id));
    }
    await reconcileHost({
      netns: this.o.netns, links: this.o.links, names: this.names, live: knownContainerIds, liveVeths,
      bridges: [...this.nets.ownDevices()], log: this.o.log,
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
      const ns = this.nets.nameserversFor(nets.map(({ rec }) => rec));
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
   * Takes a container's published ports away at once (rules and host ports), ahead of a
   * tear-down that may finish in the background: the ports are free for the next container the
   * moment its removal answers.
   */
  async unpublish(id: string): Promise<void> {
    const entry = this.active.get(id);
    if (entry?.ports.length) {
      await this.o.firewall.removePorts(id);
      entry.ports = [];
    }
    this.o.ports.release(id);
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
    if (entry?.ports.length || (!entry && sandbox?.ports?.length)) kernel.push(attempt('ports', () => this.o.firewall.removePorts(id)));
    this.o.ports.release(id);
    const eps = new Map<string, EndpointState>();
    for (const ep of Object.values(sandbox?.endpoints ?? {})) eps.set(ep.networkId, ep);
    for (const [nid, ep] of entry?.endpoints ?? []) eps.set(nid, ep);
    const nsName = this.names.netns(id);
    const ours = !sandbox?.netnsPath || basename(sandbox.netnsPath) === nsName;
    // The veths are deleted explicitly: the namespace's removal would take them too, but only
    // some time after it returned, and nothing may be left once the tear-down is done.
    for (const ep of eps.values()) {
      const rec = this.o.store.find(ep.networkId);
      if (rec && hasEndpoints(rec) && ours) kernel.push(attempt(`leaving ${ep.networkName}`, () => this.nets.driver(rec).detach(this.nets.plan(rec), ep, nsName)));
    }
    this.active.delete(id);
    if (ours) kernel.push(attempt('namespace', () => this.o.netns.remove(nsName)));
    await Promise.all(kernel);
    // Only now may the addresses go to another container: the old interfaces are gone.
    for (const ep of eps.values()) if (entry?.endpoints.has(ep.networkId)) this.nets.releaseAddresses(ep);
    if (errors.length) this.o.log('warn', `network tear-down of ${shortId(id)}: ${errors.join('; ')}`);
    this.o.log('debug', `network tear-down of ${shortId(id)} in ${(performance.now() - started).toFixed(1)} ms`);
  }

  /* ---------------------------------------------------------------- NetworkController */

  list(): NetworkRecord[] {
    return this.nets.list();
  }

  get(ref: string): NetworkRecord {
    return this.nets.get(ref);
  }

  create(req: NetworkCreateRequest): Promise<{ record: NetworkRecord; warning: string }> {
    return this.nets.create(req);
  }

  remove(ref: string): Promise<void> {
    return this.nets.remove(ref);
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
    await this.nets.driver(rec).detach(this.nets.plan(rec), ep, this.names.netns(containerId));
    if (entry?.endpoints.has(rec.id)) {
      this.nets.releaseAddresses(ep);
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
    return this.nets.dnsClientAllowed(networkId, address);
  }

  /* ---------------------------------------------------------------- internals */

  /**
   * One endpoint: addresses, MAC, ids, names, then the interface in the namespace. Registered
   * as active before the kernel work so a concurrent network rm sees it; every step has its undo.
   */
  private async join(entry: ActiveSandbox, rec: NetworkRecord, cfg: EndpointConfig, ifname: string, nsName: string, defaultRoute: boolean, undo: CleanupStack): Promise<EndpointState> {
    if (!hasEndpoints(rec)) throw new InvalidArgumentError(`container cannot be connected to network ${rec.name} together with other networks`);
    const plan = this.nets.plan(rec);
    await this.nets.ensureReady(rec, plan);
    const ep = newEndpoint({ rec, plan, ipam: this.nets.ipamOf(rec), cfg, ifname, containerId: entry.containerId, containerName: entry.containerName, names: this.names, undo });
    entry.endpoints.set(rec.id, ep);
    undo.push(() => entry.endpoints.delete(rec.id));
    const driver = this.nets.driver(rec);
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
      const ipam = this.nets.ipamOf(rec);
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
      await this.o.ports.adopt(req.id, sb.ports);
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
      bridgeName: this.nets.plan(rec).bridgeName,
      mappings,
    };
  }

  /**
   * After a live connect or disconnect the sandbox's name server follows its networks, as in
   * Docker, where a default-bridge container that joins a user network starts resolving names.
   * The caller rewrites /etc/resolv.conf from `sandbox.nameservers`.
   */
  private updateNameservers(sandbox: NetworkSandbox, entry: ActiveSandbox): void {
    const recs = [...entry.endpoints.values()].sort((a, b) => a.ifname.localeCompare(b.ifname, 'en', { numeric: true }))
      .map((e) => this.o.store.find(e.networkId)).filter((r): r is NetworkRecord => !!r);
    const ns = this.nets.nameserversFor(recs);
    if (ns) sandbox.nameservers = ns;
    else delete sandbox.nameservers;
  }

}
