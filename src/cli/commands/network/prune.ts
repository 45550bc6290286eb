import { networkPrune } from '../../../client/network-prune.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { confirm } from '../../prompt.js';

/** `berth network prune`: removes networks no container uses. */
export const command: Command = {
  spec: {
    name: 'network prune',
    usage: '[OPTIONS]',
    description: 'Remove all unused networks',
    args: { max: 0 },
    flags: [
      { name: 'filter', kind: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' },
      { name: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'), '--filter');
    const warning = 'WARNING! This will remove all custom networks not used by at least one container.';
    if (!flags.bool('force') && !await confirm(ctx, `${warning}\nAre you sure you want to continue? [y/N] `)) return 0;
    const res = await networkPrune(ctx.client(), { filters });
    const deleted = res.NetworksDeleted ?? [];
    // docker prints the list and a blank line, and nothing at all when none went
    if (deleted.length) ctx.out(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
    return 0;
  },
};
