import { lstat, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeJsonAtomic } from '../../lib/fs/atomic.js';
import { KeyedLock } from '../../lib/sync/keyed-lock.js';
import { ConflictError, InternalError, InvalidArgumentError, NotFoundError, errorOfKind, kindOf, messageOf } from '../../lib/errors/index.js';
import { isMounted, mount, unmount } from '../../sys/mount.js';
import type { VolumeCreateRequest, VolumeRecord, VolumeService } from '../types.js';
import type { PluginVolumeInfo, VolumePlugin, VolumePlugins } from '../plugin/index.js';

/**
 * How long `volume ls` waits for one plugin's List (all are asked at once), and inspect for one
 * plugin's Get: a hung plugin delays the answer this long, not the client's 30 s.
 */
const ASK_TIMEOUT_MS = 5_000;

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

/**
 * A local volume without driver options: a directory berth owns. Docker sizes and prunes only
 * these (a device may be large, slow or remote; a plugin's data is its own).
 */
export function isPlainLocal(v: VolumeRecord): boolean {
  return v.driver === 'local' && Object.keys(v.options).length === 0;
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
  readonly #plugins: VolumePlugins | undefined;
  /** Plugin volumes: the containers each is mounted for (every container Mounts with its own ID). */
  readonly #pluginMounts = new Map<string, Set<string>>();

  /** `plugins` serves every driver but `local`; without it, only `local` exists. */
  constructor(root: string, warn: (msg: string) => void = () => {}, plugins?: VolumePlugins) {
    this.#root = root;
    this.#warn = warn;
    this.#plugins = plugins;
  }

  get root(): string {
    return this.#root;
  }

  /**
   * Reads every volume's metadata and finishes what a crash cut short: removals renamed aside are
   * deleted, temp files of a metadata write are dropped, and a volume whose metadata is missing or
   * unreadable keeps its data (rebuilt as a plain local volume, and said), so nothing vanishes and
   * no later create silently takes over old files.
   */
  async load(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o701 });
    for (const ent of await readdir(this.#root, { withFileTypes: true })) {
      if (!ent.isDirectory()) continue;
      if (ent.name.startsWith('.')) {
        if (TRASH_RE.test(ent.name)) {
          await rm(join(this.#root, ent.name), { recursive: true, force: true })
            .catch((err: Error) => this.#warn(`volume leftover ${ent.name}: could not finish its removal: ${err.message}`));
        }
        continue;
      }
      const rec = await this.#loadOne(ent.name);
      if (rec) this.#vols.set(rec.name, rec);
    }
  }

  async #loadOne(name: string): Promise<VolumeRecord | undefined> {
    const dir = join(this.#root, name);
    const meta = join(dir, 'volume.json');
    const mountpoint = join(dir, '_data');
    await dropTempFiles(dir);
    let problem: string;
    try {
      const rec = parseRecord(await readFile(meta, 'utf8'), name);
      // A plugin's volume keeps the mountpoint its plugin gave; a local one's follows the root.
      return rec.driver === 'local' ? { ...rec, mountpoint } : rec;
    } catch (err) {
      problem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no metadata' : `unreadable metadata: ${(err as Error).message}`;
    }
    const data = await lstat(mountpoint).catch(() => undefined);
    if (!data?.isDirectory() || !NAME_RE.test(name)) {
      this.#warn(`volume ${name}: skipped, ${problem} and no _data directory`);
      return undefined;
    }
    // The data is what matters: keep it as a local volume without labels or options, and write
    // metadata for it so the next start finds a normal volume. The unreadable file stays aside.
    const born = data.birthtimeMs > 0 ? data.birthtimeMs : data.mtimeMs;
    const rec: VolumeRecord = { name, driver: 'local', mountpoint, createdAt: rfc3339Seconds(born), labels: {}, options: {}, anonymous: false };
    this.#warn(`volume ${name}: ${problem}; kept its data as a local volume without labels or options`);
    try {
      if (problem !== 'no metadata') await rename(meta, join(dir, 'volume.json.unreadable'));
      await writeJsonAtomic(meta, rec);
    } catch (err) {
      this.#warn(`volume ${name}: could not rewrite its metadata: ${(err as Error).message}`);
    }
    return rec;
  }

  list(): VolumeRecord[] {
    return [...this.#vols.values()].map(copy);
  }

  get(name: string): VolumeRecord {
    const v = this.#vols.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return copy(v);
  }

  async listAll(): Promise<{ volumes: VolumeRecord[]; warnings: string[] }> {
    const volumes = this.list();
    const warnings: string[] = [];
    const seen = new Set(volumes.map((v) => v.name));
    const plugins = this.#plugins?.activated?.() ?? [];
    const answers = await Promise.allSettled(plugins.map((p) => p.list({ timeoutMs: ASK_TIMEOUT_MS })));
    answers.forEach((a, i) => {
      const driver = plugins[i]!.name;
      if (a.status === 'rejected') {
        const msg = `list ${driver}: ${messageOf(a.reason)}`;
        this.#warn(`volume ls: skipped plugin ${driver}: ${messageOf(a.reason)}`);
        warnings.push(msg);
        return;
      }
      for (const info of a.value) {
        if (seen.has(info.Name)) continue;
        seen.add(info.Name);
        volumes.push(pluginRecord(driver, info));
      }
    });
    return { volumes, warnings };
  }

  async lookup(name: string): Promise<VolumeRecord> {
    const known = this.#vols.get(name);
    if (known) return copy(known);
    for (const p of this.#plugins?.activated?.() ?? []) {
      const info = await p.get(name, { timeoutMs: ASK_TIMEOUT_MS }).catch(() => undefined);
      if (info?.Name === name) return pluginRecord(p.name, info);
    }
    throw new NotFoundError(`get ${name}: no such volume`);
  }

  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    const name = req.name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const driver = req.driver || 'local';
    // Two creates of one name (two containers sharing a new volume) must see one volume.
    return this.#lock.run(name, async () => {
      const existing = this.#vols.get(name);
      if (existing) {
        // No driver named (a -v without --volume-driver): the volume is used, whoever made it.
        if (req.driver && existing.driver !== req.driver) throw new ConflictError(`create ${name}: driver '${existing.driver}' already has volume '${name}': volume name must be unique`);
        return copy(existing);
      }
      if (driver !== 'local') return this.#pluginCreate(name, driver, req);
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
      const vol = this.#vols.get(name)!;
      if (vol.driver !== 'local') await this.#pluginRemove(vol, force);
      // A device still mounted (left by a crash) is let go first: deleting through it would
      // delete the device's files (a bound host directory, an NFS export).
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
    const v = this.get(name);
    // A plugin's or a device's data may be remote, large or slow to walk: -1, Docker's "unknown".
    if (!isPlainLocal(v)) return -1;
    return treeSize(v.mountpoint);
  }

  /**
   * A volume with a device is mounted at its first user's start and stays mounted while any
   * container uses it (Docker's local driver does the same); a plain one is its directory.
   */
  async mount(name: string, containerId: string): Promise<string> {
    const vol = this.get(name);
    if (vol.driver !== 'local') return this.#pluginMount(vol, containerId);
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
    if (vol && vol.driver !== 'local') return this.#pluginUnmount(vol, containerId);
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
    if (vol && vol.driver !== 'local') return this.#pluginAdopt(vol, containerId);
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

  async #plugin(driver: string): Promise<VolumePlugin> {
    if (!this.#plugins) throw new NotFoundError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    return this.#plugins.driver(driver);
  }

  /**
   * The plugin makes the volume, then berth records it as for a local one (volume.json under the
   * root, no _data): a failure to record asks the plugin to remove it again.
   */
  async #pluginCreate(name: string, driver: string, req: VolumeCreateRequest): Promise<VolumeRecord> {
    const plugin = await this.#plugin(driver);
    await plugin.create(name, { ...req.options }).catch((err: unknown) => {
      throw errorOfKind(kindOf(err), `create ${name}: ${messageOf(err)}`, err);
    });
    const dir = join(this.#root, name);
    try {
      // Path is optional for a plugin before the first Mount; an empty Mountpoint is Docker's answer then too.
      const mountpoint = await plugin.path(name).catch(() => '');
      const rec: VolumeRecord = {
        name, driver, mountpoint, createdAt: rfc3339Seconds(Date.now()),
        labels: { ...req.labels }, options: { ...req.options }, anonymous: req.anonymous ?? false,
      };
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeJsonAtomic(join(dir, 'volume.json'), rec);
      this.#vols.set(name, rec);
      return copy(rec);
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      await plugin.remove(name).catch((e: unknown) => this.#warn(`volume ${name}: removing it from plugin ${driver} after a failed create: ${messageOf(e)}`));
      throw err;
    }
  }

  /** The plugin removes its data first; `force` drops berth's record even when the plugin cannot (Docker's purge). */
  async #pluginRemove(vol: VolumeRecord, force: boolean): Promise<void> {
    try {
      await (await this.#plugin(vol.driver)).remove(vol.name);
    } catch (err) {
      if (!force) throw errorOfKind(kindOf(err), `remove ${vol.name}: ${messageOf(err)}`, err);
      this.#warn(`volume ${vol.name}: plugin ${vol.driver} did not remove it (${messageOf(err)}); forgetting it anyway`);
    }
    this.#pluginMounts.delete(vol.name);
  }

  /** VolumeDriver.Mount with the container's id as the ID, once per container; answers the plugin's Mountpoint. */
  #pluginMount(vol: VolumeRecord, containerId: string): Promise<string> {
    return this.#lock.run(vol.name, async () => {
      const users = this.#pluginMounts.get(vol.name);
      const known = this.#vols.get(vol.name)?.mountpoint ?? '';
      if (users?.has(containerId) && known) return known;
      let mp: string;
      try {
        const plugin = await this.#plugin(vol.driver);
        mp = await plugin.mount(vol.name, containerId);
        if (!isAbsolute(mp)) {
          await plugin.unmount(vol.name, containerId).catch(() => {});
          throw new InvalidArgumentError(`VolumeDriver.Mount: plugin ${vol.driver} answered ${mp ? `a relative mountpoint ${JSON.stringify(mp)}` : 'no mountpoint'}`);
        }
      } catch (err) {
        throw errorOfKind(kindOf(err), `error while mounting volume '${known}': ${messageOf(err)}`, err);
      }
      if (users) users.add(containerId);
      else this.#pluginMounts.set(vol.name, new Set([containerId]));
      // Inspect shows where the volume is now, as Docker does once a plugin volume is mounted.
      const rec = this.#vols.get(vol.name);
      if (rec) rec.mountpoint = mp;
      return mp;
    });
  }

  /** VolumeDriver.Unmount with the same ID, only for a container whose Mount succeeded. */
  #pluginUnmount(vol: VolumeRecord, containerId: string): Promise<void> {
    return this.#lock.run(vol.name, async () => {
      const users = this.#pluginMounts.get(vol.name);
      if (!users?.has(containerId)) return;
      // Forgotten even if the plugin fails: its Unmount is not retried, and the next start Mounts afresh.
      users.delete(containerId);
      if (users.size === 0) this.#pluginMounts.delete(vol.name);
      await (await this.#plugin(vol.driver)).unmount(vol.name, containerId);
    });
  }

  /** A container that kept running across a berthd restart still holds its Mount: noted, not repeated. */
  async #pluginAdopt(vol: VolumeRecord, containerId: string): Promise<void> {
    const users = this.#pluginMounts.get(vol.name);
    if (users) users.add(containerId);
    else this.#pluginMounts.set(vol.name, new Set([containerId]));
  }
}

