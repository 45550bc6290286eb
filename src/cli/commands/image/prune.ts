import { imagePrune } from '../../../client/image-prune.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { humanSize } from '../../format/units.js';
import { confirm } from '../../prompt.js';

/** `berth image prune`: removes dangling (or with -a, all unused) images. */
export const command: Command = {
  spec: {
    name: 'image prune',
    usage: '[OPTIONS]',
    description: 'Remove unused images',
    args: { max: 0 },
    flags: [
      { name: 'all', short: 'a', kind: 'bool', description: 'Remove all unused images, not just dangling ones' },
      { name: 'filter', kind: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' },
      { name: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'), '--filter');
    const all = flags.bool('all');
    if (all) filters['dangling'] = ['false'];
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.';
    if (!flags.bool('force') && !await confirm(ctx, `${warning}\nAre you sure you want to continue? [y/N] `)) return 0;
    const res = await imagePrune(ctx.client(), { filters });
    const deleted = res.ImagesDeleted ?? [];
    if (deleted.length) {
      ctx.out('Deleted Images:\n');
      for (const d of deleted) {
        if (d.Untagged) ctx.out(`untagged: ${d.Untagged}\n`);
        if (d.Deleted) ctx.out(`deleted: ${d.Deleted}\n`);
      }
      ctx.out('\n');
    }
    ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
