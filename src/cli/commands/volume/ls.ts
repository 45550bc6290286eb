import { volumeList } from '../../../client/volume-list.js';
import type { Volume } from '../../../api/volume.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { naturalLess } from '../../format/network-row.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';

/** The fields `volume ls --format` may name, with docker's column headers. */
const HEADERS: Record<string, string> = {
  Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE',
};

interface VolumeRow {
  Name: string;
  Driver: string;
  Scope: string;
  Mountpoint: string;
  Labels: string;
  Links: string;
  Size: string;
  Label(name: string): string;
}

/** The row docker's volume formatter makes; Links and Size come only with usage data, else "N/A". */
function volumeRow(v: Volume): VolumeRow {
  const labels = v.Labels ?? {};
  const row: VolumeRow = {
    Name: v.Name, Driver: v.Driver, Scope: v.Scope, Mountpoint: v.Mountpoint,
    Labels: Object.entries(labels).map(([k, x]) => `${k}=${x}`).join(','),
    Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
    Size: 'N/A',
    Label: (name: string) => labels[name] ?? '',
  };
  Object.defineProperty(row, 'Label', { enumerable: false });
  return row;
}

/** `berth volume ls`: lists volumes in docker's natural name order. */
export const command: Command = {
  spec: {
    name: 'volume ls',
    usage: '[OPTIONS]',
    description: 'List volumes',
    aliases: ['volume ls', 'volume list'],
    args: { max: 0 },
    flags: [
      { name: 'filter', short: 'f', kind: 'list', valueName: 'filter', description: "Provide filter values (e.g. 'dangling=true')" },
      { name: 'format', kind: 'string', description: 'Format output using a custom template' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Only display volume names' },
    ],
  },
  async run(ctx, flags) {
    const res = await volumeList(ctx.client(), { filters: parseFilters(flags.list('filter')) });
    const vols = [...res.Volumes].sort((a, b) => naturalLess(a.Name, b.Name));
    for (const w of res.Warnings ?? []) ctx.err(`${w}\n`);
    if (flags.bool('quiet')) {
      for (const v of vols) ctx.out(`${v.Name}\n`);
      return 0;
    }
    const format = flags.string('format') ?? '';
    if (!format || format === 'table') {
      writeFixedTable(ctx, ['DRIVER', 'VOLUME NAME'], vols.map((v) => [v.Driver, v.Name]));
      return 0;
    }
    await writeFormatted(ctx, format, { defaultFormat: 'table {{.Driver}}\t{{.Name}}', headers: HEADERS, rows: vols.map(volumeRow) });
    return 0;
  },
};
