import { buildPrune } from '../../../client/build-prune.js';
import { containerPrune } from '../../../client/container-prune.js';
import { imagePrune } from '../../../client/image-prune.js';
import { networkPrune } from '../../../client/network-prune.js';
import { volumePrune } from '../../../client/volume-prune.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { humanSize } from '../../format/units.js';
import { confirm } from '../../prompt.js';

/** docker's confirmation: what goes, then the filters it names (label, label!, until only). */
function warning(filters: Record<string, string[]>, opts: { all: boolean; volumes: boolean }): string {
  const items = [
    'all stopped containers',
    'all networks not used by at least one container',
    ...(opts.volumes ? ['all anonymous volumes not used by at least one container'] : []),
    opts.all ? 'all images without at least one container associated to them' : 'all dangling images',
    opts.all ? 'all build cache' : 'unused build cache',
  ];
  const named = ['label', 'label!', 'until'].flatMap((k) => (filters[k] ?? []).map((v) => `${k}=${v}`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const filterText = named.length ? `\n  Items to be pruned will be filtered with:\n${named.map((f) => `  - ${f}\n`).join('')}` : '';
  return `WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}${filterText}\nAre you sure you want to continue? [y/N] `;
}

function section(title: string, lines: string[]): string {
  return lines.length ? `${title}:\n${lines.map((l) => `${l}\n`).join('')}\n` : '';
}

/** `berth system prune`: stopped containers, unused networks, (volumes), dangling or unused images, build cache. */
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
      { name: 'volumes', kind: 'bool', description: 'Prune anonymous volumes' },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'), '--filter');
    const all = flags.bool('all');
    const volumes = flags.bool('volumes');
    if (!flags.bool('force') && !await confirm(ctx, warning(filters, { all, volumes }))) return 0;
    const client = ctx.client();
    // docker's order, each step's report printed as it completes; the first failure stops it.
    let space = 0;
    const containers = await containerPrune(client, { filters });
    space += containers.SpaceReclaimed ?? 0;
    ctx.out(section('Deleted Containers', containers.ContainersDeleted ?? []));
    const networks = await networkPrune(client, { filters });
    ctx.out(section('Deleted Networks', networks.NetworksDeleted ?? []));
    if (volumes) {
      const vols = await volumePrune(client, { filters });
      space += vols.SpaceReclaimed ?? 0;
      ctx.out(section('Deleted Volumes', vols.VolumesDeleted ?? []));
    }
    const images = await imagePrune(client, { filters: all ? { ...filters, dangling: ['false'] } : filters });
    space += images.SpaceReclaimed ?? 0;
    ctx.out(section('Deleted Images', (images.ImagesDeleted ?? []).flatMap((d) => [
      ...(d.Untagged ? [`untagged: ${d.Untagged}`] : []), ...(d.Deleted ? [`deleted: ${d.Deleted}`] : []),
    ])));
    const cache = await buildPrune(client, { all, filters });
    space += cache.SpaceReclaimed ?? 0;
    ctx.out(section('Deleted build cache objects', cache.CachesDeleted ?? []));
    ctx.out(`Total reclaimed space: ${humanSize(space)}\n`);
    return 0;
  },
};
