import { containerInspect } from '../../../client/container-inspect.js';
import type { Command } from '../../command.js';

/** Go's net.JoinHostPort: IPv6 hosts in brackets, an empty host left empty (":8080"). */
const joinHostPort = (host: string, port: string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Natural order as docker sorts the lines: digit runs compare as numbers ("9/tcp" before "10/tcp"). */
export function naturalLess(a: string, b: string): number {
  const chunks = (s: string): string[] => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p === q) continue;
    const bothDigits = /^\d/.test(p) && /^\d/.test(q);
    if (bothDigits && Number(p) !== Number(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** `berth port`: lists a container's published ports, or the host side of one, as docker prints them. */
export const command: Command = {
  spec: {
    name: 'port',
    usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
    description: 'List port mappings or a specific mapping for the container',
    aliases: ['container port', 'port'],
    args: { min: 1, max: 2 },
    flags: [],
  },
  async run(ctx, _flags, [name, wanted]) {
    const info = await containerInspect(ctx.client(), name!);
    const ports = info.NetworkSettings?.Ports ?? {};
    const out: string[] = [];
    if (wanted) {
      const slash = wanted.indexOf('/');
      const port = slash < 0 ? wanted : wanted.slice(0, slash);
      const proto = (slash < 0 ? '' : wanted.slice(slash + 1)) || 'tcp';
      if (!/^\d+$/.test(port) || Number(port) > 65535) throw new Error(`Error: invalid port (${port}): strconv.ParseUint: parsing "${port}": invalid syntax`);
      const bindings = ports[`${port}/${proto}`];
      if (!bindings?.length) throw new Error(`Error: No public port '${wanted}' published for ${name}`);
      for (const b of bindings) out.push(joinHostPort(b.HostIp, b.HostPort));
    } else {
      for (const [key, bindings] of Object.entries(ports)) for (const b of bindings ?? []) out.push(`${key} -> ${joinHostPort(b.HostIp, b.HostPort)}`);
    }
    if (out.length) ctx.out(`${out.sort(naturalLess).join('\n')}\n`);
    return 0;
  },
};
