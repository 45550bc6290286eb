import { imageList } from '../../../client/image-list.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { IMAGE_HEADERS, IMAGES_DEFAULT_FORMAT, imageRows } from '../../format/image-row.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';

/** `berth images` / `image ls`: lists images. */
export const command: Command = {
  spec: {
    name: 'images',
    usage: '[OPTIONS] [REPOSITORY[:TAG]]',
    description: 'List images',
    aliases: ['image ls', 'image list', 'images'],
    args: { max: 1 },
    flags: [
      { name: 'all', short: 'a', kind: 'bool', description: 'Show all images (default hides intermediate images)' },
      { name: 'digests', kind: 'bool', description: 'Show digests' },
      { name: 'filter', short: 'f', kind: 'list', valueName: 'filter', description: 'Filter output based on conditions provided' },
      { name: 'format', kind: 'string', description: 'Format output using a custom template' },
      { name: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Only show image IDs' },
      { name: 'tree', kind: 'bool', hidden: true },
    ],
  },
  async run(ctx, flags, [reference]) {
    const filters = parseFilters(flags.list('filter'));
    if (reference) (filters['reference'] ??= []).push(reference);
    const images = await imageList(ctx.client(), { all: flags.bool('all'), digests: flags.bool('digests'), filters });
    const now = Date.now();
    const noTrunc = flags.bool('no-trunc');
    const rows = images.flatMap((img) => imageRows(img, { noTrunc, now }));
    if (flags.bool('quiet')) {
      // one line per row, so an image with several tags repeats its id, as docker prints it
      for (const r of rows) ctx.out(`${r.ID}\n`);
      return 0;
    }
    // config.json's imagesFormat stands in for a missing --format, as with docker
    const format = flags.string('format') ?? ctx.configFile().imagesFormat ?? '';
    if (!format || format === 'table') {
      const digests = flags.bool('digests');
      const header = digests ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'] : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
      writeFixedTable(ctx, header, rows.map((r) => (digests
        ? [r.Repository, r.Tag, r.Digest, r.ID, r.CreatedSince, r.Size]
        : [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size])));
      return 0;
    }
    await writeFormatted(ctx, format, { defaultFormat: IMAGES_DEFAULT_FORMAT, headers: IMAGE_HEADERS, rows });
    return 0;
  },
};
