import { readFileSync } from 'node:fs';

/**
 * Where the cgroup hierarchies are mounted. `v1` maps each controller to its mount point; a
 * hybrid host (v1 controllers plus a controller-less v2 mount, as on systemd's "hybrid") counts as
 * v1, because that is where the runtime puts the limits and the counters.
 */
export type CgroupLayout =
  | { version: 1; controllers: Record<string, string> }
  | { version: 2; root: string };

/** The v1 controllers the stats reader and the update checks use. */
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids', 'blkio', 'cpuset'];

/** Decodes the octal escapes mountinfo uses for spaces and the like in paths. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Finds the cgroup mounts in /proc/self/mountinfo text (see proc(5)). */
export function parseCgroupLayout(mountinfo: string): CgroupLayout | undefined {
  const controllers: Record<string, string> = {};
  let v2Root: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const before = line.slice(0, sep).split(' ');
    const [fsType, , superOpts = ''] = line.slice(sep + 3).split(' ');
    const mountPoint = before[4];
    if (!mountPoint) continue;
    if (fsType === 'cgroup2') {
      v2Root ??= unescapeMountPath(mountPoint);
    } else if (fsType === 'cgroup') {
      for (const opt of superOpts.split(',')) {
        if (V1_CONTROLLERS.includes(opt)) controllers[opt] ??= unescapeMountPath(mountPoint);
      }
    }
  }
  if (Object.keys(controllers).length > 0) return { version: 1, controllers };
  if (v2Root) return { version: 2, root: v2Root };
  return undefined;
}

/** Reads the layout of this host once (berthd calls it at start). */
export function detectCgroupLayout(mountinfoPath = '/proc/self/mountinfo'): CgroupLayout | undefined {
  try {
    return parseCgroupLayout(readFileSync(mountinfoPath, 'utf8'));
  } catch {
    return undefined;
  }
}
