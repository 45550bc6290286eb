import { ConflictError, ForbiddenError, NotFoundError, messageOf } from '../../lib/errors/index.js';
import { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import { newId, shortId } from '../../lib/ids/index.js';
import { containsIp, parseCidr, parseIp } from '../ipam/cidr.js';
import { ulaPool, type AddressPoolSpec, type HostRoute } from '../ipam/default-pools.js';
import { NetworkIpam } from '../ipam/pool.js';
import type { NetworkStore } from '../store.js';
import type { DnsService, EndpointState, Firewall, IpamPoolConfig, NetworkCreateRequest, NetworkDriver, NetworkPlan, NetworkRecord } from '../types.js';
import type { ActiveSandboxes } from './active.js';
import { recordForCreate } from './create-record.js';
import { defaultBridgeIpam } from './default-bridge.js';
import { firewallNetworkOf, hasEndpoints, isBridge, planOf, type KernelNames } from './plan.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface NetworksOptions {
  store: NetworkStore;
  drivers: Record<string, NetworkDriver>;
  firewall: Firewall;
  dns: DnsService;
  names: KernelNames;
  /** Who has endpoints where (network rm refuses a network in use). */
  active: ActiveSandboxes;
  /** --bip ("10.63.0.1/16"), --fixed-cidr, --mtu. */
  defaultBridge: { bip?: string; fixedCidr?: string; mtu?: number };
  /** --default-address-pool, in order. */
  pools: AddressPoolSpec[];
  /** The host's routes (`ip -j route`, both families), to keep new subnets clear of them. */
  routes: () => Promise<HostRoute[]>;
  log: (level: Level, msg: string) => void;
}

const DEFAULT_MTU = 1500;

/**
 * The networks: records, their IPAM state, their devices, firewall entries and DNS listeners,
 * from init through create and remove.
 */
export class Networks {
  private readonly names: KernelNames;
  private readonly active: ActiveSandboxes;
  private readonly ipam = new Map<string, NetworkIpam>();
  /** Networks whose devices init could not make: the next join tries again. */
  private readonly unready = new Set<string>();
  private readonly mtu: number;
  /** Network create and remove one at a time, so two creates never pick the same subnet or name. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: NetworksOptions) {
    this.names = o.names;
    this.active = o.active;
    this.mtu = o.defaultBridge.mtu ?? DEFAULT_MTU;
  }

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
      const eps = this.active.endpoints(rec.id);
      if (eps.length > 0) {
        // Docker 28's wording (libnetwork names each endpoint, Go's %q quoting); 409 as the issue asks.
        const list = eps.map((e) => `name:${JSON.stringify(e.containerName)} id:${JSON.stringify(shortId(e.state.endpointId))}`).join(', ');
        throw new ConflictError(`error while removing network: network ${rec.name} has active endpoints (${list})`);
      }
      const plan = this.plan(rec);
      if (this.servesDns(rec)) await this.o.dns.close(rec.id).catch((err) => this.o.log('warn', `closing DNS of ${rec.name}: ${messageOf(err)}`));
      if (isBridge(rec)) await this.o.firewall.removeNetwork(rec.id);
      await this.driver(rec).deleteNetwork(plan);
      await this.o.store.remove(rec.id);
      this.ipam.delete(rec.id);
    });
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

  releaseAddresses(ep: EndpointState): void {
    const ipam = this.ipam.get(ep.networkId);
    if (!ipam) return;
    if (ep.ipv4) ipam.release(ep.ipv4);
    if (ep.ipv6) ipam.release(ep.ipv6);
  }

  /** The embedded DNS of the first network (in join order) that has one; undefined: the host's resolvers. */
  nameserversFor(recs: NetworkRecord[]): string[] | undefined {
    for (const rec of recs) {
      const gw = this.servesDns(rec) ? this.plan(rec).v4?.gateway : undefined;
      if (gw) return [gw];
    }
    return undefined;
  }

  /** User-defined bridge networks answer names on their gateway; the default bridge does not, as in Docker. */
  servesDns(rec: NetworkRecord): boolean {
    return isBridge(rec) && !rec.predefined;
  }

  async listenDns(rec: NetworkRecord): Promise<void> {
    const gw = this.servesDns(rec) ? this.plan(rec).v4?.gateway : undefined;
    if (!gw) return;
    try {
      await this.o.dns.listen(rec.id, gw);
    } catch (err) {
      this.o.log('warn', `network ${rec.name}: embedded DNS cannot listen on ${gw}: ${messageOf(err)}`);
    }
  }

  plan(rec: NetworkRecord): NetworkPlan {
    return planOf(rec, this.names, this.mtu);
  }

  driver(rec: NetworkRecord): NetworkDriver {
    const d = this.o.drivers[rec.driver];
    if (!d) throw new NotFoundError(`could not find plugin ${rec.driver} in v1 plugin registry: plugin not found`);
    return d;
  }

  ipamOf(rec: NetworkRecord): NetworkIpam {
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

  ownDevices(): Set<string> {
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
    return ulaPool(this.o.store.findByName('bridge')?.id ?? this.names.tag);
  }

  serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  /** A network whose devices init could not make gets them (and its DNS) when a container joins it. */
  async ensureReady(rec: NetworkRecord, plan: NetworkPlan): Promise<void> {
    if (!this.unready.has(rec.id)) return;
    await this.driver(rec).createNetwork(plan);
    if (isBridge(rec)) await this.o.firewall.setNetwork(firewallNetworkOf(plan));
    this.unready.delete(rec.id);
    await this.listenDns(rec);
  }
}
