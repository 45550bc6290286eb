import { imageHistory } from '../../../client/image-history.js';
import type { Command } from '../../command.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';
import { ellipsis, shortId } from '../../format/text.js';
import { humanSize, since } from '../../format/units.js';

const HEADERS: Record<string, string> = {
  ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT',
};

/** `berth history`: shows an image's layers. */
export const command: Command = {
  spec: {
    name: 'history',
    usage: '[OPTIONS] IMAGE',
    description: 'Show the history of an image',
    aliases: ['image history', 'history'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'platform', kind: 'string', description: 'Select a platform-specific variant of a multi-platform image', hidden: true },
      { name: 'format', kind: 'string', description: 'Format output using a custom template' },
      { name: 'human', short: 'H', kind: 'bool', default: true, description: 'Print sizes and dates in human readable format' },
      { name: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Only show image IDs' },
    ],
  },
  async run(ctx, flags, [name]) {
    const items = await imageHistory(ctx.client(), name!);
    const human = flags.bool('human');
    const noTrunc = flags.bool('no-trunc');
    const now = Date.now();
    const rows = items.map((h) => {
      const missing = !h.Id || h.Id === '<missing>';
      const createdBy = h.CreatedBy.replace(/\t/g, ' ');
      // keys in sorted order, as docker's `{{json .}}` prints them
      return {
        Comment: h.Comment,
        CreatedAt: new Date(h.Created * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        CreatedBy: noTrunc ? createdBy : ellipsis(createdBy, 45),
        CreatedSince: human ? since(h.Created, now) : new Date(h.Created * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ID: missing ? '<missing>' : noTrunc ? h.Id : shortId(h.Id),
        Size: human ? humanSize(h.Size) : String(h.Size),
      };
    });
    if (flags.bool('quiet')) {
      for (const r of rows) ctx.out(`${r.ID}\n`);
      return 0;
    }
    const format = flags.string('format') ?? '';
    if (!format || format === 'table') {
      // without -H docker's header names the absolute time it shows
      writeFixedTable(ctx, ['IMAGE', human ? 'CREATED' : 'CREATED AT', 'CREATED BY', 'SIZE', 'COMMENT'], rows.map((r) => [r.ID, r.CreatedSince, r.CreatedBy, r.Size, r.Comment]));
      return 0;
    }
    await writeFormatted(ctx, format, {
      defaultFormat: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
      headers: HEADERS,
      rows,
    });
    return 0;
  },
};
