import { containerPrune } from '../../../client/container-prune.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { humanSize } from '../../format/units.js';
import { confirm } from '../../prompt.js';

/** `berth container prune`: removes all stopped containers. */
export const command: Command = {
  spec: {
    name: 'container prune',
    usage: '[OPTIONS]',
    description: 'Remove all stopped containers',
    args: { max: 0 },
    flags: [
      { name: 'filter', kind: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' },
      { name: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'), '--filter');
    if (!flags.bool('force') && !await confirm(ctx, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ')) {
      return 0;
    }
    const res = await containerPrune(ctx.client(), { filters });
    const deleted = res.ContainersDeleted ?? [];
    if (deleted.length) ctx.out(`Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n`);
    ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
