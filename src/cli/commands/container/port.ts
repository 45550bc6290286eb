import { containerInspect } from '../../../client/container-inspect.js';
import type { Command } from '../../command.js';

/** `berth port`: lists a container's published ports, or the host side of one. */
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
    const host = (b: { HostIp: string; HostPort: string }): string =>
      `${b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp || '0.0.0.0'}:${b.HostPort}`;
    if (wanted) {
      const key = wanted.includes('/') ? wanted : `${wanted}/tcp`;
      const bindings = ports[key];
      if (!bindings?.length) throw new Error(`Error: No public port '${wanted}' published for ${name}`);
      for (const b of bindings) ctx.out(`${host(b)}\n`);
      return 0;
    }
    const keys = Object.keys(ports).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const key of keys) for (const b of ports[key] ?? []) ctx.out(`${key} -> ${host(b)}\n`);
    return 0;
  },
};
