/**
 * One reading of a container's resource usage, in the kernel's own units turned into bytes and
 * nanoseconds. Domain shape: engine/convert turns it into Docker's stats JSON.
 */
export interface StatsSample {
  /** Which cgroup hierarchy it came from: the fields Docker reports differ between the two. */
  cgroupVersion: 1 | 2;
  cpu: CpuSample;
  memory: MemorySample;
  pids: { current?: number; limit?: number };
  blkio: { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] };
  /** Per-interface counters of the container's network namespace (loopback left out). */
  networks?: Record<string, NetDevCounters>;
}

export interface CpuSample {
  totalNs: number;
  /** v1 only (cpuacct.usage_percpu). */
  perCpuNs?: number[];
  userNs: number;
  kernelNs: number;
  periods: number;
  throttledPeriods: number;
  throttledNs: number;
}

export interface MemorySample {
  usage?: number;
  /** v1 only. */
  maxUsage?: number;
  /** v1 only. */
  failcnt?: number;
  /** Undefined when unlimited. */
  limit?: number;
  stats: Record<string, number>;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface NetDevCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/** The host's CPU clock, sampled next to a container's for Docker's CPU percentage. */
export interface HostCpuSample {
  /** Sum of every CPU's time (busy and idle), ns. */
  systemNs: number;
  onlineCpus: number;
}

/** What to read for one container. */
export interface StatsTarget {
  id: string;
  /** The container's init process: its /proc entry leads to its cgroup and network namespace. */
  pid: number;
  /** Read the interfaces of its network namespace (not for `--network host`, whose counters are the host's). */
  networks: boolean;
}
