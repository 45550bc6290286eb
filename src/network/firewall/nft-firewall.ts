import { ConflictError } from '../../lib/errors/index.js';
import { nftApply, nftDeleteTable } from '../../sys/net/nft.js';
import type { Firewall, FirewallNetwork, FirewallPorts } from '../types.js';
import { checkTableName, renderPorts, renderReplaceScript } from './ruleset.js';

/**
 * berth's nftables table. The state lives in memory; every change renders the whole table and
 * replaces it in one `nft -f -` transaction, so the kernel never holds a half-made ruleset and
 * a failed change leaves the previous one in force (the in-memory state is rolled back too).
 * Changes are serialized: two concurrent starts must not apply their tables out of order.
 */
export class NftFirewall implements Firewall {
  readonly tableName: string;
  private networks = new Map<string, FirewallNetwork>();
  private ports = new Map<string, FirewallPorts>();
  private queue: Promise<unknown> = Promise.resolve();

  private readonly apply: (script: string) => Promise<void>;

  /** `apply` replaces `nft -f -` in unit tests (of this class and of its users). */
  constructor(opts: { tableName: string; apply?: (script: string) => Promise<void> }) {
    checkTableName(opts.tableName);
    this.tableName = opts.tableName;
    this.apply = opts.apply ?? nftApply;
  }

  sync(networks: FirewallNetwork[], ports: FirewallPorts[]): Promise<void> {
    return this.change(() => {
      this.networks = new Map(networks.map((n) => [n.id, n]));
      this.ports = new Map(ports.map((p) => [p.containerId, p]));
    });
  }

  setNetwork(net: FirewallNetwork): Promise<void> {
    return this.change(() => { this.networks.set(net.id, net); });
  }

  removeNetwork(id: string): Promise<void> {
    return this.change(() => { this.networks.delete(id); });
  }

  /** @throws ConflictError (Docker's "port is already allocated") when another container publishes the same host address, protocol and port. */
  setPorts(p: FirewallPorts): Promise<void> {
    return this.change(() => {
      this.checkFree(p);
      this.ports.set(p.containerId, p);
    });
  }

  removePorts(containerId: string): Promise<void> {
    return this.change(() => { this.ports.delete(containerId); });
  }

  /** Removes the whole table (uninstall, tests) and forgets the state. */
  deleteTable(): Promise<void> {
    return this.enqueue(async () => {
      if (this.apply === nftApply) await nftDeleteTable(this.tableName);
      this.networks.clear();
      this.ports.clear();
    });
  }

  /** The script the current state renders to (tests, debugging). */
  script(): string {
    return renderReplaceScript(this.tableName, [...this.networks.values()], [...this.ports.values()]);
  }

  private checkFree(p: FirewallPorts): void {
    const others = [...this.ports.values()].filter((o) => o.containerId !== p.containerId);
    const taken = renderPorts(others);
    const keys = (r: ReturnType<typeof renderPorts>): Set<string> =>
      new Set([...r.any4.map((e) => `4 ${e}`), ...r.any6.map((e) => `6 ${e}`), ...r.host4, ...r.host6].map((e) => e.split(' : ')[0]!));
    const used = keys(taken);
    for (const m of p.mappings) {
      const probe = renderPorts([{ ...p, mappings: [m] }]);
      for (const k of keys(probe)) {
        if (used.has(k)) {
          const hostIp = m.hostIp === '' ? '0.0.0.0' : m.hostIp;
          throw new ConflictError(`Bind for ${hostIp.includes(':') ? `[${hostIp}]` : hostIp}:${m.hostPort} failed: port is already allocated`);
        }
      }
    }
  }

  private change(mutate: () => void): Promise<void> {
    return this.enqueue(async () => {
      const before = { networks: new Map(this.networks), ports: new Map(this.ports) };
      try {
        mutate();
        await this.apply(this.script());
      } catch (e) {
        this.networks = before.networks;
        this.ports = before.ports;
        throw e;
      }
    });
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
