import { containerRestart } from '../../../client/container-restart.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth restart`: restarts containers. */
export const command: Command = {
  spec: {
    name: 'restart',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Restart one or more containers',
    aliases: ['container restart', 'restart'],
    args: { min: 1 },
    flags: [
      { name: 'signal', short: 's', kind: 'string', description: 'Signal to send to the container' },
      { name: 'timeout', short: 't', kind: 'int', description: 'Seconds to wait before killing the container' },
      { name: 'time', kind: 'int', hidden: true },
    ],
  },
  run(ctx, flags, args) {
    const timeout = flags.int('timeout') ?? flags.int('time');
    return forEachContainer(ctx, args, (name) => containerRestart(ctx.client(), name, { timeout, signal: flags.string('signal') }));
  },
};
