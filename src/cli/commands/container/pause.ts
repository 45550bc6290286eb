import { containerPause } from '../../../client/container-pause.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth pause`: freezes containers. */
export const command: Command = {
  spec: {
    name: 'pause',
    usage: 'CONTAINER [CONTAINER...]',
    description: 'Pause all processes within one or more containers',
    aliases: ['container pause', 'pause'],
    args: { min: 1 },
    flags: [],
  },
  run(ctx, _flags, args) {
    return forEachContainer(ctx, args, (name) => containerPause(ctx.client(), name));
  },
};
