import type { HostConfig } from '../../api/container.js';
import { parseBind } from './create-config.js';

/**
 * A mount of a container, parsed once at create from `-v` (Binds), `--mount` (Mounts) and
 * `--tmpfs` (Tmpfs), and kept on the record: the spec, inspect's `Mounts` and `rm -v` read this
 * instead of parsing the request again.
 */
export interface MountPoint {
  type: 'bind' | 'tmpfs' | 'volume';
  /** Host path of a bind; "" for tmpfs. */
  source: string;
  destination: string;
  readOnly: boolean;
  /** The mode as the user gave it with -v ("ro", "rw,z", ""), as inspect shows it. */
  mode: string;
  /** Bind propagation ("rprivate" unless given); "" for tmpfs. */
  propagation: string;
  /** Volumes (later): the volume's name and driver. */
  name?: string;
  driver?: string;
  /** tmpfs mount options beyond nosuid,nodev: size=…, mode=…, … */
  tmpfsOptions?: string[];
  /** A bind of the source alone, not of the mounts below it (bind-recursive=disabled). */
  nonRecursive?: boolean;
  /** Which field gave it: inspect lists those from Binds and Mounts, not from Tmpfs. */
  origin: 'binds' | 'mounts' | 'tmpfs';
}

const PROPAGATIONS = ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'];

interface MountRequest {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** The mounts a validated HostConfig asks for, in the order the runtime applies them. */
export function mountsOf(hc: HostConfig): MountPoint[] {
  const out: MountPoint[] = [];
  for (const spec of (hc.Binds ?? []) as string[]) {
    const bind = parseBind(spec);
    const mode = spec.split(':')[2] ?? '';
    out.push({
      type: 'bind', source: bind.source, destination: bind.destination, readOnly: bind.readOnly, mode,
      propagation: mode.split(',').find((m) => PROPAGATIONS.includes(m)) ?? 'rprivate', origin: 'binds',
    });
  }
  for (const m of ((hc as { Mounts?: MountRequest[] }).Mounts ?? [])) {
    if (m.Type === 'bind') {
      out.push({
        type: 'bind', source: m.Source!, destination: m.Target!, readOnly: !!m.ReadOnly, mode: '',
        propagation: m.BindOptions?.Propagation || 'rprivate', nonRecursive: !!m.BindOptions?.NonRecursive, origin: 'mounts',
      });
    } else if (m.Type === 'tmpfs') {
      const opts: string[] = [];
      if (m.TmpfsOptions?.SizeBytes) opts.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) opts.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      out.push({ type: 'tmpfs', source: '', destination: m.Target!, readOnly: !!m.ReadOnly, mode: '', propagation: '', tmpfsOptions: opts, origin: 'mounts' });
    }
  }
  for (const [dest, opts] of Object.entries((hc.Tmpfs ?? {}) as Record<string, string>)) {
    const list = opts ? opts.split(',').filter(Boolean) : [];
    out.push({ type: 'tmpfs', source: '', destination: dest, readOnly: list.includes('ro'), mode: '', propagation: '', tmpfsOptions: list.filter((o) => o !== 'ro' && o !== 'rw'), origin: 'tmpfs' });
  }
  return out;
}

/** A mount in the runtime's terms (the spec builder adds the options every tmpfs gets: nosuid, nodev, noexec). */
export function specMountOf(m: MountPoint): { type: 'bind' | 'tmpfs'; source: string; destination: string; options: string[] } {
  if (m.type === 'tmpfs') {
    return { type: 'tmpfs', source: 'tmpfs', destination: m.destination, options: [...(m.tmpfsOptions ?? []), ...(m.readOnly ? ['ro'] : [])] };
  }
  const options = [m.nonRecursive ? 'bind' : 'rbind', m.readOnly ? 'ro' : 'rw'];
  if (m.propagation && m.propagation !== 'rprivate') options.push(m.propagation);
  return { type: 'bind', source: m.source, destination: m.destination, options };
}
