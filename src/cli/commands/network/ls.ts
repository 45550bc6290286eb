import { networkList } from '../../../client/network-list.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { NETWORK_HEADERS, NETWORKS_DEFAULT_FORMAT, naturalLess, networkRow } from '../../format/network-row.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';

/** `berth network ls`: lists networks, sorted by name as docker does. */
export const command: Command = {
  spec: {
    name: 'network ls',
    usage: '[OPTIONS]',
    description: 'List networks',
    aliases: ['network ls', 'network list'],
    args: { max: 0 },
    flags: [
      { name: 'filter', short: 'f', kind: 'list', valueName: 'filter', description: "Provide filter values (e.g. 'driver=bridge')" },
      { name: 'format', kind: 'string', description: 'Format output using a custom template' },
      { name: 'no-trunc', kind: 'bool', description: 'Do not truncate the output' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Only display network IDs' },
    ],
  },
  async run(ctx, flags) {
    const filters = parseFilters(flags.list('filter'));
    const networks = await networkList(ctx.client(), { filters });
    networks.sort((a, b) => naturalLess(a.Name, b.Name));
    const rows = networks.map((n) => networkRow(n, flags.bool('no-trunc')));
    if (flags.bool('quiet')) {
      for (const r of rows) ctx.out(`${r.ID}\n`);
      return 0;
    }
    const format = flags.string('format') ?? '';
    if (!format || format === 'table') {
      writeFixedTable(ctx, ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], rows.map((r) => [r.ID, r.Name, r.Driver, r.Scope]));
      return 0;
    }
    await writeFormatted(ctx, format, { defaultFormat: NETWORKS_DEFAULT_FORMAT, headers: NETWORK_HEADERS, rows });
    return 0;
  },
};
