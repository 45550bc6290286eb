import { volumeCreate } from '../../../client/volume-create.js';
import type { Command } from '../../command.js';
import { UsageError } from '../../flags.js';
import { kvMap } from '../../kv-map.js';


/** `berth volume create`: creates a volume (or finds the one of that name) and prints its name. */
export const command: Command = {
  spec: {
    name: 'volume create',
    usage: '[OPTIONS] [VOLUME]',
    description: 'Create a volume',
    args: { max: 1 },
    flags: [
      { name: 'driver', short: 'd', kind: 'string', description: 'Specify volume driver name', default: 'local' },
      { name: 'label', kind: 'list', description: 'Set metadata for a volume' },
      { name: 'name', kind: 'string', description: 'Specify volume name', hidden: true },
      { name: 'opt', short: 'o', kind: 'list', valueName: 'map', description: 'Set driver specific options (default map[])' },
    ],
  },
  async run(ctx, flags, [arg]) {
    const flagName = flags.string('name');
    if (arg !== undefined && flagName && flagName !== arg) {
      throw new UsageError('conflicting options: either specify --name or provide positional arg, not both');
    }
    const vol = await volumeCreate(ctx.client(), {
      Name: arg ?? flagName ?? '',
      Driver: flags.string('driver') ?? 'local',
      DriverOpts: kvMap(flags.list('opt')),
      Labels: kvMap(flags.list('label')),
    });
    ctx.out(`${vol.Name}\n`);
    return 0;
  },
};
