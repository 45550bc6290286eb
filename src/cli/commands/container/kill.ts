import { containerKill } from '../../../client/container-kill.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth kill`: signals running containers. */
export const command: Command = {
  spec: {
    name: 'kill',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Kill one or more running containers',
    aliases: ['container kill', 'kill'],
    args: { min: 1 },
    flags: [{ name: 'signal', short: 's', kind: 'string', description: 'Signal to send to the container' }],
  },
  run(ctx, flags, args) {
    return forEachContainer(ctx, args, (name) => containerKill(ctx.client(), name, { signal: flags.string('signal') }));
  },
};
