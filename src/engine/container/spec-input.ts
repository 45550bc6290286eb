import type { SpecInput } from '../../runtime/types.js';
import { InternalError } from '../../lib/errors/index.js';
import type { StartContext } from './steps/types.js';

/** What the runtime needs to write a container's OCI spec: its record and what the start steps made. */
export function specInputOf(ctx: StartContext): SpecInput {
  const { rec } = ctx;
  const hc = rec.hostConfig;
  if (ctx.rootfs === undefined || ctx.network === undefined) throw new InternalError('the spec needs the rootfs and network steps first');
  return {
    id: rec.id,
    rootfs: ctx.rootfs,
    args: [rec.path, ...rec.args],
    // A bare name (`-e NAME` unset on the client) unsets the variable, as in Docker.
    env: withLinkEnv(ctx.linkEnv ?? [], (rec.config.Env ?? []).filter((e) => e.includes('='))),
    cwd: rec.config.WorkingDir || '/',
    user: rec.config.User ?? '',
    groupAdd: (hc.GroupAdd ?? []) as string[],
    hostname: rec.config.Hostname ?? rec.id.slice(0, 12),
    domainname: rec.config.Domainname,
    tty: !!rec.config.Tty,
    consoleSize: consoleSizeOf(hc.ConsoleSize),
    openStdin: !!rec.config.OpenStdin,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    privileged: !!hc.Privileged,
    seccomp: seccompOf(hc.SecurityOpt),
    noNewPrivileges: ((hc.SecurityOpt ?? []) as string[]).some((o) => /^no-new-privileges(?:[=:]true)?$/.test(o)),
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    networkMode: ctx.network.mode,
    netnsPath: ctx.network.netnsPath,
    memory: hc.Memory ?? 0,
    memorySwap: (hc.MemorySwap as number) ?? 0,
    nanoCpus: hc.NanoCpus ?? 0,
    cpuShares: (hc.CpuShares as number) ?? 0,
    cpuQuota: (hc.CpuQuota as number) ?? 0,
    cpuPeriod: (hc.CpuPeriod as number) ?? 0,
    cpusetCpus: (hc.CpusetCpus as string) ?? '',
    cpusetMems: (hc.CpusetMems as string) ?? '',
    cpuRealtimePeriod: (hc.CpuRealtimePeriod as number) ?? 0,
    cpuRealtimeRuntime: (hc.CpuRealtimeRuntime as number) ?? 0,
    pidsLimit: hc.PidsLimit ?? 0,
    shmSize: (hc.ShmSize as number) || 64 * 1024 * 1024,
    ulimits: hc.Ulimits ?? [],
    mounts: ctx.mounts,
    runtime: rec.runtime,
    etcFiles: { hosts: rec.hostsPath, hostname: rec.hostnamePath, resolvConf: rec.resolvConfPath },
    cgroupsPath: cgroupsPathOf(hc.CgroupParent, rec.id),
    sysctls: (hc.Sysctls ?? {}) as Record<string, string>,
    deviceCgroupRules: (hc.DeviceCgroupRules ?? []) as string[],
    initPath: ctx.initPath,
    namespaceModes: ctx.namespaceModes,
    devices: ctx.devices,
    oomScoreAdj: (hc.OomScoreAdj as number | undefined) ?? 0,
    oomKillDisable: hc.OomKillDisable === true,
  };
}

/** `--cgroup-parent` (cgroupfs paths, as Docker's default driver): the container's cgroup goes under it. */
function cgroupsPathOf(parent: unknown, id: string): string {
  const p = typeof parent === 'string' ? parent.replace(/^\/+|\/+$/g, '') : '';
  return `/${p || 'berth'}/${id}`;
}

/**
 * `--security-opt seccomp=...` (or the older `seccomp:...`), the last one winning: `unconfined`
 * turns the filter off, `builtin` is the default, anything else is a profile's JSON text, which
 * the CLI sends in place of the file name (checked at create).
 */
function seccompOf(opts: unknown): NonNullable<SpecInput['seccomp']> {
  const list = Array.isArray(opts) ? (opts as string[]) : [];
  const value = list.filter((o) => /^seccomp[=:]/.test(o)).map((o) => o.slice('seccomp='.length)).at(-1);
  if (value === undefined || value === 'builtin') return 'default';
  return value === 'unconfined' ? 'unconfined' : { profile: value };
}

/** HostConfig.ConsoleSize is [height, width]; the first screen gets it before any resize. */
function consoleSizeOf(v: unknown): { height: number; width: number } | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [height, width] = v.map(Number) as [number, number];
  return height > 0 && width > 0 ? { height, width } : undefined;
}


/** Legacy links' variables first, each dropped when the container sets (or unsets) the same name. */
function withLinkEnv(linkEnv: string[], own: string[]): string[] {
  if (linkEnv.length === 0) return own;
  const names = new Set(own.map((e) => e.split('=')[0]));
  return [...linkEnv.filter((e) => !names.has(e.split('=')[0])), ...own];
}
