import type { HostConfig } from '../../api/container.js';
import type { SpecInput } from '../../runtime/types.js';
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
  /**
   * Volumes: the volume's name ("" until create makes an anonymous one) and driver; `source` is
   * the volume's mountpoint once create has it. Before create the driver is the one asked for
   * (--volume-driver for -v, volume-driver= for --mount), "" when none was: then an existing
   * volume of any driver is used, and a new one is local.
   */
  name?: string;
  driver?: string;
  /** A volume made for this container alone (`-v /path`, an image VOLUME): `rm -v` removes it. */
  anonymous?: boolean;
  /** Do not copy the image's content into an empty volume at first start (`nocopy`). */
  noCopy?: boolean;
  /** Volumes: mount only this directory (or file) inside the volume (`volume-subpath`, API 1.45). */
  subpath?: string;
  /** `--mount type=volume` options for a volume create makes: volume-opt, volume-label. */
  volumeOptions?: Record<string, string>;
  volumeLabels?: Record<string, string>;
  /** tmpfs mount options beyond nosuid,nodev: size=…, mode=…, … */
  tmpfsOptions?: string[];
  /** A bind of the source alone, not of the mounts below it (bind-recursive=disabled). */
  nonRecursive?: boolean;
  /**
   * A read-only bind whose submounts stay writable (bind-recursive=writable, and every read-only
   * bind of a client before API 1.44); otherwise read-only reaches the submounts where the kernel
   * and runtime can do it (`rro`).
   */
  readOnlyNonRecursive?: boolean;
  /** Read-only must reach the submounts, or the start fails (bind-recursive=readonly). */
  readOnlyForceRecursive?: boolean;
  /** A missing source is made at start (`--mount ...,bind-create-src`; `-v` binds always are). */
  createSource?: boolean;
  /** Which field gave it: inspect lists those from Binds and Mounts, not from Tmpfs. */
  origin: 'binds' | 'mounts' | 'tmpfs';
}

type SpecMount = NonNullable<SpecInput['mounts']>[number];

const PROPAGATIONS = ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'];

interface MountRequest {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean; ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> }; Subpath?: string };
}

/** The mounts a validated HostConfig asks for, in the order the runtime applies them. */
export function mountsOf(hc: HostConfig): MountPoint[] {
  const out: MountPoint[] = [];
  for (const spec of (hc.Binds ?? []) as string[]) {
    const bind = parseBind(spec);
    const mode = spec.split(':')[2] ?? '';
    if (bind.kind === 'volume') {
      // Docker shows "z" for a local volume given with -v and no mode (its default relabel mode).
      out.push({
        type: 'volume', name: bind.source, source: '', destination: bind.destination, readOnly: bind.readOnly, mode: mode || 'z',
        propagation: '', driver: (hc.VolumeDriver as string | undefined) ?? '', anonymous: bind.source === '', noCopy: bind.noCopy, origin: 'binds',
      });
      continue;
    }
    out.push({
      type: 'bind', source: bind.source, destination: bind.destination, readOnly: bind.readOnly, mode,
      propagation: mode.split(',').find((m) => PROPAGATIONS.includes(m)) ?? 'rprivate', origin: 'binds',
    });
  }
  for (const m of ((hc as { Mounts?: MountRequest[] }).Mounts ?? [])) {
    if (m.Type === 'bind') {
      const bo = m.BindOptions;
      out.push({
        type: 'bind', source: m.Source!, destination: m.Target!, readOnly: !!m.ReadOnly, mode: '',
        propagation: bo?.Propagation || 'rprivate', nonRecursive: !!bo?.NonRecursive, origin: 'mounts',
        ...(bo?.ReadOnlyNonRecursive ? { readOnlyNonRecursive: true } : {}),
        ...(bo?.ReadOnlyForceRecursive ? { readOnlyForceRecursive: true } : {}),
        ...(bo?.CreateMountpoint ? { createSource: true } : {}),
      });
    } else if (m.Type === 'volume') {
      const vo = m.VolumeOptions;
      out.push({
        type: 'volume', name: m.Source ?? '', source: '', destination: m.Target!, readOnly: !!m.ReadOnly, mode: '', propagation: '',
        driver: vo?.DriverConfig?.Name ?? '', anonymous: !m.Source, noCopy: !!vo?.NoCopy, volumeOptions: vo?.DriverConfig?.Options ?? {}, volumeLabels: vo?.Labels ?? {}, origin: 'mounts',
        ...(vo?.Subpath ? { subpath: vo.Subpath } : {}),
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

/**
 * A mount in the runtime's terms (the spec builder adds the options every tmpfs gets: nosuid, nodev,
 * noexec). A bind always names its propagation, rprivate by default as Docker does: without one the
 * runtime leaves the copy a slave of the host's mount, which would carry the host's later mounts in.
 * A read-only bind or volume asks for `rro` (read-only submounts too); the runtime driver turns that
 * into plain `ro` where the kernel or runtime cannot, unless `forceRecursiveReadOnly`.
 */
export function specMountOf(m: MountPoint): SpecMount {
  if (m.type === 'tmpfs') {
    return { type: 'tmpfs', source: 'tmpfs', destination: m.destination, options: [...(m.tmpfsOptions ?? []), ...(m.readOnly ? ['ro'] : [])] };
  }
  const readOnly = m.readOnlyNonRecursive ? 'ro' : 'rro';
  const options = [m.nonRecursive ? 'bind' : 'rbind', m.readOnly ? readOnly : 'rw'];
  if (m.type === 'bind') options.push(m.propagation || 'rprivate');
  else if (m.propagation) options.push(m.propagation);
  return {
    type: 'bind', source: m.source, destination: m.destination, options,
    ...(m.readOnly && m.readOnlyForceRecursive ? { forceRecursiveReadOnly: true } : {}),
  };
}
