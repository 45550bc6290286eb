import { lstat, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeJsonAtomic } from '../../lib/fs/atomic.js';
import { KeyedLock } from '../../lib/sync/keyed-lock.js';
import { ConflictError, InternalError, InvalidArgumentError, NotFoundError, messageOf } from '../../lib/errors/index.js';
import { isMounted, mount, unmount } from '../../sys/mount.js';
import type { VolumeCreateRequest, VolumeRecord, VolumeService } from '../types.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** The local driver's options: a mount's type, device and mount options (tmpfs, nfs, a bind). */
const LOCAL_OPTS = ['type', 'device', 'o', 'size'];
/** Which options each option needs beside it, as Docker's local driver checks them. */
const REQUIRED_WITH: Record<string, string[]> = { type: ['device'], device: ['type'], o: ['device', 'type'] };

/**
 * Docker's checks of the local driver's options, with its messages. `size` is a quota, which
 * needs a file system with project quotas (XFS); berth keeps volumes on the data root as they are.
 */
export function validateLocalOptions(opts: Record<string, string>): void {
  for (const k of Object.keys(opts)) if (!LOCAL_OPTS.includes(k)) throw new InvalidArgumentError(`invalid option key: ${JSON.stringify(k)}`);
  for (const [k, needs] of Object.entries(REQUIRED_WITH)) {
    if (!(k in opts)) continue;
    for (const n of needs) if (!(n in opts)) throw new InvalidArgumentError(`missing required option: ${JSON.stringify(n)}`);
  }
  if ('size' in opts) throw new InvalidArgumentError('quota size requested but no quota support');
}

/** A local volume with a device to mount (`-o type=… device=…`) rather than a plain directory. */
function hasDevice(v: VolumeRecord): boolean {
  return v.driver === 'local' && !!v.options.type && !!v.options.device;
}

/** Docker's rule for local volume names, with its messages. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) throw new InvalidArgumentError('volume name is too short, names should be at least two alphanumeric characters');
  if (!NAME_RE.test(name)) {
    throw new InvalidArgumentError(`${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

/** RFC 3339 to the second, in UTC ("2026-12-02T03:26:35Z"), as Go's time.RFC3339 prints it. */
function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The local driver: each volume is <root>/<name>/_data beside <root>/<name>/volume.json.
 * Metadata lives in memory after `load`; who uses a volume is memory only (the container side
 * re-adds its references when it restores containers).
 */
export class LocalVolumeService implements VolumeService {
  readonly #root: string;
  readonly #vols = new Map<string, VolumeRecord>();
  readonly #refs = new Map<string, Set<string>>();
  readonly #lock = new KeyedLock();
  readonly #warn: (msg: string) => void;
  /** For each volume with a device mounted on its `_data`: the containers using the mount. */
  readonly #mounted = new Map<string, Set<string>>();

  constructor(root: string, warn: (msg: string) => void = () => {}) {
    this.#root = root;
    this.#warn = warn;
  }

  get root(): string {
    return this.#root;
  }

