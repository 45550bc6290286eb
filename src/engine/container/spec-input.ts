import type { SpecInput } from '../../runtime/types.js';
import type { ContainerRecord } from './model.js';
import { parseBind } from './create-config.js';

/** What the runtime needs to write a container's OCI spec, from its record. */
export function specInputOf(rec: ContainerRecord, rootfs: string): SpecInput {
  const hc = rec.hostConfig;
  const mode = hc.NetworkMode as string;
  const mounts: NonNullable<SpecInput['mounts']> = [];
  for (const b of (hc.Binds ?? []) as string[]) {
    const bind = parseBind(b);
    mounts.push({ type: 'bind', source: bind.source, destination: bind.destination, options: ['rbind', bind.readOnly ? 'ro' : 'rw'] });
  }
  for (const m of (hc.Mounts ?? []) as Array<{ Type?: string; Source?: string; Target?: string; ReadOnly?: boolean; TmpfsOptions?: { SizeBytes?: number; Mode?: number } }>) {
    if (m.Type === 'bind') {
      mounts.push({ type: 'bind', source: m.Source!, destination: m.Target!, options: ['rbind', m.ReadOnly ? 'ro' : 'rw'] });
    } else if (m.Type === 'tmpfs') {
      const o = ['nosuid', 'nodev'];
      if (m.TmpfsOptions?.SizeBytes) o.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) o.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      if (m.ReadOnly) o.push('ro');
      mounts.push({ type: 'tmpfs', source: 'tmpfs', destination: m.Target!, options: o });
    }
  }
  for (const [dest, opts] of Object.entries((hc.Tmpfs ?? {}) as Record<string, string>)) {
    mounts.push({ type: 'tmpfs', source: 'tmpfs', destination: dest, options: ['nosuid', 'nodev', ...(opts ? opts.split(',') : [])] });
  }
  return {
    id: rec.id,
    rootfs,
    args: [rec.path, ...rec.args],
    // A bare name (`-e NAME` unset on the client) unsets the variable, as in Docker.
    env: (rec.config.Env ?? []).filter((e) => e.includes('=')),
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
    networkMode: mode === 'host' ? 'host' : mode === 'none' ? 'none' : 'private',
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
    mounts,
    etcFiles: { hosts: rec.hostsPath, hostname: rec.hostnamePath, resolvConf: rec.resolvConfPath },
    cgroupsPath: `/berth/${rec.id}`,
    sysctls: (hc.Sysctls ?? {}) as Record<string, string>,
    deviceCgroupRules: (hc.DeviceCgroupRules ?? []) as string[],
  };
}

/** `--security-opt seccomp=unconfined` (or the older `seccomp:unconfined`) turns the filter off. */
function seccompOf(opts: unknown): 'default' | 'unconfined' {
  const list = Array.isArray(opts) ? (opts as string[]) : [];
  return list.some((o) => /^seccomp[=:]unconfined$/.test(o)) ? 'unconfined' : 'default';
}

/** HostConfig.ConsoleSize is [height, width]; the first screen gets it before any resize. */
function consoleSizeOf(v: unknown): { height: number; width: number } | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [height, width] = v.map(Number) as [number, number];
  return height > 0 && width > 0 ? { height, width } : undefined;
}

