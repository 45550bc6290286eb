import { imageCommit } from '../../../client/image-commit.js';
import type { Command } from '../../command.js';
import { targetReference } from '../../target-reference.js';

/** `berth commit`: makes an image from a container's changes and prints its id. */
export const command: Command = {
  spec: {
    name: 'commit',
    usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
    description: "Create a new image from a container's changes",
    aliases: ['container commit', 'commit'],
    args: { min: 1, max: 2 },
    flags: [
      { name: 'author', short: 'a', kind: 'string', description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
      { name: 'change', short: 'c', kind: 'list', description: 'Apply Dockerfile instruction to the created image' },
      { name: 'message', short: 'm', kind: 'string', description: 'Commit message' },
      { name: 'pause', short: 'p', kind: 'bool', default: true, description: 'Pause container during commit (default true)' },
      // The spelling later docker CLIs show instead of -p=false.
      { name: 'no-pause', kind: 'bool', hidden: true, description: 'Disable pausing container during commit' },
    ],
  },
  async run(ctx, flags, [container, reference]) {
    const { repo, tag } = targetReference(reference);
    const pause = flags.bool('pause') && !flags.bool('no-pause');
    const res = await imageCommit(ctx.client(), container!, {
      repo, tag, comment: flags.string('message'), author: flags.string('author'), changes: flags.list('change'), pause,
    });
    ctx.out(`${res.Id}\n`);
    return 0;
  },
};
