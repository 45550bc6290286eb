import { containerRename } from '../../../client/container-rename.js';
import type { Command } from '../../command.js';
import { describeError, ExitError } from '../../errors.js';

/** `berth rename`: renames a container. */
export const command: Command = {
  spec: {
    name: 'rename',
    usage: 'CONTAINER NEW_NAME',
    description: 'Rename a container',
    aliases: ['container rename', 'rename'],
    args: { min: 2, max: 2 },
    flags: [],
  },
  async run(ctx, _flags, [oldName, newName]) {
    if (!newName?.trim()) throw new Error('Error: neither old nor new names may be empty');
    try {
      await containerRename(ctx.client(), oldName!, newName);
    } catch (err) {
      // docker follows the daemon's answer with its own summary line
      throw new ExitError(1, `${describeError(err)}\nError: failed to rename container named ${oldName}`);
    }
    return 0;
  },
};
