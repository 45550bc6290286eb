import { containerUnpause } from '../../../client/container-unpause.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth unpause`: thaws paused containers. */
export const command: Command = {
  spec: {
    name: 'unpause',
    usage: 'CONTAINER [CONTAINER...]',
    description: 'Unpause all processes within one or more containers',
    aliases: ['container unpause', 'unpause'],
    args: { min: 1 },
    flags: [],
  },
  run(ctx, _flags, args) {
    return forEachContainer(ctx, args, (name) => containerUnpause(ctx.client(), name));
  },
};
