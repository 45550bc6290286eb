import { containerRestart } from '../../../client/container-restart.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';
import { STOP_FLAGS, stopOptions } from './stop-flags.js';

/** `berth restart`: restarts containers. */
export const command: Command = {
  spec: {
    name: 'restart',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Restart one or more containers',
    aliases: ['container restart', 'restart'],
    args: { min: 1 },
    flags: STOP_FLAGS,
  },
  run(ctx, flags, args) {
    return forEachContainer(ctx, args, (name) => containerRestart(ctx.client(), name, stopOptions(flags)));
  },
};
