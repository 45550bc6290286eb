import type { ContainerSummary } from '../../api/container.js';
import type { SystemDataUsageResponse } from '../../api/system.js';
import { humanSize } from './units.js';

/** One line of `docker system df`, with docker's field names for --format. */
export interface DiskUsageRow {
  Type: string;
  TotalCount: string;
  Active: string;
  Size: string;
  Reclaimable: string;
}

export const DISK_USAGE_HEADERS: Record<string, string> = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };
export const DISK_USAGE_DEFAULT_FORMAT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';

/** go-units' HumanSize: four significant digits. */
const size4 = (n: number): string => humanSize(n, 4);

/** "447B (0%)": the percentage is of the total, truncated, and left out when the total is 0. */
function reclaimable(bytes: number, total: number): string {
  return total > 0 ? `${size4(bytes)} (${Math.trunc((bytes * 100) / total)}%)` : size4(bytes);
}

/** Running, paused and restarting containers are in use; the others' layers can be reclaimed. */
export function isActiveContainer(c: ContainerSummary): boolean {
  return /running|paused|restarting/.test(c.State ?? '');
}

interface VolumeLike { UsageData?: { Size?: number; RefCount?: number } | null }
interface CacheLike { Size?: number; InUse?: boolean; Shared?: boolean }

/** The four summary rows, computed as the docker CLI computes them from the same answer. */
export function diskUsageRows(df: SystemDataUsageResponse): DiskUsageRow[] {
  const images = df.Images ?? [];
  let used = 0;
  for (const i of images) if (i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1) used += i.Size - i.SharedSize;
  const containers = df.Containers ?? [];
  const rw = (c: ContainerSummary): number => c.SizeRw ?? 0;
  const ctrTotal = containers.reduce((n, c) => n + rw(c), 0);
  const volumes = (df.Volumes ?? []) as VolumeLike[];
  const volSize = (v: VolumeLike): number => (v.UsageData?.Size ?? -1) === -1 ? 0 : v.UsageData!.Size!;
  const volTotal = volumes.reduce((n, v) => n + volSize(v), 0);
  const cache = (df.BuildCache ?? []) as CacheLike[];
  const cacheTotal = cache.reduce((n, c) => n + (c.Shared ? 0 : c.Size ?? 0), 0);
  const cacheInUse = cache.reduce((n, c) => n + (c.InUse && !c.Shared ? c.Size ?? 0 : 0), 0);
  return [
    {
      Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length),
      Size: size4(df.LayersSize ?? 0), Reclaimable: reclaimable((df.LayersSize ?? 0) - used, df.LayersSize ?? 0),
    },
    {
      Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter(isActiveContainer).length),
      Size: size4(ctrTotal), Reclaimable: reclaimable(containers.filter((c) => !isActiveContainer(c)).reduce((n, c) => n + rw(c), 0), ctrTotal),
    },
    {
      Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length),
      Size: size4(volTotal), Reclaimable: reclaimable(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((n, v) => n + volSize(v), 0), volTotal),
    },
    {
      Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((c) => c.InUse).length),
      Size: size4(cacheTotal), Reclaimable: size4(cacheTotal - cacheInUse),
    },
  ];
}
