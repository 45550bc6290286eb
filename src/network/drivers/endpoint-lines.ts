import type { EndpointState } from '../types.js';

/**
 * The in-namespace half of every attach, shared by the drivers: one `ip -n <ns> -batch -` that
 * brings loopback up (namespaces are made with lo down), brings the interface up and gives it
 * its addresses and, when asked, the default routes.
 */
export interface InNsRoutes {
  /** The default route: via a gateway (bridge, macvlan, ipvlan l2), on the device (ipvlan l3), or none. */
  v4: { via: string } | 'device' | undefined;
  v6: { via: string } | 'device' | undefined;
}

export function inNamespaceLines(ep: EndpointState, routes: InNsRoutes): string[] {
  const dev = ep.ifname;
  const lines = ['link set lo up', `link set ${dev} up`];
  if (ep.ipv4) lines.push(`addr add ${ep.ipv4}/${ep.prefixLen} dev ${dev}`);
  // nodad: the address is usable at once; IPAM already made sure nobody else on the network has it.
  if (ep.ipv6) lines.push(`addr add ${ep.ipv6}/${ep.prefixLen6} dev ${dev} nodad`);
  // Explicit prefixes, not "default": a batch line cannot carry -6, and the prefix sets the family.
  if (routes.v4 === 'device') lines.push(`route add 0.0.0.0/0 dev ${dev}`);
  else if (routes.v4) lines.push(`route add 0.0.0.0/0 via ${routes.v4.via} dev ${dev}`);
  if (routes.v6 === 'device') lines.push(`route add ::/0 dev ${dev}`);
  else if (routes.v6) lines.push(`route add ::/0 via ${routes.v6.via} dev ${dev}`);
  return lines;
}
