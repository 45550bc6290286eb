import type { HostConfig } from '../../api/container.js';
import type { ContainerUpdateRequest } from '../../api/stats.js';
import { ConflictError, InvalidArgumentError } from '../../lib/errors/index.js';
import type { ResourceUpdate } from '../../runtime/types.js';

const MIN_MEMORY = 6 * 1024 * 1024;
/** The CFS period Docker turns `--cpus` into a quota with. */
const NANO_CPUS_PERIOD = 100000;
const RESTART_NAMES = new Set(['', 'no', 'always', 'on-failure', 'unless-stopped']);

const NUMBER_FIELDS = ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'BlkioWeight'] as const;
const STRING_FIELDS = ['CpusetCpus', 'CpusetMems'] as const;

export interface UpdateHost {
  /** Online CPUs, for `--cpus` and `--cpuset-cpus` ranges. */
  cpus: number;
  blkioWeightSupported: boolean;
}

export interface UpdatePlan {
  /** The fields of HostConfig that change (merged over the stored ones by the caller). */
  hostConfig: Partial<HostConfig>;
  /** What to apply to a live cgroup; empty when only the restart policy changes. */
  resources: ResourceUpdate;
  warnings: string[];
}

/** Docker's wording for a refusal that depends on the container's current settings. */
const cannotUpdate = (id: string, why: string): ConflictError => new ConflictError(`Cannot update container ${id}: ${why}`);

function checkTypes(req: ContainerUpdateRequest): void {
  if (req === null || typeof req !== 'object' || Array.isArray(req)) throw new InvalidArgumentError('invalid JSON: expected an object');
  for (const k of NUMBER_FIELDS) {
    const v = req[k];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isSafeInteger(v))) {
      throw new InvalidArgumentError(`json: cannot unmarshal ${typeof v} into Go struct field UpdateConfig.${k} of type int64`);
    }
  }
  if (req.PidsLimit !== undefined && req.PidsLimit !== null && (typeof req.PidsLimit !== 'number' || !Number.isSafeInteger(req.PidsLimit))) {
    throw new InvalidArgumentError(`json: cannot unmarshal ${typeof req.PidsLimit} into Go struct field UpdateConfig.PidsLimit of type int64`);
  }
  for (const k of STRING_FIELDS) {
    const v = req[k];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new InvalidArgumentError(`json: cannot unmarshal ${typeof v} into Go struct field UpdateConfig.${k} of type string`);
    }
  }
  const rp = req.RestartPolicy;
  if (rp !== undefined && rp !== null && (typeof rp !== 'object' || Array.isArray(rp))) {
    throw new InvalidArgumentError('json: cannot unmarshal into Go struct field UpdateConfig.RestartPolicy of type container.RestartPolicy');
  }
}

/** "0-2,4" style lists: the highest CPU named, or undefined when malformed. */
function highestInList(list: string): number | undefined {
  let max = -1;
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return undefined;
    max = Math.max(max, b);
  }
  return max;
}

/**
 * Works out what an update changes, with Docker's checks and messages: zero (or absent) fields
 * leave a setting as it is, as in Docker's UpdateConfig.
 * @throws {InvalidArgumentError} for values Docker refuses outright (400).
 * @throws {ConflictError} when a value conflicts with the container's current settings (409).
 */
