import { imageDelete } from '../../../client/image-delete.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';

/** `berth rmi` / `image rm`: removes images or references. */
export const command: Command = {
  spec: {
    name: 'rmi',
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Remove one or more images',
    aliases: ['image rm', 'image remove', 'rmi'],
    args: { min: 1 },
    flags: [
      { name: 'platform', kind: 'string', description: 'Select a platform-specific variant of a multi-platform image', hidden: true },
      { name: 'force', short: 'f', kind: 'bool', description: 'Force removal of the image' },
      { name: 'no-prune', kind: 'bool', description: 'Do not delete untagged parents' },
    ],
  },
  async run(ctx, flags, args) {
    let failed = false;
    for (const name of args) {
      try {
        const items = await imageDelete(ctx.client(), name, { force: flags.bool('force'), noprune: flags.bool('no-prune') });
        for (const item of items) {
          if (item.Untagged) ctx.out(`Untagged: ${item.Untagged}\n`);
          if (item.Deleted) ctx.out(`Deleted: ${item.Deleted}\n`);
        }
      } catch (err) {
        failed = true;
        ctx.err(`${describeError(err)}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
