import { ip, ipJson, type IpLink } from './ip.js';

/** Every route of the host in every table, both families (a VPN's policy routes count too). */
export async function hostRoutes(): Promise<{ dst: string; dev?: string }[]> {
  const out: { dst: string; dev?: string }[] = [];
  for (const family of ['-4', '-6']) {
    const routes = await ipJson<{ dst?: string; dev?: string; type?: string }[]>([family, 'route', 'show', 'table', 'all']);
    for (const r of routes) if (r.dst && (r.type === undefined || r.type === 'unicast')) out.push({ dst: r.dst, dev: r.dev });
  }
  return out;
}

/** The host's links as the network manager's clean-up reads and removes them. */
export const hostLinks = {
  bridgePorts: async (bridge: string): Promise<string[]> => (await ipJson<IpLink[]>(['link', 'show', 'master', bridge])).map((l) => l.ifname),
  bridges: async (): Promise<{ name: string; alias?: string }[]> =>
    (await ipJson<IpLink[]>(['link', 'show', 'type', 'bridge'])).map((l) => ({ name: l.ifname, alias: l.ifalias })),
  remove: (name: string): Promise<void> => ip(['link', 'del', name]),
};
