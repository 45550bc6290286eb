import { containerUpdate } from '../../../client/container-update.js';
import type { ContainerUpdateRequest } from '../../../api/stats.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { UsageError, type ParsedFlags } from '../../flags.js';
import { ramInBytes } from '../../format/units.js';

/** A bytes flag as docker parses it (`512m`, `1g`); `-1` where the flag allows unlimited. */
function bytesFlag(flags: ParsedFlags, name: string, label: string, allowUnlimited = false): number | undefined {
  if (!flags.changed(name)) return undefined;
  const v = (flags.string(name) ?? '').trim();
  if (allowUnlimited && v === '-1') return -1;
  try {
    return ramInBytes(v);
  } catch {
    throw new UsageError(`invalid argument "${v}" for "${label}" flag: invalid size: '${v}'`);
  }
}

function intFlag(flags: ParsedFlags, name: string): number | undefined {
  return flags.changed(name) ? flags.int(name) : undefined;
}

/** The update request the flags ask for; undefined when no flag was given. */
export function updateRequest(flags: ParsedFlags): ContainerUpdateRequest | undefined {
  const req: ContainerUpdateRequest = {};
  req.Memory = bytesFlag(flags, 'memory', '-m, --memory');
  req.MemorySwap = bytesFlag(flags, 'memory-swap', '--memory-swap', true);
  req.MemoryReservation = bytesFlag(flags, 'memory-reservation', '--memory-reservation');
  if (flags.changed('cpus')) {
    const v = flags.string('cpus') ?? '';
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || v.trim() === '') throw new UsageError(`invalid argument "${v}" for "--cpus" flag: failed to parse ${v} as a rational number`);
    req.NanoCpus = Math.round(n * 1e9);
  }
  req.CpuShares = intFlag(flags, 'cpu-shares');
  req.CpuPeriod = intFlag(flags, 'cpu-period');
  req.CpuQuota = intFlag(flags, 'cpu-quota');
  if (flags.changed('cpuset-cpus')) req.CpusetCpus = flags.string('cpuset-cpus');
  if (flags.changed('cpuset-mems')) req.CpusetMems = flags.string('cpuset-mems');
  req.PidsLimit = intFlag(flags, 'pids-limit');
  req.BlkioWeight = intFlag(flags, 'blkio-weight');
  if (flags.changed('restart')) {
    const v = flags.string('restart') ?? '';
    const colon = v.indexOf(':');
    if (colon < 0) {
      req.RestartPolicy = { Name: v };
    } else {
      const count = Number(v.slice(colon + 1));
      if (!Number.isInteger(count)) throw new UsageError('invalid restart policy format: maximum retry count must be an integer');
      req.RestartPolicy = { Name: v.slice(0, colon), MaximumRetryCount: count };
    }
  }
  for (const k of Object.keys(req)) if (req[k] === undefined) delete req[k];
  return Object.keys(req).length > 0 ? req : undefined;
}

/** `berth update`: changes the limits (and restart policy) of one or more containers. */
export const command: Command = {
  spec: {
    name: 'update',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Update configuration of one or more containers',
    aliases: ['container update', 'update'],
    args: { min: 1 },
    flags: [
      { name: 'blkio-weight', kind: 'int', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
      { name: 'cpu-period', kind: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
      { name: 'cpu-quota', kind: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
      { name: 'cpu-shares', short: 'c', kind: 'int', description: 'CPU shares (relative weight)' },
      { name: 'cpus', kind: 'string', valueName: 'decimal', description: 'Number of CPUs' },
      { name: 'cpuset-cpus', kind: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
      { name: 'cpuset-mems', kind: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
      { name: 'memory', short: 'm', kind: 'string', valueName: 'bytes', description: 'Memory limit' },
      { name: 'memory-reservation', kind: 'string', valueName: 'bytes', description: 'Memory soft limit' },
      { name: 'memory-swap', kind: 'string', valueName: 'bytes', description: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' },
      { name: 'pids-limit', kind: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
      { name: 'restart', kind: 'string', description: 'Restart policy to apply when a container exits' },
    ],
  },
  async run(ctx, flags, names) {
    const req = updateRequest(flags);
    if (!req) {
      ctx.err('you must provide one or more flags when using this command\n');
      return 1;
    }
    const errors: string[] = [];
    for (const name of names) {
      try {
        const res = await containerUpdate(ctx.client(), name, req);
        for (const w of res.Warnings ?? []) ctx.err(`${w}\n`);
        ctx.out(`${name}\n`);
      } catch (err) {
        errors.push(describeError(err));
      }
    }
    if (errors.length > 0) {
      ctx.err(`${errors.join('\n')}\n`);
      return 1;
    }
    return 0;
  },
};
