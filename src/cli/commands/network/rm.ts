import { networkDelete } from '../../../client/network-delete.js';
import { isNotFound } from '../../../lib/errors/index.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';

/** `berth network rm`: removes networks one by one, echoing each removed name. */
export const command: Command = {
  spec: {
    name: 'network rm',
    usage: '[OPTIONS] NETWORK [NETWORK...]',
    description: 'Remove one or more networks',
    aliases: ['network rm', 'network remove'],
    args: { min: 1 },
    flags: [
      { name: 'force', short: 'f', kind: 'bool', description: 'Do not error if the network does not exist' },
    ],
  },
  async run(ctx, flags, args) {
    let failed = false;
    for (const name of args) {
      try {
        await networkDelete(ctx.client(), name);
      } catch (err) {
        // -f only silences a missing network; every other failure still counts
        if (flags.bool('force') && isNotFound(err)) continue;
        failed = true;
        ctx.err(`${describeError(err)}\n`);
        continue;
      }
      ctx.out(`${name}\n`);
    }
    // docker 28 ends a partly failed `network rm` with its generic status line
    if (failed) ctx.err('exit status 1\n');
    return failed ? 1 : 0;
  },
};
