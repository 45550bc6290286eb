import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { SpecInput } from '../types.js';
import type { OciCpu, OciMemory, OciResources } from './types.js';

/** The CFS period Docker uses when it turns `--cpus` into a quota. */
export const NANO_CPUS_PERIOD = 100000;

/** Memory, CPU and pids limits in OCI terms, with Docker's defaults and checks. */
export function resourcesOf(input: SpecInput): Omit<OciResources, 'devices'> {
  const out: Omit<OciResources, 'devices'> = {};
  const memory: OciMemory = {};
  if (input.memory && input.memory > 0) {
    if (input.memory < 6 * 1024 * 1024) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
    memory.limit = input.memory;
    const swap = input.memorySwap ?? 0;
    // Docker: unset swap means "as much swap as memory" (total = 2x); -1 means unlimited.
    if (swap === 0) memory.swap = input.memory * 2;
    else if (swap < 0) memory.swap = -1;
    else if (swap < input.memory) throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
    else memory.swap = swap;
  } else if (input.memorySwap && input.memorySwap > 0) {
    throw new InvalidArgumentError('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (Object.keys(memory).length > 0) out.memory = memory;

  const cpu: OciCpu = {};
  if (input.nanoCpus && input.nanoCpus > 0) {
    if ((input.cpuQuota ?? 0) > 0 || (input.cpuPeriod ?? 0) > 0) {
      throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
    }
    cpu.period = NANO_CPUS_PERIOD;
    cpu.quota = Math.round((input.nanoCpus * NANO_CPUS_PERIOD) / 1e9);
  } else {
    if (input.cpuQuota && input.cpuQuota > 0) cpu.quota = input.cpuQuota;
    if (input.cpuPeriod && input.cpuPeriod > 0) cpu.period = input.cpuPeriod;
  }
  if (input.cpuShares && input.cpuShares > 0) cpu.shares = input.cpuShares;
  if (input.cpusetCpus) cpu.cpus = input.cpusetCpus;
  if (input.cpusetMems) cpu.mems = input.cpusetMems;
  if (input.cpuRealtimePeriod && input.cpuRealtimePeriod > 0) cpu.realtimePeriod = input.cpuRealtimePeriod;
  if (input.cpuRealtimeRuntime && input.cpuRealtimeRuntime > 0) cpu.realtimeRuntime = input.cpuRealtimeRuntime;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  if (input.pidsLimit !== undefined && input.pidsLimit > 0) out.pids = { limit: input.pidsLimit };
  return out;
}
