import { volumePrune } from '../../../client/volume-prune.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { humanSize } from '../../format/units.js';
import { confirm } from '../../prompt.js';

/** `berth volume prune`: removes unused anonymous volumes, or with -a every unused local volume. */
export const command: Command = {
  spec: {
    name: 'volume prune',
    usage: '[OPTIONS]',
    description: 'Remove unused local volumes',
    args: { max: 0 },
    flags: [
      { name: 'all', short: 'a', kind: 'bool', description: 'Remove all unused volumes, not just anonymous ones' },
      { name: 'filter', kind: 'list', description: 'Provide filter values (e.g. "label=<label>")' },
      { name: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'), '--filter');
    const all = flags.bool('all');
    if (all) filters['all'] = ['true'];
    const warning = all
      ? 'WARNING! This will remove all local volumes not used by at least one container.'
      : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
    if (!flags.bool('force') && !await confirm(ctx, `${warning}\nAre you sure you want to continue? [y/N] `)) return 0;
    const res = await volumePrune(ctx.client(), { filters });
    const deleted = res.VolumesDeleted ?? [];
    if (deleted.length) ctx.out(`Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
    ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
