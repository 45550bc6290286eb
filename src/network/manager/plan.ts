import { createHash } from 'node:crypto';
import { parseCidr } from '../ipam/cidr.js';
import type { FirewallNetwork, NetworkPlan, NetworkRecord } from '../types.js';

export const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';
export const MTU_OPT = 'com.docker.network.driver.mtu';
export const ICC_OPT = 'com.docker.network.bridge.enable_icc';
export const MASQ_OPT = 'com.docker.network.bridge.enable_ip_masquerade';
export const DEFAULT_BRIDGE_OPT = 'com.docker.network.bridge.default_bridge';

/**
 * Kernel names carry the daemon's tag, so daemons with different tags never touch each other's
 * objects and a leftover can be told apart by its name alone:
 *   default bridge  <tag>0          user bridge   <tag>-<id prefix>
 *   host veth       <tag>v<hash>    namespace     <tag>-<container id12>
 */
export class KernelNames {
  constructor(readonly tag: string) {}

  defaultBridge(): string {
    return `${this.tag}0`;
  }

  /** A user bridge without the name option: as much of the network id as fits in 15 characters. */
  userBridge(networkId: string): string {
    return `${this.tag}-${networkId.slice(0, 14 - this.tag.length)}`;
  }

  /** The host end of a container's veth: stable for one container on one network, so a restarted daemon finds it. */
  hostVeth(containerId: string, networkId: string): string {
    const h = createHash('sha256').update(`${containerId}/${networkId}`).digest('hex');
    return `${this.tag}v${h.slice(0, 14 - this.tag.length)}`;
  }

  netns(containerId: string): string {
    return `${this.tag}-${containerId.slice(0, 12)}`;
  }

  /** The container id prefix of one of our namespace names; undefined for anything else. */
  netnsOwner(name: string): string | undefined {
    const m = /^(.+)-([0-9a-f]{12})$/.exec(name);
    return m && m[1] === this.tag ? m[2] : undefined;
  }
}

/** True for the drivers whose networks have a bridge device on the host. */
export const isBridge = (rec: NetworkRecord): boolean => rec.driver === 'bridge';

/** True for the networks whose endpoints get a namespace, an address and an interface. */
export const hasEndpoints = (rec: NetworkRecord): boolean => rec.driver !== 'host' && rec.driver !== 'null';

/** The address facts drivers and the firewall need, from a stored record. */
export function planOf(rec: NetworkRecord, names: KernelNames, defaultMtu: number): NetworkPlan {
  const mtuOpt = Number(rec.options[MTU_OPT]);
  const plan: NetworkPlan = {
    record: rec,
    bridgeName: isBridge(rec) ? rec.options[BRIDGE_NAME_OPT] || names.userBridge(rec.id) : '',
    mtu: Number.isInteger(mtuOpt) && mtuOpt > 0 ? mtuOpt : defaultMtu,
  };
  for (const pool of rec.ipam.config) {
    const c = parseCidr(pool.subnet);
    if (!c) continue;
    const facts = { subnet: pool.subnet, gateway: pool.gateway ?? '', prefixLen: c.prefixLen };
    if (c.family === 4 && !plan.v4 && rec.enableIPv4 !== false) plan.v4 = facts;
    if (c.family === 6 && !plan.v6 && rec.enableIPv6) plan.v6 = facts;
  }
  return plan;
}

/** The firewall's view of a bridge network. */
export function firewallNetworkOf(plan: NetworkPlan): FirewallNetwork {
  const o = plan.record.options;
  return {
    id: plan.record.id,
    bridgeName: plan.bridgeName,
    subnets: [plan.v4?.subnet, plan.v6?.subnet].filter((s): s is string => !!s),
    internal: plan.record.internal,
    icc: o[ICC_OPT] !== 'false',
    masquerade: o[MASQ_OPT] !== 'false',
  };
}
