import { containerWait } from '../../../client/container-wait.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth wait`: blocks until containers stop, printing each exit code. */
export const command: Command = {
  spec: {
    name: 'wait',
    usage: 'CONTAINER [CONTAINER...]',
    description: 'Block until one or more containers stop, then print their exit codes',
    aliases: ['container wait', 'wait'],
    args: { min: 1 },
    flags: [],
  },
  run(ctx, _flags, args) {
    return forEachContainer(ctx, args, async (name) => {
      const res = await containerWait(ctx.client(), name);
      ctx.out(`${res.StatusCode}\n`);
    }, false);
  },
};
