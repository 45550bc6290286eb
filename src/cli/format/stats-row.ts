import type { ContainerStatsResponse } from '../../api/stats.js';
import { bytesSize, humanSize } from './units.js';

/** One row of `stats`, with the fields a --format template may name (docker's names). */
export interface StatsRow {
  /** The container as the user named it (or its short id when listing all). */
  Container: string;
  Name: string;
  ID: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export const STATS_DEFAULT_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

export const STATS_HEADERS: Record<string, string> = {
  Container: 'CONTAINER', Name: 'NAME', ID: 'CONTAINER ID', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

/** docker's CPU %: the container's share of the host's CPU time since the previous frame, times the CPUs. */
export function cpuPercent(s: ContainerStatsResponse): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const online = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** Memory in use without the reclaimable page cache (inactive file pages), as docker shows it. */
export function memoryUsed(s: ContainerStatsResponse): number {
  const usage = s.memory_stats.usage ?? 0;
  const stats = s.memory_stats.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

/** Bytes read and written, summed over devices (ops named Read/read and Write/write). */
export function blockIO(s: ContainerStatsResponse): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    const c = e.op[0];
    if (c === 'r' || c === 'R') read += e.value;
    else if (c === 'w' || c === 'W') write += e.value;
  }
  return { read, write };
}

export function networkIO(s: ContainerStatsResponse): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  return { rx, tx };
}

const pct = (n: number): string => `${n.toFixed(2)}%`;

/** The row docker prints for a frame; `container` is the name the user gave. */
export function statsRow(container: string, s: ContainerStatsResponse, opts: { noTrunc: boolean }): StatsRow {
  const used = memoryUsed(s);
  const limit = s.memory_stats.limit ?? 0;
  const net = networkIO(s);
  const blk = blockIO(s);
  return {
    Container: container,
    Name: s.name.replace(/^\//, '') || '--',
    ID: opts.noTrunc ? s.id : s.id.slice(0, 12),
    CPUPerc: pct(cpuPercent(s)),
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: pct(limit > 0 ? (used / limit) * 100 : 0),
    NetIO: `${humanSize(net.rx)} / ${humanSize(net.tx)}`,
    BlockIO: `${humanSize(blk.read)} / ${humanSize(blk.write)}`,
    PIDs: String(s.pids_stats.current ?? 0),
  };
}

/** A row for a container with no frame yet (or whose stream failed): docker's "--" placeholders. */
export function placeholderRow(container: string, opts: { noTrunc: boolean; id?: string; name?: string }): StatsRow {
  const id = opts.id ?? container;
  return {
    Container: container, Name: opts.name ?? '--', ID: opts.noTrunc ? id : id.slice(0, 12),
    CPUPerc: '--', MemUsage: '-- / --', MemPerc: '--', NetIO: '--', BlockIO: '--', PIDs: '--',
  };
}
