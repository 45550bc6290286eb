import { ConflictError } from '../../lib/errors/index.js';
import { addrShow, IpError, ipBatch, type IpAddrLink } from '../../sys/net/ip.js';
import { sysctls, writeSysctl } from '../../sys/net/sysctl.js';
import type { EndpointState, NetworkDriver, NetworkPlan } from '../types.js';
import { inNamespaceLines } from './endpoint-lines.js';
import { checkIfname, deleteLink } from './links.js';
import { isBerthMark, macFromId, ownerMark } from './marker.js';

const ICC_OPTION = 'com.docker.network.bridge.enable_icc';

/** The host-side batch of an attach: the veth made with its peer already inside the namespace. */
export function bridgeHostLines(plan: NetworkPlan, ep: EndpointState, netns: string): string[] {
  const mtu = plan.mtu > 0 ? ` mtu ${plan.mtu}` : '';
  const mac = ep.mac ? ` address ${ep.mac}` : '';
  return [
    // The peer is born in the container's namespace under its final name: no move, no rename,
    // and no clash with a host interface of the same name (eth0).
    `link add ${ep.hostIfname}${mtu} type veth peer name ${ep.ifname}${mac}${mtu} netns ${netns}`,
    `link set ${ep.hostIfname} master ${plan.bridgeName} up`,
    // With br_netfilter the DNAT of a container reaching its own published port through a host
    // address happens at the bridge, which must then send the frame back out of the port it
    // came in on. (The container's own flooded frames come back too; IPv6 DAD tells its own
    // probes apart by their nonce.)
    `link set ${ep.hostIfname} type bridge_slave hairpin on`,
  ];
}

/** The in-namespace batch of an attach. Internal networks get no default route (as Docker: no gateway). */
export function bridgeNsLines(plan: NetworkPlan, ep: EndpointState, defaultRoute: boolean): string[] {
  const route = defaultRoute && !plan.record.internal;
  return inNamespaceLines(ep, {
    v4: route && ep.ipv4 && ep.gateway ? { via: ep.gateway } : undefined,
    v6: route && ep.ipv6 && ep.gateway6 ? { via: ep.gateway6 } : undefined,
  });
}

/** The gateway addresses the bridge must carry, as "addr/prefix". */
function gatewayCidrs(plan: NetworkPlan): { v4?: string; v6?: string } {
  return {
    v4: plan.v4 ? `${plan.v4.gateway}/${plan.v4.prefixLen}` : undefined,
    v6: plan.v6 ? `${plan.v6.gateway}/${plan.v6.prefixLen}` : undefined,
  };
}

/** The batch that makes a new bridge with its gateway addresses, marked as berth's. */
export function bridgeCreateLines(plan: NetworkPlan): string[] {
  const b = plan.bridgeName;
  const mtu = plan.mtu > 0 ? ` mtu ${plan.mtu}` : '';
  const gw = gatewayCidrs(plan);
  // A fixed MAC: otherwise the bridge takes the lowest MAC of its ports and changes it as
  // containers come and go, which leaves stale gateway entries in the containers' ARP caches.
  const lines = [`link add ${b}${mtu} address ${macFromId(plan.record.id)} type bridge`, `link set dev ${b} alias ${ownerMark(plan.record.id)}`];
  if (gw.v4) lines.push(`addr add ${gw.v4} dev ${b}`);
  if (gw.v6) lines.push(`addr add ${gw.v6} dev ${b} nodad`);
  lines.push(`link set ${b} up`);
  return lines;
}

/**
 * What to add to a bridge that exists already: ours from an earlier run (reconcile), or a
 * bridge someone else made that the network joins (com.docker.network.bridge.name). A foreign
 * bridge is joined only when it carries no IPv4 address other than the network's gateway; it
 * stays unmarked, so deleteNetwork leaves it in place.
 */
