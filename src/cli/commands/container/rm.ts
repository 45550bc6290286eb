import { containerDelete } from '../../../client/container-delete.js';
import { isNotFound } from '../../../lib/errors/index.js';
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
    const force = flags.bool('force');
    // with --force a container that is already gone is printed but not a failure, as docker
    // does: cleanup steps under `set -e` rely on `rm -f` succeeding
    return forEachContainer(ctx, args, (name) => containerDelete(ctx.client(), name, {
      force, volumes: flags.bool('volumes'), link: flags.bool('link'),
    }), true, (err) => force && isNotFound(err));
  },
};
