import { InternalError } from '../../lib/errors/index.js';
import type { OciCpu, OciMemory, OciPids } from '../spec/types.js';
import type { ResourceUpdate } from '../types.js';
import { runtimeError, type OciRuntimeCli } from './runtime-cli.js';

/** The part of OCI `linux.resources` that `update` changes. */
export interface OciLinuxResourcesUpdate {
  memory?: OciMemory;
  cpu?: OciCpu;
  pids?: OciPids;
  blockIO?: { weight?: number };
}

/** The OCI `linux.resources` document `runc update --resources -` reads, with only the fields given. */
export function resourcesDocument(r: ResourceUpdate): OciLinuxResourcesUpdate {
  const doc: OciLinuxResourcesUpdate = {};
  const memory: NonNullable<OciLinuxResourcesUpdate['memory']> = {};
  if (r.memory !== undefined) memory.limit = r.memory;
  if (r.memorySwap !== undefined) memory.swap = r.memorySwap;
  if (r.memoryReservation !== undefined) memory.reservation = r.memoryReservation;
  if (Object.keys(memory).length > 0) doc.memory = memory;
  const cpu: NonNullable<OciLinuxResourcesUpdate['cpu']> = {};
  if (r.cpuShares !== undefined) cpu.shares = r.cpuShares;
  if (r.cpuPeriod !== undefined) cpu.period = r.cpuPeriod;
  if (r.cpuQuota !== undefined) cpu.quota = r.cpuQuota;
  if (r.cpusetCpus !== undefined) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems !== undefined) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length > 0) doc.cpu = cpu;
  if (r.pidsLimit !== undefined) doc.pids = { limit: r.pidsLimit };
  if (r.blkioWeight !== undefined) doc.blockIO = { weight: r.blkioWeight };
  return doc;
}

/** Applies new limits to a live container's cgroup through the OCI runtime. */
export async function updateResources(cli: OciRuntimeCli, id: string, r: ResourceUpdate): Promise<void> {
  const doc = resourcesDocument(r);
  if (Object.keys(doc).length === 0) return;
  const res = await cli.exec(['update', '--resources', '-', id], JSON.stringify(doc));
  if (res.code !== 0) {
    const err = runtimeError(id, 'update', res);
    // The runtime's own words are what the user needs ("the minimum allowed cpu-shares is 2").
    throw err.kind === 'not-found' ? err : new InternalError((err.cause as Error).message, { cause: err.cause });
  }
}