export function bridgeReconcileLines(plan: NetworkPlan, link: IpAddrLink): string[] {
  const b = plan.bridgeName;
  if (link.linkinfo?.info_kind !== 'bridge') {
    throw new ConflictError(`cannot use ${b} as the bridge of network ${plan.record.name}: a device with that name exists and is not a bridge`);
  }
  const mark = ownerMark(plan.record.id);
  if (isBerthMark(link.ifalias) && link.ifalias !== mark) {
    throw new ConflictError(`bridge name ${b} is already in use by another berth network (${link.ifalias})`);
  }
  const gw = gatewayCidrs(plan);
  const have = new Set((link.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
  const otherV4 = (link.addr_info ?? []).filter((a) => a.family === 'inet' && `${a.local}/${a.prefixlen}` !== gw.v4);
  if (otherV4.length > 0) {
    const addrs = otherV4.map((a) => `${a.local}/${a.prefixlen}`).join(', ');
    throw new ConflictError(`bridge ${b} already has address ${addrs}, which is not the gateway ${gw.v4 ?? '(none)'} of network ${plan.record.name}`);
  }
  const lines: string[] = [];
  if (gw.v4 && !have.has(gw.v4)) lines.push(`addr add ${gw.v4} dev ${b}`);
  if (gw.v6 && !have.has(gw.v6)) lines.push(`addr add ${gw.v6} dev ${b} nodad`);
  if (!(link.flags ?? []).includes('UP')) lines.push(`link set ${b} up`);
  return lines;
}

/**
 * Bridge networks: a Linux bridge with the gateway addresses, and one veth pair per endpoint
 * whose container end is created directly inside the container's namespace. An attach costs two
 * `ip` spawns (one host-side batch, one in-namespace batch).
 */
export class BridgeDriver implements NetworkDriver {
  /** `ipForward: false` (berthd --ip-forward=false) leaves the host's forwarding switches as they are. */
  constructor(private readonly opts: { ipForward?: boolean } = {}) {}

  async createNetwork(plan: NetworkPlan): Promise<void> {
    checkIfname(plan.bridgeName, 'bridge name');
    const existing = await addrShow(plan.bridgeName);
    if (!existing) {
      try {
        await ipBatch(bridgeCreateLines(plan));
      } catch (e) {
        // It was absent a moment ago, so whatever exists now is this batch's half-made bridge
        // (perhaps still without its mark): remove it by name.
        if (!(e instanceof IpError && e.line === 1)) await deleteLink(plan.bridgeName).catch(() => {});
        throw e;
      }
    } else {
      await ipBatch(bridgeReconcileLines(plan, existing));
    }
    await this.hostSysctls(plan);
  }

  async deleteNetwork(plan: NetworkPlan): Promise<void> {
    await this.removeBridge(plan);
  }

  async attach(plan: NetworkPlan, ep: EndpointState, netns: string, defaultRoute: boolean): Promise<void> {
    checkIfname(ep.hostIfname, 'host interface name');
    checkIfname(ep.ifname, 'interface name');
    const host = bridgeHostLines(plan, ep, netns);
    try {
      await ipBatch(host);
    } catch (e) {
      // The veth was made but not enslaved (no such bridge …): take it away again.
      if (!(e instanceof IpError && e.line === 1)) {
        await deleteLink(ep.hostIfname).catch(() => {});
        throw e;
      }
      // A retried attach finds its own veth from the first try: remove it and make it again.
      if (!e.isExists) throw e;
      await deleteLink(ep.hostIfname);
      try {
        await ipBatch(host);
      } catch (e2) {
        await deleteLink(ep.hostIfname).catch(() => {});
        throw e2;
      }
    }
    try {
      await ipBatch(bridgeNsLines(plan, ep, defaultRoute), { netns });
    } catch (e) {
      await deleteLink(ep.hostIfname).catch(() => {});
      throw e;
    }
  }

  async detach(plan: NetworkPlan, ep: EndpointState, netns: string): Promise<void> {
    if (ep.hostIfname) {
      // Deleting either end of a veth deletes both. (Removing the namespace does too, and
      // faster: the kernel then destroys the pair in the background.)
      await deleteLink(ep.hostIfname);
      return;
    }
    await deleteLink(ep.ifname, { netns });
  }

  /** Deletes the bridge only when berth made it for this network. */
  private async removeBridge(plan: NetworkPlan): Promise<void> {
    const link = await addrShow(plan.bridgeName);
    if (!link || link.ifalias !== ownerMark(plan.record.id)) return;
    await deleteLink(plan.bridgeName);
  }

  private async hostSysctls(plan: NetworkPlan): Promise<void> {
    if (plan.v4) {
      if (this.opts.ipForward !== false) await writeSysctl(sysctls.ipv4Forward, '1');
      // DNAT of 127.0.0.1:<port> to a container routes a loopback source out of this bridge;
      // the kernel drops such packets as martians unless the bridge allows it.
      await writeSysctl(sysctls.routeLocalnet(plan.bridgeName), '1');
    }
    if (plan.v6 && this.opts.ipForward !== false) await writeSysctl(sysctls.ipv6Forward, '1');
    // icc=false is enforced in the forward hook, which bridged (same-bridge) traffic reaches
    // only through br_netfilter. Docker sets the same keys; they are absent without the module.
    if (plan.record.options[ICC_OPTION] === 'false') {
      await writeSysctl(sysctls.bridgeNfCallIptables, '1', { optional: true });
      if (plan.v6) await writeSysctl(sysctls.bridgeNfCallIp6tables, '1', { optional: true });
    }
  }
}
