import { containerStop } from '../../../client/container-stop.js';
import { isNotModified } from '../../../lib/errors/index.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';
import { STOP_FLAGS, stopOptions } from './stop-flags.js';

/** `berth stop`: stops running containers. */
export const command: Command = {
  spec: {
    name: 'stop',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Stop one or more running containers',
    aliases: ['container stop', 'stop'],
    args: { min: 1 },
    flags: STOP_FLAGS,
  },
  run(ctx, flags, args) {
    return forEachContainer(ctx, args, async (name) => {
      // an already-stopped container (304) counts as stopped, as with docker
      await containerStop(ctx.client(), name, stopOptions(flags)).catch((err: unknown) => {
        if (!isNotModified(err)) throw err;
      });
    });
  },
};