export function planUpdate(id: string, current: HostConfig, req: ContainerUpdateRequest, host: UpdateHost): UpdatePlan {
  checkTypes(req);
  const hc: Partial<HostConfig> = {};
  const res: ResourceUpdate = {};
  const warnings: string[] = [];
  const cur = (k: string): number => (typeof current[k] === 'number' ? current[k] as number : 0);

  const rp = req.RestartPolicy;
  if (rp && (rp.Name || rp.MaximumRetryCount)) {
    const name = rp.Name ?? '';
    if (!RESTART_NAMES.has(name)) {
      throw new InvalidArgumentError(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
    }
    const retries = rp.MaximumRetryCount ?? 0;
    if (typeof retries !== 'number' || retries < 0) throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative');
    if (retries && name !== 'on-failure') throw new InvalidArgumentError("invalid restart policy: maximum retry count can only be used with 'on-failure'");
    if (current.AutoRemove && name !== '' && name !== 'no') {
      throw cannotUpdate(id, 'Restart policy cannot be updated because AutoRemove is enabled for the container');
    }
    hc.RestartPolicy = { Name: name || 'no', MaximumRetryCount: retries };
  }

  const memory = req.Memory ?? 0;
  const swap = req.MemorySwap ?? 0;
  if (memory < 0 || (req.MemoryReservation ?? 0) < 0) throw new InvalidArgumentError('invalid memory value: it must not be negative');
  if (memory > 0 && memory < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  const effectiveMemory = memory || cur('Memory');
  if (swap > 0 && effectiveMemory > 0 && swap < effectiveMemory) {
    throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (swap > 0 && effectiveMemory === 0) {
    throw new InvalidArgumentError('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (memory > 0) {
    if (swap === 0 && cur('MemorySwap') > 0 && memory > cur('MemorySwap')) {
      throw cannotUpdate(id, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    hc.Memory = memory;
    res.memory = memory;
    // berth keeps MemorySwap 0 to mean "as much swap as memory" (Docker's default), so the
    // cgroup's memory+swap limit follows a new memory limit.
    if (swap === 0 && cur('MemorySwap') === 0) res.memorySwap = memory * 2;
  }
  if (swap !== 0) {
    hc.MemorySwap = swap;
    res.memorySwap = swap;
  }
  if (req.MemoryReservation) {
    hc.MemoryReservation = req.MemoryReservation;
    res.memoryReservation = req.MemoryReservation;
  }

  const nano = req.NanoCpus ?? 0;
  const quota = req.CpuQuota ?? 0;
  const period = req.CpuPeriod ?? 0;
  if (nano < 0) throw new InvalidArgumentError('invalid NanoCpus: it must not be negative');
  if (nano > host.cpus * 1e9) {
    throw new InvalidArgumentError(`Range of CPUs is from 0.01 to ${host.cpus}.00, as there are only ${host.cpus} CPUs available`);
  }
  if (nano > 0 && quota !== 0) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano > 0 && period !== 0) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && (cur('CpuQuota') > 0 || cur('CpuPeriod') > 0)) {
    throw cannotUpdate(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Period or Quota has already been set');
  }
  if ((quota > 0 || period > 0) && cur('NanoCpus') > 0) {
    throw cannotUpdate(id, 'Conflicting options: CPU Quota or Period cannot be updated as NanoCPUs has already been set');
  }
  if (period !== 0 && (period < 1000 || period > 1000000)) throw new InvalidArgumentError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  if (quota !== 0 && quota !== -1 && quota < 1000) throw new InvalidArgumentError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (nano > 0) {
    hc.NanoCpus = nano;
    res.cpuPeriod = NANO_CPUS_PERIOD;
    res.cpuQuota = Math.round((nano * NANO_CPUS_PERIOD) / 1e9);
  }
  if (quota !== 0) hc.CpuQuota = res.cpuQuota = quota;
  if (period !== 0) hc.CpuPeriod = res.cpuPeriod = period;

  const shares = req.CpuShares ?? 0;
  if (shares < 0) throw new InvalidArgumentError(`invalid CPU shares (${shares}): value must be a positive integer`);
  if (shares > 0) hc.CpuShares = res.cpuShares = shares;

  if (req.CpusetCpus) {
    const top = highestInList(req.CpusetCpus);
    if (top === undefined) throw new InvalidArgumentError(`Invalid value ${req.CpusetCpus} for cpuset cpus`);
    if (top >= host.cpus) throw new InvalidArgumentError(`Requested CPUs are not available - requested ${req.CpusetCpus}, available: 0-${host.cpus - 1}`);
    hc.CpusetCpus = res.cpusetCpus = req.CpusetCpus;
  }
  if (req.CpusetMems) {
    if (highestInList(req.CpusetMems) === undefined) throw new InvalidArgumentError(`Invalid value ${req.CpusetMems} for cpuset mems`);
    hc.CpusetMems = res.cpusetMems = req.CpusetMems;
  }

  if (req.PidsLimit !== undefined && req.PidsLimit !== null) {
    // Zero or negative lifts the limit; the runtime takes -1 for that.
    hc.PidsLimit = req.PidsLimit > 0 ? req.PidsLimit : 0;
    res.pidsLimit = req.PidsLimit > 0 ? req.PidsLimit : -1;
  }

  const weight = req.BlkioWeight ?? 0;
  if (weight !== 0) {
    if (!host.blkioWeightSupported) {
      warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    } else {
      if (weight < 10 || weight > 1000) throw new InvalidArgumentError('Range of blkio weight is from 10 to 1000');
      hc.BlkioWeight = res.blkioWeight = weight;
    }
  }
  return { hostConfig: hc, resources: res, warnings };
}