  /** Reads every volume's metadata; a directory without readable metadata is skipped (and said). */
  async load(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o701 });
    for (const ent of await readdir(this.#root, { withFileTypes: true })) {
      if (!ent.isDirectory() || ent.name.startsWith('.')) continue;
      try {
        const rec = JSON.parse(await readFile(join(this.#root, ent.name, 'volume.json'), 'utf8')) as VolumeRecord;
        if (rec.name !== ent.name) throw new Error(`metadata names ${rec.name}`);
        this.#vols.set(rec.name, { ...rec, mountpoint: join(this.#root, rec.name, '_data') });
      } catch (err) {
        this.#warn(`volume ${ent.name}: skipped, unreadable metadata: ${(err as Error).message}`);
      }
    }
  }

  list(): VolumeRecord[] {
    return [...this.#vols.values()].map(copy);
  }

  get(name: string): VolumeRecord {
    const v = this.#vols.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return copy(v);
  }

  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    const name = req.name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const driver = req.driver || 'local';
    // Two creates of one name (two containers sharing a new volume) must see one volume.
    return this.#lock.run(name, async () => {
      const existing = this.#vols.get(name);
      if (existing) {
        if (existing.driver !== driver) throw new ConflictError(`create ${name}: driver '${existing.driver}' already has volume '${name}': volume name must be unique`);
        return copy(existing);
      }
      if (driver !== 'local') throw new NotFoundError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
      validateLocalOptions(req.options);
      const dir = join(this.#root, name);
      const rec: VolumeRecord = {
        name, driver, mountpoint: join(dir, '_data'), createdAt: rfc3339Seconds(Date.now()),
        labels: { ...req.labels }, options: { ...req.options }, anonymous: req.anonymous ?? false,
      };
      await mkdir(rec.mountpoint, { recursive: true, mode: 0o755 });
      try {
        await writeJsonAtomic(join(dir, 'volume.json'), rec);
      } catch (err) {
        await rm(dir, { recursive: true, force: true }).catch(() => {});
        throw err;
      }
      this.#vols.set(name, rec);
      return copy(rec);
    });
  }

  remove(name: string, force = false): Promise<void> {
    return this.#lock.run(name, async () => {
      if (!this.#vols.has(name)) {
        if (force) return;
        throw new NotFoundError(`get ${name}: no such volume`);
      }
      const users = this.refs(name);
      if (users.length) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      // A device still mounted (left by a crash) is let go first: deleting through it would
      // delete the device's files (a bound host directory, an NFS export).
      const vol = this.#vols.get(name)!;
      if (hasDevice(vol)) await this.#unmountDevice(vol);
      this.#mounted.delete(name);
      // Renamed aside first, so a crash mid-delete never leaves a half-emptied volume under its name.
      const dir = join(this.#root, name);
      const trash = join(this.#root, `.${name}.removing-${randomBytes(4).toString('hex')}`);
      await rename(dir, trash).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      this.#vols.delete(name);
      await rm(trash, { recursive: true, force: true });
    });
  }

  addRef(name: string, containerId: string): void {
    let s = this.#refs.get(name);
    if (!s) this.#refs.set(name, (s = new Set()));
    s.add(containerId);
  }

  releaseRef(name: string, containerId: string): void {
    const s = this.#refs.get(name);
    if (!s) return;
    s.delete(containerId);
    if (s.size === 0) this.#refs.delete(name);
  }

  refs(name: string): string[] {
    return [...(this.#refs.get(name) ?? [])];
  }

  async size(name: string): Promise<number> {
    return treeSize(this.get(name).mountpoint);
  }

  /**
   * A volume with a device is mounted at its first user's start and stays mounted while any
   * container uses it (Docker's local driver does the same); a plain one is its directory.
   */
  async mount(name: string, containerId: string): Promise<string> {
    const vol = this.get(name);
    if (!hasDevice(vol)) return vol.mountpoint;
    return this.#lock.run(name, async () => {
      const users = this.#mounted.get(name);
      if (users?.size) {
        users.add(containerId);
        return vol.mountpoint;
      }
      // Mounted already with no user known: left by a berthd that died; it is reused.
      if (!(await isMounted(vol.mountpoint))) {
        const o = vol.options;
        try {
          await mount(o.device!, vol.mountpoint, o.type!, o.o ? [o.o] : []);
        } catch (err) {
          throw new InternalError(`error while mounting volume '${vol.mountpoint}': failed to mount local volume: ${messageOf(err)}`, { cause: err });
        }
      }
      this.#mounted.set(name, new Set([containerId]));
      return vol.mountpoint;
    });
  }

  /**
   * The last user's stop unmounts. A container not known as a user (one that ended while berthd
   * was down) changes nothing: another container adopted after a restart may still use the mount.
   */
  async unmount(name: string, containerId: string): Promise<void> {
    const vol = this.#vols.get(name);
    if (!vol || !hasDevice(vol)) return;
    await this.#lock.run(name, async () => {
      const users = this.#mounted.get(name);
      if (!users?.delete(containerId) || users.size > 0) return;
      this.#mounted.delete(name);
      await this.#unmountDevice(vol);
    });
  }

  async adoptMount(name: string, containerId: string): Promise<void> {
    const vol = this.#vols.get(name);
    if (!vol || !hasDevice(vol)) return;
    let users = this.#mounted.get(name);
    if (!users) this.#mounted.set(name, (users = new Set()));
    users.add(containerId);
  }

  async #unmountDevice(vol: VolumeRecord): Promise<void> {
    try {
      await unmount(vol.mountpoint);
    } catch (err) {
      throw new InternalError(`error while unmounting volume '${vol.mountpoint}': ${messageOf(err)}`, { cause: err });
    }
  }
}

function copy(v: VolumeRecord): VolumeRecord {
  return { ...v, labels: { ...v.labels }, options: { ...v.options } };
}

/** Bytes of regular files under a directory; symlinks count as themselves and are not followed. */
async function treeSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(p);
    else {
      const st = await lstat(p).catch(() => undefined);
      if (st) total += st.size;
    }
  }
  return total;
}
