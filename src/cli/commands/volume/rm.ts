import { volumeDelete } from '../../../client/volume-delete.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';

/** `berth volume rm`: removes volumes one by one, echoing each removed name; failures are reported together at the end. */
export const command: Command = {
  spec: {
    name: 'volume rm',
    usage: '[OPTIONS] VOLUME [VOLUME...]',
    description: 'Remove one or more volumes',
    aliases: ['volume rm', 'volume remove'],
    args: { min: 1 },
    flags: [
      { name: 'force', short: 'f', kind: 'bool', description: 'Force the removal of one or more volumes' },
    ],
  },
  async run(ctx, flags, args) {
    const errors: string[] = [];
    for (const name of args) {
      try {
        await volumeDelete(ctx.client(), name, { force: flags.bool('force') });
      } catch (err) {
        errors.push(describeError(err));
        continue;
      }
      ctx.out(`${name}\n`);
    }
    if (errors.length) throw new Error(errors.join('\n'));
    return 0;
  },
};
