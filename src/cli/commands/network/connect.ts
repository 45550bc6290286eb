import { networkConnect } from '../../../client/network-connect.js';
import type { Command } from '../../command.js';
import { UsageError } from '../../flags.js';

/** pflag's stringSlice: every occurrence may hold several comma-separated values. */
function slice(values: string[]): string[] {
  return values.flatMap((v) => (v === '' ? [] : v.split(',')));
}

/** `--driver-opt k=v` pairs, as docker's convertDriverOpt reads them. */
function driverOpts(values: string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const opt of values) {
    const eq = opt.indexOf('=');
    const k = (eq < 0 ? opt : opt.slice(0, eq)).trim();
    if (eq < 0 || !k) throw new Error('invalid key value pair format in driver options');
    out[k] = opt.slice(eq + 1).trim();
  }
  return out;
}

/** docker's ValidateLink: "name" or "name:alias", each part non-empty. */
function checkLink(link: string): void {
  const parts = link.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`invalid argument "${link}" for "--link" flag: bad format for links: ${link}`);
}

/** `berth network connect`: joins a container (running or not) to a network. */
export const command: Command = {
  spec: {
    name: 'network connect',
    usage: '[OPTIONS] NETWORK CONTAINER',
    description: 'Connect a container to a network',
    args: { min: 2, max: 2 },
    flags: [
      { name: 'alias', kind: 'list', valueName: 'strings', description: 'Add network-scoped alias for the container' },
      { name: 'driver-opt', kind: 'list', valueName: 'strings', description: 'driver options for the network' },
      { name: 'gw-priority', kind: 'int', description: 'Highest gw-priority provides the default gateway. Accepts positive and negative values.' },
      { name: 'ip', kind: 'string', valueName: 'ip', description: 'IPv4 address (e.g., "172.30.100.104")' },
      { name: 'ip6', kind: 'string', valueName: 'ip', description: 'IPv6 address (e.g., "2001:db8::33")' },
      { name: 'link', kind: 'list', description: 'Add link to another container' },
      { name: 'link-local-ip', kind: 'list', valueName: 'ipSlice', description: 'Add a link-local address for the container' },
    ],
  },
  async run(ctx, flags, [network, container]) {
    const links = flags.list('link');
    links.forEach(checkLink);
    await networkConnect(ctx.client(), network!, {
      Container: container!,
      EndpointConfig: {
        // empty fields stay out, as Go's omitempty leaves them
        IPAMConfig: {
          ...(flags.string('ip') ? { IPv4Address: flags.string('ip') } : {}),
          ...(flags.string('ip6') ? { IPv6Address: flags.string('ip6') } : {}),
          ...(flags.list('link-local-ip').length ? { LinkLocalIPs: slice(flags.list('link-local-ip')) } : {}),
        },
        Links: links,
        Aliases: slice(flags.list('alias')),
        DriverOpts: driverOpts(slice(flags.list('driver-opt'))),
        GwPriority: flags.int('gw-priority') ?? 0,
      },
    });
    return 0;
  },
};