/** A removal renamed aside (`.<name>.removing-<hex>`) that a crash left behind. */
const TRASH_RE = /^\.[a-zA-Z0-9][a-zA-Z0-9_.-]+\.removing-[0-9a-f]+$/;
/** A temp file of writeJsonAtomic that a crash left before its rename. */
const TEMP_RE = /^\.volume\.json\.[0-9a-f]+\.tmp$/;

async function dropTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) if (TEMP_RE.test(n)) await rm(join(dir, n), { force: true }).catch(() => {});
}

/** volume.json of the volume in `dir`, checked field by field: a torn or foreign file is refused. */
function parseRecord(text: string, dir: string): VolumeRecord {
  const v = JSON.parse(text) as Partial<VolumeRecord> | null;
  if (!v || typeof v !== 'object') throw new Error('not an object');
  if (v.name !== dir) throw new Error(`metadata names ${JSON.stringify(v.name)}`);
  const isMap = (m: unknown) => !!m && typeof m === 'object' && !Array.isArray(m) && Object.values(m).every((x) => typeof x === 'string');
  if (typeof v.driver !== 'string' || typeof v.createdAt !== 'string' || !isMap(v.labels) || !isMap(v.options)) throw new Error('fields missing or of the wrong type');
  // Fields this check does not know (added later) are kept as written.
  return { ...v, name: v.name, driver: v.driver, mountpoint: typeof v.mountpoint === 'string' ? v.mountpoint : '', createdAt: v.createdAt, labels: v.labels!, options: v.options!, anonymous: v.anonymous === true };
}

/** A volume a plugin has that berth did not record: no labels or options, CreatedAt only if the plugin gave one. */
function pluginRecord(driver: string, info: PluginVolumeInfo): VolumeRecord {
  return {
    name: info.Name, driver, mountpoint: typeof info.Mountpoint === 'string' ? info.Mountpoint : '',
    createdAt: typeof info.CreatedAt === 'string' ? info.CreatedAt : '', labels: {}, options: {}, anonymous: false,
  };
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
