import type {
  ContainerBlkioStatEntry, ContainerBlkioStats, ContainerCpuStats, ContainerMemoryStats, ContainerNetworkStats, ContainerStatsResponse,
} from '../../api/stats.js';
import type { BlkioEntry, HostCpuSample, StatsSample } from '../../runtime/types.js';
import { ZERO_TIME } from '../container/model.js';

/** Docker's cpu_stats of a container that is not running (and the precpu of a first frame). */
export function zeroCpuStats(): ContainerCpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/**
 * Docker's answer for a container that is not running: Go's zero value of its stats struct,
 * with only the name and id filled in (nil lists are null, empty structs are {}).
 */
export function zeroStats(name: string, id: string): ContainerStatsResponse {
  return {
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: blkio(null, null, null),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: zeroCpuStats(),
    precpu_stats: zeroCpuStats(),
    memory_stats: {},
    name: `/${name}`,
    id,
  };
}

function blkio(bytes: ContainerBlkioStatEntry[] | null, ios: ContainerBlkioStatEntry[] | null, rest: [] | null): ContainerBlkioStats {
  return {
    io_service_bytes_recursive: bytes,
    io_serviced_recursive: ios,
    io_queue_recursive: rest,
    io_service_time_recursive: rest,
    io_wait_time_recursive: rest,
    io_merged_recursive: rest,
    io_time_recursive: rest,
    sectors_recursive: rest,
  };
}

const entries = (list: BlkioEntry[]): ContainerBlkioStatEntry[] => list.map((e) => ({ major: e.major, minor: e.minor, op: e.op, value: e.value }));

export interface StatsFrameInput {
  name: string;
  id: string;
  sample: StatsSample;
  host: HostCpuSample;
  /** RFC 3339 time of this reading and of the previous one (zero time for a first frame). */
  read: string;
  preread: string;
  /** The previous frame's cpu_stats (zeroed for a first frame). */
  precpu: ContainerCpuStats;
  /** Bytes of RAM: the limit Docker reports for a container without one. */
  hostMemory: number;
}

/** One frame of the stats stream from a cgroup reading, shaped as Docker's for that cgroup version. */
export function toStatsFrame(f: StatsFrameInput): ContainerStatsResponse {
  const { sample: s } = f;
  const cpu_stats: ContainerCpuStats = {
    cpu_usage: {
      total_usage: s.cpu.totalNs,
      ...(s.cpu.perCpuNs ? { percpu_usage: s.cpu.perCpuNs } : {}),
      usage_in_kernelmode: s.cpu.kernelNs,
      usage_in_usermode: s.cpu.userNs,
    },
    system_cpu_usage: f.host.systemNs,
    online_cpus: f.host.onlineCpus,
    throttling_data: { periods: s.cpu.periods, throttled_periods: s.cpu.throttledPeriods, throttled_time: s.cpu.throttledNs },
  };
  const memory_stats: ContainerMemoryStats = {};
  const m = s.memory;
  if (m.usage) memory_stats.usage = m.usage;
  if (m.maxUsage) memory_stats.max_usage = m.maxUsage;
  memory_stats.stats = m.stats;
  if (m.failcnt) memory_stats.failcnt = m.failcnt;
  // Docker reports the host's memory for a container whose limit is unset or above it.
  memory_stats.limit = m.limit === undefined || (f.hostMemory > 0 && m.limit > f.hostMemory) ? f.hostMemory : m.limit;
  const pids_stats: ContainerStatsResponse['pids_stats'] = {};
  if (s.pids.current) pids_stats.current = s.pids.current;
  if (s.pids.limit) pids_stats.limit = s.pids.limit;
  const out: ContainerStatsResponse = {
    read: f.read,
    preread: f.preread,
    pids_stats,
    blkio_stats: s.cgroupVersion === 1
      ? blkio(entries(s.blkio.serviceBytes), entries(s.blkio.serviced), [])
      : blkio(entries(s.blkio.serviceBytes), entries(s.blkio.serviced), null),
    num_procs: 0,
    storage_stats: {},
    cpu_stats,
    precpu_stats: f.precpu,
    memory_stats,
    name: `/${f.name}`,
    id: f.id,
  };
  if (s.networks) {
    const networks: Record<string, ContainerNetworkStats> = {};
    for (const [ifname, n] of Object.entries(s.networks)) {
      networks[ifname] = {
        rx_bytes: n.rxBytes, rx_packets: n.rxPackets, rx_errors: n.rxErrors, rx_dropped: n.rxDropped,
        tx_bytes: n.txBytes, tx_packets: n.txPackets, tx_errors: n.txErrors, tx_dropped: n.txDropped,
      };
    }
    out.networks = networks;
  }
  return out;
}
