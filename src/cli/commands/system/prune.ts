import { containerPrune } from '../../../client/container-prune.js';
import { imagePrune } from '../../../client/image-prune.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { humanSize } from '../../format/units.js';
import { confirm } from '../../prompt.js';

/** `berth system prune`: removes stopped containers, then dangling (or all unused) images. */
export const command: Command = {
  spec: {
    name: 'system prune',
    usage: '[OPTIONS]',
    description: 'Remove unused data',
    args: { max: 0 },
    flags: [
      { name: 'all', short: 'a', kind: 'bool', description: 'Remove all unused images not just dangling ones' },
      { name: 'filter', kind: 'list', description: 'Provide filter values (e.g. "label=<key>=<value>")' },
      { name: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
      { name: 'volumes', kind: 'bool', description: 'Prune anonymous volumes', hidden: true },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'), '--filter');
    const all = flags.bool('all');
    const warning = `WARNING! This will remove:\n  - all stopped containers\n  - all ${all ? 'images without at least one container associated to them' : 'dangling images'}\n\nAre you sure you want to continue? [y/N] `;
    if (!flags.bool('force') && !await confirm(ctx, warning)) return 0;
    const client = ctx.client();
    const containers = await containerPrune(client, { filters });
    const images = await imagePrune(client, { filters: all ? { ...filters, dangling: ['false'] } : filters });
    const deletedContainers = containers.ContainersDeleted ?? [];
    if (deletedContainers.length) ctx.out(`Deleted Containers:\n${deletedContainers.map((id) => `${id}\n`).join('')}\n`);
    const deletedImages = images.ImagesDeleted ?? [];
    if (deletedImages.length) {
      ctx.out('Deleted Images:\n');
      for (const d of deletedImages) {
        if (d.Untagged) ctx.out(`untagged: ${d.Untagged}\n`);
        if (d.Deleted) ctx.out(`deleted: ${d.Deleted}\n`);
      }
      ctx.out('\n');
    }
    ctx.out(`Total reclaimed space: ${humanSize((containers.SpaceReclaimed ?? 0) + (images.SpaceReclaimed ?? 0))}\n`);
    return 0;
  },
};
