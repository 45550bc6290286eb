import type { ImageSearchResponseItem } from '../../../api/image.js';
import { imageSearch } from '../../../client/image-search.js';
import type { Command } from '../../command.js';
import { parseFilters } from '../../filters.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';
import { ellipsis } from '../../format/text.js';
import { registryAuthHeader } from '../../registry-auth.js';

const HEADERS: Record<string, string> = {
  Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED',
};
const DEFAULT_FORMAT = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';

/** The registry a search term names, as the daemon splits it (for the credentials to send). */
function termRegistry(term: string): string {
  const slash = term.indexOf('/');
  const first = slash > 0 ? term.slice(0, slash) : '';
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** One result as docker's templates see it; keys sorted, as `{{json .}}` prints them. */
function row(r: ImageSearchResponseItem, trunc: boolean): Record<string, string> {
  const description = r.description.replace(/[\r\n]/g, ' ');
  return {
    Description: trunc ? ellipsis(description, 45) : description,
    IsAutomated: r.is_automated ? '[OK]' : '',
    IsOfficial: r.is_official ? '[OK]' : '',
    Name: r.name,
    StarCount: String(r.star_count),
  };
}

/** `berth search`: searches a registry (Docker Hub unless the term names one) through the daemon. */
export const command: Command = {
  spec: {
    name: 'search',
    usage: '[OPTIONS] TERM',
    description: 'Search Docker Hub for images',
    aliases: ['search'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'filter', short: 'f', kind: 'list', valueName: 'filter', description: 'Filter output based on conditions provided' },
      { name: 'format', kind: 'string', description: 'Pretty-print search using a Go template' },
      { name: 'limit', kind: 'int', description: 'Max number of search results' },
      { name: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    ],
  },
  async run(ctx, flags, [term]) {
    const results = await imageSearch(ctx.client(), term!, {
      limit: flags.int('limit'),
      filters: parseFilters(flags.list('filter')),
      registryAuth: await registryAuthHeader(ctx, termRegistry(term!)),
    });
    const rows = results.map((r) => row(r, !flags.bool('no-trunc')));
    const format = flags.string('format') ?? '';
    if (!format || format === 'table') {
      writeFixedTable(ctx, ['NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL'], rows.map((r) => [r.Name!, r.Description!, r.StarCount!, r.IsOfficial!]));
      return 0;
    }
    await writeFormatted(ctx, format, { defaultFormat: DEFAULT_FORMAT, headers: HEADERS, rows });
    return 0;
  },
};
