import { parseFlatKeyed, parseNumber, parsePerCpu, parseV1Blkio, parseV1Limit, parseV2IoStat, ticksToNs } from './parse.js';
import type { StatsSample } from './types.js';

/** Reads one file of a v1 controller's cgroup dir; undefined when it is not there. */
export type V1FileReader = (controller: string, file: string) => string | undefined;
/** Reads one file of the container's v2 cgroup dir; undefined when it is not there. */
export type V2FileReader = (file: string) => string | undefined;

/**
 * A reading from cgroup v1 files, or undefined when the memory cgroup is gone (the container
 * stopped between the caller's check and the read). Eleven small files, no process spawned.
 */
export function sampleV1(read: V1FileReader): StatsSample | undefined {
  const usage = parseNumber(read('memory', 'memory.usage_in_bytes'));
  if (usage === undefined) return undefined;
  const perCpu = parsePerCpu(read('cpuacct', 'cpuacct.usage_percpu') ?? '');
  const acct = parseFlatKeyed(read('cpuacct', 'cpuacct.stat') ?? '');
  const cpuStat = parseFlatKeyed(read('cpu', 'cpu.stat') ?? '');
  // cpuacct.usage is the sum of the per-CPU figures: one file fewer to read.
  const total = perCpu.length > 0 ? perCpu.reduce((a, b) => a + b, 0) : parseNumber(read('cpuacct', 'cpuacct.usage')) ?? 0;
  return {
    cgroupVersion: 1,
    cpu: {
      totalNs: total,
      perCpuNs: perCpu.length > 0 ? perCpu : undefined,
      userNs: ticksToNs(acct.user),
      kernelNs: ticksToNs(acct.system),
      periods: cpuStat.nr_periods ?? 0,
      throttledPeriods: cpuStat.nr_throttled ?? 0,
      throttledNs: cpuStat.throttled_time ?? 0,
    },
    memory: {
      usage,
      maxUsage: parseNumber(read('memory', 'memory.max_usage_in_bytes')),
      failcnt: parseNumber(read('memory', 'memory.failcnt')),
      limit: parseV1Limit(read('memory', 'memory.limit_in_bytes')),
      stats: parseFlatKeyed(read('memory', 'memory.stat') ?? ''),
    },
    pids: { current: parseNumber(read('pids', 'pids.current')), limit: parseNumber(read('pids', 'pids.max')) },
    blkio: {
      serviceBytes: parseV1Blkio(read('blkio', 'blkio.throttle.io_service_bytes_recursive') ?? ''),
      serviced: parseV1Blkio(read('blkio', 'blkio.throttle.io_serviced_recursive') ?? ''),
    },
  };
}

/** A reading from cgroup v2 files (seven of them), or undefined when the cgroup is gone. */
export function sampleV2(read: V2FileReader): StatsSample | undefined {
  const cpuText = read('cpu.stat');
  if (cpuText === undefined) return undefined;
  const cpu = parseFlatKeyed(cpuText);
  const us = (k: string): number => (cpu[k] ?? 0) * 1000;
  return {
    cgroupVersion: 2,
    cpu: {
      totalNs: us('usage_usec'),
      userNs: us('user_usec'),
      kernelNs: us('system_usec'),
      periods: cpu.nr_periods ?? 0,
      throttledPeriods: cpu.nr_throttled ?? 0,
      throttledNs: us('throttled_usec'),
    },
    memory: {
      usage: parseNumber(read('memory.current')),
      limit: parseNumber(read('memory.max')),
      stats: parseFlatKeyed(read('memory.stat') ?? ''),
    },
    pids: { current: parseNumber(read('pids.current')), limit: parseNumber(read('pids.max')) },
    blkio: parseV2IoStat(read('io.stat') ?? ''),
  };
}
