/** Wire types of `GET /containers/{id}/stats` and `POST /containers/{id}/update`, with Docker's field names. */

export interface ContainerCpuUsage {
  total_usage: number;
  /** cgroup v1 only. */
  percpu_usage?: number[];
  usage_in_kernelmode: number;
  usage_in_usermode: number;
}

export interface ContainerCpuStats {
  cpu_usage: ContainerCpuUsage;
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface ContainerMemoryStats {
  usage?: number;
  /** cgroup v1 only. */
  max_usage?: number;
  stats?: Record<string, number>;
  /** cgroup v1 only. */
  failcnt?: number;
  limit?: number;
}

export interface ContainerBlkioStatEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** Each list is null when there is nothing to report (Docker's nil slices), [] when the cgroup has no entry. */
export interface ContainerBlkioStats {
  io_service_bytes_recursive: ContainerBlkioStatEntry[] | null;
  io_serviced_recursive: ContainerBlkioStatEntry[] | null;
  io_queue_recursive: ContainerBlkioStatEntry[] | null;
  io_service_time_recursive: ContainerBlkioStatEntry[] | null;
  io_wait_time_recursive: ContainerBlkioStatEntry[] | null;
  io_merged_recursive: ContainerBlkioStatEntry[] | null;
  io_time_recursive: ContainerBlkioStatEntry[] | null;
  sectors_recursive: ContainerBlkioStatEntry[] | null;
}

export interface ContainerNetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** One frame of the stats stream (ContainerStatsResponse). */
export interface ContainerStatsResponse {
  /** RFC 3339; the zero time for a container that is not running. */
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: ContainerBlkioStats;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: ContainerCpuStats;
  precpu_stats: ContainerCpuStats;
  memory_stats: ContainerMemoryStats;
  name: string;
  id: string;
  networks?: Record<string, ContainerNetworkStats>;
}

/** The body of `POST /containers/{id}/update`: resources plus the restart policy. */
export interface ContainerUpdateRequest {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  [key: string]: unknown;
}

export interface ContainerUpdateResponse {
  Warnings: string[] | null;
}
