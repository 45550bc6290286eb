import type { SystemDataUsageResponse } from '../../../api/system.js';
import { systemDataUsage } from '../../../client/system-df.js';
import type { Command } from '../../command.js';
import type { CliContext } from '../../context.js';
import { containerRow, containerRowJSON } from '../../format/container-row.js';
import { imageRows } from '../../format/image-row.js';
import { DISK_USAGE_DEFAULT_FORMAT, DISK_USAGE_HEADERS, diskUsageRows } from '../../format/disk-usage.js';
import { writeFixedTable, writeFormatted } from '../../format/output.js';
import { shortId } from '../../format/text.js';
import { humanSize, since } from '../../format/units.js';

/** Repository and tag of an image's first tag, as `df -v` shows one line per image. */
function firstTag(tags: string[] | null | undefined): [string, string] {
  const t = (tags ?? []).find((x) => x !== '<none>:<none>');
  if (!t) return ['<none>', '<none>'];
  const colon = t.lastIndexOf(':');
  return colon > t.lastIndexOf('/') ? [t.slice(0, colon), t.slice(colon + 1)] : [t, 'latest'];
}

interface VolumeLike { Name?: string; UsageData?: { Size?: number; RefCount?: number } | null }
interface CacheLike { ID?: string; Type?: string; Size?: number; CreatedAt?: string; LastUsedAt?: string | null; UsageCount?: number; Shared?: boolean }

/** `docker system df -v`: a section per kind, each a table (headers even when empty). */
function writeVerbose(ctx: CliContext, df: SystemDataUsageResponse, now: number): void {
  ctx.out('Images space usage:\n\n');
  writeFixedTable(ctx, ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS'], (df.Images ?? []).map((i) => {
    const [repo, tag] = firstTag(i.RepoTags);
    const shared = i.SharedSize === -1 ? 'N/A' : humanSize(i.SharedSize, 4);
    const unique = i.SharedSize === -1 ? 'N/A' : humanSize(i.Size - i.SharedSize, 4);
    return [repo, tag, shortId(i.Id), since(i.Created, now), humanSize(i.Size), shared, unique, i.Containers === -1 ? 'N/A' : String(i.Containers)];
  }));
  ctx.out('\nContainers space usage:\n\n');
  writeFixedTable(ctx, ['CONTAINER ID', 'IMAGE', 'COMMAND', 'LOCAL VOLUMES', 'SIZE', 'CREATED', 'STATUS', 'NAMES'], (df.Containers ?? []).map((c) => {
    const r = containerRow(c, { noTrunc: false, now });
    return [r.ID, r.Image, r.Command, r.LocalVolumes, humanSize(c.SizeRw ?? 0), r.RunningFor, r.Status, r.Names];
  }));
  ctx.out('\nLocal Volumes space usage:\n\n');
  writeFixedTable(ctx, ['VOLUME NAME', 'LINKS', 'SIZE'], ((df.Volumes ?? []) as VolumeLike[]).map((v) => {
    const size = v.UsageData?.Size ?? -1;
    return [v.Name ?? '', String(v.UsageData?.RefCount ?? 0), size === -1 ? 'N/A' : humanSize(size, 4)];
  }));
  const cache = (df.BuildCache ?? []) as CacheLike[];
  ctx.out(`\nBuild cache usage: ${humanSize(cache.reduce((n, c) => n + (c.Shared ? 0 : c.Size ?? 0), 0), 4)}\n\n`);
  writeFixedTable(ctx, ['CACHE ID', 'CACHE TYPE', 'SIZE', 'CREATED', 'LAST USED', 'USAGE', 'SHARED'], cache.map((c) => [
    (c.ID ?? '').slice(0, 12), c.Type ?? '', humanSize(c.Size ?? 0, 4),
    c.CreatedAt ? since(Date.parse(c.CreatedAt) / 1000, now) : '', c.LastUsedAt ? since(Date.parse(c.LastUsedAt) / 1000, now) : '',
    String(c.UsageCount ?? 0), String(!!c.Shared),
  ]));
}

/** `docker system df -v --format json`: one object with every item untruncated, as docker's rows marshal. */
function verboseJson(df: SystemDataUsageResponse, now: number): string {
  const images = (df.Images ?? []).map((i) => {
    const [Repository, Tag] = firstTag(i.RepoTags);
    const r = imageRows(i, { noTrunc: true, now })[0]!;
    return { ...r, Digest: '', Repository, Size: humanSize(i.Size), Tag, UniqueSize: i.SharedSize === -1 ? 'N/A' : humanSize(i.Size - i.SharedSize, 4) };
  });
  const containers = (df.Containers ?? []).map((c) => ({ ...containerRowJSON(containerRow(c, { noTrunc: true, now })), Size: humanSize(c.SizeRw ?? 0) }));
  const volumes = ((df.Volumes ?? []) as VolumeLike[]).map((v) => ({
    Driver: 'local', Labels: '', Links: String(v.UsageData?.RefCount ?? 0), Mountpoint: '', Name: v.Name ?? '', Scope: 'local',
    Size: (v.UsageData?.Size ?? -1) === -1 ? 'N/A' : humanSize(v.UsageData!.Size!, 4),
  }));
  return `${JSON.stringify({ Images: images, Containers: containers, Volumes: volumes, BuildCache: df.BuildCache ?? [] })}\n`;
}

/** `berth system df`: what images, containers, volumes and the build cache take on disk. */
export const command: Command = {
  spec: {
    name: 'system df',
    usage: '[OPTIONS]',
    description: 'Show docker disk usage',
    args: { max: 0 },
    flags: [
      { name: 'format', kind: 'string', description: "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template." },
      { name: 'verbose', short: 'v', kind: 'bool', description: 'Show detailed information on space usage' },
    ],
  },
  async run(ctx, flags) {
    const df = await systemDataUsage(ctx.client());
    const format = flags.string('format') ?? '';
    const now = Date.now();
    if (flags.bool('verbose') && (!format || format === 'table')) {
      writeVerbose(ctx, df, now);
      return 0;
    }
    if (flags.bool('verbose') && format === 'json') {
      ctx.out(verboseJson(df, now));
      return 0;
    }
    const rows = diskUsageRows(df);
    if (!format || format === 'table') {
      writeFixedTable(ctx, ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], rows.map((r) => [r.Type, r.TotalCount, r.Active, r.Size, r.Reclaimable]));
      return 0;
    }
    // docker marshals each row with its keys sorted
    const sorted = rows.map((r) => ({ Active: r.Active, Reclaimable: r.Reclaimable, Size: r.Size, TotalCount: r.TotalCount, Type: r.Type }));
    await writeFormatted(ctx, format, { defaultFormat: DISK_USAGE_DEFAULT_FORMAT, headers: DISK_USAGE_HEADERS, rows: sorted });
    return 0;
  },
};
