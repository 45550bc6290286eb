import { containerList } from '../../../client/container-list.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { CONTAINER_HEADERS, containerRow, PS_DEFAULT_FORMAT } from '../../format/container-row.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';

/** `berth ps` / `container ls`: lists containers. */
export const command: Command = {
  spec: {
    name: 'ps',
    usage: '[OPTIONS]',
    description: 'List containers',
    aliases: ['container ls', 'container list', 'container ps', 'ps'],
    args: { max: 0 },
    flags: [
      { name: 'all', short: 'a', kind: 'bool', description: 'Show all containers (default shows just running)' },
      { name: 'filter', short: 'f', kind: 'list', valueName: 'filter', description: 'Filter output based on conditions provided' },
      { name: 'format', kind: 'string', description: 'Format output using a custom template' },
      { name: 'last', short: 'n', kind: 'int', default: -1, description: 'Show n last created containers (includes all states)' },
      { name: 'latest', short: 'l', kind: 'bool', description: 'Show the latest created container (includes all states)' },
      { name: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Only display container IDs' },
      { name: 'size', short: 's', kind: 'bool', description: 'Display total file sizes' },
    ],
  },
  async run(ctx, flags) {
    let last = flags.int('last') ?? -1;
    if (flags.bool('latest') && last === -1) last = 1;
    const quiet = flags.bool('quiet');
    // config.json's psFormat stands in for a missing --format, as with docker
    const format = flags.string('format') ?? (quiet ? undefined : ctx.configFile().psFormat) ?? '';
    // docker asks for sizes only when they are shown: -s, or a format naming .Size
    const size = flags.bool('size') || (!quiet && /\.Size\b/.test(format));
    const list = await containerList(ctx.client(), {
      all: flags.bool('all') || last > 0,
      limit: last > 0 ? last : undefined,
      size,
      filters: parseFilters(flags.list('filter')),
    });
    const now = Date.now();
    const rows = list.map((c) => containerRow(c, { noTrunc: flags.bool('no-trunc'), now }));
    if (quiet) {
      for (const r of rows) ctx.out(`${r.ID}\n`);
      return 0;
    }
    if (!format || format === 'table') {
      const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
      const cells = rows.map((r) => [r.ID, r.Image, r.Command, r.RunningFor, r.Status, r.Ports, r.Names]);
      if (flags.bool('size')) {
        header.push('SIZE');
        rows.forEach((r, k) => cells[k]!.push(r.Size));
      }
      writeFixedTable(ctx, header, cells);
      return 0;
    }
    await writeFormatted(ctx, format, {
      defaultFormat: PS_DEFAULT_FORMAT,
      headers: CONTAINER_HEADERS,
      rows,
      errorPrefixes: { parse: 'failed to parse template: ', execute: 'failed to execute template: ' },
    });
    return 0;
  },
};
