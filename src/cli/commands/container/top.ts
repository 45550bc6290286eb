import { containerTop } from '../../../client/container-top.js';
import type { Command } from '../../command.js';
import { alignTable } from '../../format/table.js';

/** `berth top`: lists a container's processes. */
export const command: Command = {
  spec: {
    name: 'top',
    usage: 'CONTAINER [ps OPTIONS]',
    description: 'Display the running processes of a container',
    aliases: ['container top', 'top'],
    stopAtFirstPositional: true,
    args: { min: 1 },
    flags: [],
  },
  async run(ctx, _flags, [name, ...psArgs]) {
    const res = await containerTop(ctx.client(), name!, psArgs.length ? psArgs.join(' ') : undefined);
    // docker's top uses a tabwriter with minwidth 20, padding 3
    const text = [res.Titles, ...res.Processes].map((r) => r.join('\t')).join('\n');
    ctx.out(`${alignTable(text, 20, 3)}\n`);
    return 0;
  },
};
