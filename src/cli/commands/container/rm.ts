import { containerDelete } from '../../../client/container-delete.js';
import type { Command } from '../../command.js';
import { forEachContainer } from './each-container.js';

/** `berth rm`: removes containers. */
export const command: Command = {
  spec: {
    name: 'rm',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Remove one or more containers',
    aliases: ['container rm', 'container remove', 'rm'],
    args: { min: 1 },
    flags: [
      { name: 'force', short: 'f', kind: 'bool', description: 'Force the removal of a running container (uses SIGKILL)' },
      { name: 'link', short: 'l', kind: 'bool', description: 'Remove the specified link' },
      { name: 'volumes', short: 'v', kind: 'bool', description: 'Remove anonymous volumes associated with the container' },
    ],
  },
  run(ctx, flags, args) {
    return forEachContainer(ctx, args, (name) => containerDelete(ctx.client(), name, {
      force: flags.bool('force'), volumes: flags.bool('volumes'), link: flags.bool('link'),
    }));
  },
};
