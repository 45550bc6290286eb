import { networkDisconnect } from '../../../client/network-disconnect.js';
import type { Command } from '../../command.js';

/** `berth network disconnect`: takes a container off a network. */
export const command: Command = {
  spec: {
    name: 'network disconnect',
    usage: '[OPTIONS] NETWORK CONTAINER',
    description: 'Disconnect a container from a network',
    args: { min: 2, max: 2 },
    flags: [
      { name: 'force', short: 'f', kind: 'bool', description: 'Force the container to disconnect from a network' },
    ],
  },
  async run(ctx, flags, [network, container]) {
    await networkDisconnect(ctx.client(), network!, { Container: container!, Force: flags.bool('force') });
    return 0;
  },
};
