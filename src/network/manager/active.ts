import { parseIp } from '../ipam/cidr.js';
import type { ActiveEndpoint, DnsLookup, EndpointState, PortMapping } from '../types.js';

/** What berthd knows of one running container's network side while it runs. */
export interface ActiveSandbox {
  containerId: string;
  containerName: string;
  /** By network id. */
  endpoints: Map<string, EndpointState>;
  ports: PortMapping[];
  /** The network whose endpoint the published ports reach. */
  portsNetworkId?: string;
}

/**
 * The live endpoints, by container: network inspect's Containers, the DNS answers and the
 * checks of network rm all read from here. Lost on a berthd restart and rebuilt by adoption.
 */
export class ActiveSandboxes implements DnsLookup {
  private readonly byContainer = new Map<string, ActiveSandbox>();

  get(containerId: string): ActiveSandbox | undefined {
    return this.byContainer.get(containerId);
  }

  /** The container's entry, made when missing. */
  entry(containerId: string, containerName: string): ActiveSandbox {
    let s = this.byContainer.get(containerId);
    if (!s) {
      s = { containerId, containerName, endpoints: new Map(), ports: [] };
      this.byContainer.set(containerId, s);
    }
    return s;
  }

  delete(containerId: string): void {
    this.byContainer.delete(containerId);
  }

  endpoints(networkId: string): ActiveEndpoint[] {
    const out: ActiveEndpoint[] = [];
    for (const s of this.byContainer.values()) {
      const state = s.endpoints.get(networkId);
      if (state) out.push({ containerId: s.containerId, containerName: s.containerName, state });
    }
    return out;
  }

  /** Names match case-insensitively: the container name, its 12-character id and its aliases. */
  lookup(networkId: string, name: string, family: 4 | 6): string[] | undefined {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    let found = false;
    const out: string[] = [];
    for (const { state } of this.endpoints(networkId)) {
      if (!state.dnsNames.some((n) => n.toLowerCase() === wanted)) continue;
      found = true;
      const a = family === 4 ? state.ipv4 : state.ipv6;
      if (a) out.push(a);
    }
    // A known name without an address of the family answers "no such record", not the upstreams'.
    return found ? out : undefined;
  }

  /** "<container name>.<network name>", as Docker answers PTR queries. */
  reverse(networkId: string, address: string): string | undefined {
    // Compared as numbers: "fd00:0::2" and "fd00::2" are one address.
    const wanted = parseIp(address);
    if (!wanted) return undefined;
    const same = (a: string): boolean => {
      const ip = a ? parseIp(a) : undefined;
      return !!ip && ip.family === wanted.family && ip.value === wanted.value;
    };
    for (const ep of this.endpoints(networkId)) {
      if (same(ep.state.ipv4) || same(ep.state.ipv6)) return `${ep.containerName}.${ep.state.networkName}`;
    }
    return undefined;
  }
}
