import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../lib/errors/index.js';
import { execOk } from '../sys/exec.js';
import { isMounted, listMounts, mount, unmount } from '../sys/mount.js';
import { fsyncDir, writeFileAtomic } from '../lib/fs/atomic.js';
import { KeyedLock } from '../lib/sync/keyed-lock.js';
import { SnapshotPaths } from './paths.js';
import { TrashReaper, type TreeRemover } from './reaper.js';
import { packLayer } from '../lib/tar/index.js';
import { Readable } from 'node:stream';
import { overlayChanges, placeholdersIn } from './changes.js';
import type { ChangesOptions, FilesystemChange, LayerExporter, RootfsExporter, SnapshotDiffer, Snapshotter, SnapshotViewer } from './types.js';

/** Constructor options of {@link OverlaySnapshotter}. */
export interface OverlaySnapshotterOptions {
  /** Directory owned by the snapshotter (see paths.ts for its layout). */
  root: string;
  /** Deletes a doomed tree in the background (default: `rm -rf`); tests inject a gate. */
  removeTree?: TreeRemover;
  /** Told when a background deletion fails (it is retried at the next removal or start). */
  onWarning?: (message: string) => void;
}

/** What the snapshotter records about a committed layer. */
export interface LayerInfo {
  chainId: string;
  diffId: string;
  /** Bytes of file content in the layer. */
  size: number;
}

/** A layer being built in tmp/: fill `dir`, then `commit` it under its chain id or `discard` it. */
export interface StagedLayer {
  /** The directory to unpack the layer into. */
  readonly dir: string;
  /**
   * Renames the staged layer into place. When a layer with that chain id already exists (another
   * import got there first) the staged copy is discarded and `created` is false.
   */
  commit(info: LayerInfo): Promise<{ created: boolean }>;
  discard(): Promise<void>;
}

/** The overlay mount of a snapshot, for callers that mount it themselves (e.g. in another namespace). */
export interface OverlayMountSpec {
  type: 'overlay';
  source: 'overlay';
  options: string[];
}

interface SnapshotRecord {
  key: string;
  layers: string[];
  createdAt: number;
  /** A read-only view has no upper dir; absent in records written before views existed. */
  kind?: 'active' | 'view';
}

const CHAIN_ID = /^sha256:([a-f0-9]{64})$/;
const SNAPSHOT_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
// The kernel takes at most one page of mount data; keep a margin for the other options.
const MAX_MOUNT_DATA = 3800;

function chainHex(chainId: string): string {
  const m = CHAIN_ID.exec(chainId);
  if (!m) throw new InvalidArgumentError(`invalid layer chain id: ${JSON.stringify(chainId)}`);
  return m[1]!;
}

function checkKey(key: string): void {
  if (!SNAPSHOT_KEY.test(key)) throw new InvalidArgumentError(`invalid snapshot key: ${JSON.stringify(key)}`);
}

function tmpName(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Sum of the sizes of everything under `dir` (not following symlinks), walking depth first. */
async function treeSize(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    let names: string[];
    try {
      names = await readdir(cur);
    } catch {
      continue;
    }
    for (const name of names) {
      const p = join(cur, name);
      const st = await lstat(p).catch(() => null);
      if (!st) continue;
      if (st.isDirectory()) stack.push(p);
      else if (st.isFile() || st.isSymbolicLink()) total += st.size;
    }
  }
  return total;
}

/**
 * Stacks read-only layer dirs with overlayfs under one writable upper dir per snapshot.
 *
 * Layers are created by the image side through {@link stageLayer} (unpack into the staged dir,
 * then commit under the chain id) and looked up by chain id. A container's rootfs is
 * `prepare(key, image.layers)` then `mount(key)`, which returns the merged directory.
 * Call {@link init} once before use: it loads the snapshot index and clears crash leftovers.
 */
export class OverlaySnapshotter implements Snapshotter, SnapshotDiffer, SnapshotViewer, LayerExporter, RootfsExporter {
  readonly paths: SnapshotPaths;
  private readonly snapshots = new Map<string, SnapshotRecord>();
  private readonly locks = new KeyedLock();
  private initialised: Promise<void> | undefined;
  readonly #reaper: TrashReaper;

  constructor(opts: OverlaySnapshotterOptions) {
    this.paths = new SnapshotPaths(opts.root);
    this.#reaper = new TrashReaper(this.paths.trash, opts.removeTree, (err) => opts.onWarning?.(`removing a deleted layer or snapshot failed (retried later): ${(err as Error).message}`));
  }

  /** Resolves once removed layers and snapshots (and crash leftovers) are deleted from disk. */
  trashEmptied(): Promise<void> {
    return this.#reaper.idle();
  }

  /** Moves a tree into trash/ (one rename: it stops existing under its name at once) for the reaper. */
  async #discard(path: string, label: string): Promise<void> {
    try {
      await rename(path, join(this.paths.trash, tmpName(label)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    this.#reaper.kick();
  }

  /** Creates the tree, removes leftovers of interrupted operations and loads the snapshots. Idempotent. */
  init(): Promise<void> {
    this.initialised ??= this.load();
    return this.initialised;
  }

  private async load(): Promise<void> {
    const p = this.paths;
    for (const d of [p.root, p.layers, p.snapshots, p.empty, p.tmp, p.shortLinks, p.trash]) await mkdir(d, { recursive: true, mode: 0o700 });
    // An export a crash cut short left its read-only mount in tmp/: it must go before tmp/ does.
    for (const m of await listMounts()) if (m.mountPoint.startsWith(`${p.tmp}/`)) await unmount(m.mountPoint, { lazy: true });
    // Whatever a crash left in tmp/ (a half-unpacked layer, a layer being deleted) can be huge:
    // move all of it aside with one rename and let the reaper delete it while berthd serves.
    if ((await readdir(p.tmp)).length > 0) {
      await this.#discard(p.tmp, 'tmp');
      await mkdir(p.tmp, { mode: 0o700 });
    }
    for (const key of await readdir(p.snapshots)) {
      try {
        const rec = JSON.parse(await readFile(p.snapshotMeta(key), 'utf8')) as SnapshotRecord;
        if (rec.kind === 'view') {
          // Views serve one operation of the run that made them; a restart ends it.
          await unmount(p.merged(key));
          await this.#discard(p.snapshot(key), `view-${key}`);
        } else if (rec.key === key && Array.isArray(rec.layers)) {
          this.snapshots.set(key, rec);
        }
      } catch {
        // A snapshot dir without readable metadata cannot have been handed out: it never finished.
        await this.#discard(p.snapshot(key), 'snap-unfinished');
      }
    }
    for (const hex of await readdir(p.layers)) {
      if (!(await exists(p.layerMeta(hex)))) await this.#discard(p.layer(hex), 'layer-unfinished');
    }
    // Leftovers of a deletion the last run did not finish.
    this.#reaper.kick();
  }

  // ---- layers -------------------------------------------------------------------------------

  /** Starts a new layer in tmp/. The caller fills `dir` and then commits or discards it. */
  async stageLayer(): Promise<StagedLayer> {
    await this.init();
    const base = join(this.paths.tmp, tmpName('layer'));
    const dir = join(base, 'diff');
    await mkdir(dir, { recursive: true, mode: 0o755 });
    let done = false;
    const discard = async (): Promise<void> => {
      done = true;
      await rm(base, { recursive: true, force: true });
    };
    const commit = async (info: LayerInfo): Promise<{ created: boolean }> => {
      if (done) throw new ConflictError('staged layer already committed or discarded');
      const hex = chainHex(info.chainId);
      return this.locks.run(`layer:${hex}`, async () => {
        done = true;
        const final = this.paths.layer(hex);
        if (await exists(final)) {
          await rm(base, { recursive: true, force: true });
          return { created: false };
        }
        try {
          // The unpacked files must be on disk before the layer exists under its name: one syncfs
          // (sync -f) flushes them all, far cheaper than an fsync per file.
          await execOk('sync', ['-f', base]);
          await writeFileAtomic(join(base, 'layer.json'), JSON.stringify({ chainId: info.chainId, diffId: info.diffId, size: info.size }));
          await rename(base, final);
          await fsyncDir(this.paths.layers);
        } catch (err) {
          await rm(base, { recursive: true, force: true });
          throw err;
        }
        return { created: true };
      });
    };
    return { dir, commit, discard };
  }

  /** Whether a layer with this chain id is committed. */
  async hasLayer(chainId: string): Promise<boolean> {
    return exists(this.paths.layerMeta(chainHex(chainId)));
  }

  /** The read-only directory of a committed layer (an overlay lower dir). */
  layerDir(chainId: string): string {
    return this.paths.layerDiff(chainHex(chainId));
  }

  /** The recorded diff id and size of a committed layer; NotFoundError when absent. */
  async layerInfo(chainId: string): Promise<LayerInfo> {
    try {
      return JSON.parse(await readFile(this.paths.layerMeta(chainHex(chainId)), 'utf8')) as LayerInfo;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`layer ${chainId} does not exist`);
      throw err;
    }
  }

  /** Chain ids of all committed layers. */
  async listLayers(): Promise<string[]> {
    await this.init();
    const hexes = await readdir(this.paths.layers);
    return hexes.filter((h) => /^[a-f0-9]{64}$/.test(h)).map((h) => `sha256:${h}`);
  }

  /** Lower dirs for a stack of layers given bottom first, in overlay order (top first). */
  lowerDirs(layers: string[]): string[] {
    return layers.map((l) => this.layerDir(l)).reverse();
  }

  /** Chain ids that some prepared snapshot stacks on: these must not be removed. */
  layersInUse(): Set<string> {
    const used = new Set<string>();
    for (const rec of this.snapshots.values()) for (const l of rec.layers) used.add(l);
    return used;
  }

  /**
   * Deletes a committed layer. ConflictError when a snapshot uses it. The dir is renamed into
   * trash/ (so a crash mid-delete never leaves a half layer under its real name) and deleted from
   * there in the background.
   */
  async removeLayer(chainId: string): Promise<void> {
    const hex = chainHex(chainId);
    await this.locks.run(`layer:${hex}`, async () => {
      if (this.layersInUse().has(chainId)) throw new ConflictError(`layer ${chainId} is in use by a container`);
      const dir = this.paths.layer(hex);
      if (!(await exists(dir))) return;
      await rm(this.shortLinkPath(chainId), { force: true });
      await this.#discard(dir, `layer-${hex}`);
    });
  }

  // ---- snapshots ----------------------------------------------------------------------------

  exists(key: string): boolean {
    return this.snapshots.has(key);
  }

  /** The layers a snapshot stacks on, bottom first. */
  snapshotLayers(key: string): string[] {
    return [...this.record(key).layers];
  }

  private record(key: string): SnapshotRecord {
    const rec = this.snapshots.get(key);
    if (!rec) throw new NotFoundError(`snapshot ${key} does not exist`);
    return rec;
  }

  async prepare(key: string, layers: string[]): Promise<void> {
    await this.#create(key, layers, 'active');
  }

  async view(key: string, layers: string[]): Promise<string> {
    await this.#create(key, layers, 'view');
    try {
      return await this.mount(key);
    } catch (err) {
      await this.remove(key);
      throw err;
    }
  }

  async #create(key: string, layers: string[], kind: 'active' | 'view'): Promise<void> {
    checkKey(key);
    for (const l of layers) chainHex(l);
    await this.init();
    await this.locks.run(`snap:${key}`, async () => {
      if (this.snapshots.has(key)) throw new ConflictError(`snapshot ${key} already exists`);
      for (const l of layers) {
        if (!(await this.hasLayer(l))) throw new NotFoundError(`layer ${l} does not exist`);
      }
      const staging = join(this.paths.tmp, tmpName(`snap-${key}`));
      const rec: SnapshotRecord = { key, layers: [...layers], createdAt: Date.now(), kind };
      try {
        await mkdir(staging, { mode: 0o711 });
        // A view's "upper" stays empty: it only gives a zero-layer view its second lower dir.
        for (const d of ['upper', 'work', 'merged']) await mkdir(join(staging, d), { mode: 0o755 });
        await writeFileAtomic(join(staging, 'snapshot.json'), JSON.stringify(rec));
        await rename(staging, this.paths.snapshot(key));
        await fsyncDir(this.paths.snapshots);
      } catch (err) {
        await rm(staging, { recursive: true, force: true });
        throw err;
      }
      this.snapshots.set(key, rec);
    });
  }

  /** The overlay mount for a prepared snapshot (absolute paths). */
  mountSpec(key: string): OverlayMountSpec {
    return { type: 'overlay', source: 'overlay', options: this.#mountOptions(key, this.lowerDirs(this.record(key).layers), (p) => p) };
  }

  /**
   * Overlay options over the given lower dirs (top first). A view has no upper dir, and overlayfs
   * then wants at least two lower dirs: the empty dirs below the layers make up the count.
   */
  #mountOptions(key: string, lower: string[], path: (p: string) => string): string[] {
    const rec = this.record(key);
    if (rec.kind === 'view') {
      const dirs = [...lower, path(this.paths.empty), ...(lower.length === 0 ? [path(this.paths.upper(key))] : [])];
      return [`lowerdir=${dirs.join(':')}`];
    }
    const dirs = lower.length > 0 ? lower : [path(this.paths.empty)];
    return [`lowerdir=${dirs.join(':')}`, `upperdir=${path(this.paths.upper(key))}`, `workdir=${path(this.paths.work(key))}`];
  }

  /** The directory the snapshot is (or will be) mounted on. */
  mergedDir(key: string): string {
    this.record(key);
    return this.paths.merged(key);
  }

  async mount(key: string): Promise<string> {
    return this.locks.run(`snap:${key}`, async () => {
      const spec = this.mountSpec(key);
      const target = this.paths.merged(key);
      if (await isMounted(target)) return target;
      let options = spec.options;
      // Long layer stacks overflow the one-page mount data. As overlay2 does, name each lower dir
      // through a short symlink in l/, relative to mount's cwd (the root).
      if (options.join(',').length > MAX_MOUNT_DATA) {
        const rel = (p: string): string => relative(this.paths.root, p);
        const lower: string[] = [];
        for (const l of [...this.record(key).layers].reverse()) lower.push(rel(await this.shortLink(l)));
        options = this.#mountOptions(key, lower, rel);
      }
      await mount('overlay', target, 'overlay', options, { cwd: this.paths.root });
      return target;
    });
  }

  private shortLinkPath(chainId: string): string {
    return this.paths.shortLink(createHash('sha256').update(chainId).digest('hex').slice(0, 20));
  }

  /** A short symlink to a layer's diff dir (created on first use; content-derived, so stable). */
  private async shortLink(chainId: string): Promise<string> {
    const hex = chainHex(chainId);
    const link = this.shortLinkPath(chainId);
    const want = relative(dirname(link), this.paths.layerDiff(hex));
    const have = await readlink(link).catch(() => null);
    if (have !== want) {
      await rm(link, { force: true });
      await symlink(want, link);
    }
    return link;
  }

  async unmount(key: string): Promise<void> {
    await this.locks.run(`snap:${key}`, async () => {
      if (!this.snapshots.has(key)) return;
      await unmount(this.paths.merged(key));
    });
  }

  async remove(key: string): Promise<void> {
    await this.locks.run(`snap:${key}`, async () => {
      if (!this.snapshots.has(key)) return;
      const merged = this.paths.merged(key);
      await unmount(merged);
      await this.#discard(this.paths.snapshot(key), `snap-${key}`);
      this.snapshots.delete(key);
    });
  }

  async usage(key: string): Promise<number> {
    this.record(key);
    return treeSize(this.paths.upper(key));
  }

  // ---- diffs --------------------------------------------------------------------------------

  exportChanges(key: string, opts: ChangesOptions = {}): Readable {
    const rec = this.#active(key);
    if (!opts.placeholders?.length) return packLayer(this.paths.upper(key), opts);
    const upper = this.paths.upper(key);
    const lowers = this.lowerDirs(rec.layers);
    const placeholders = opts.placeholders;
    async function* generate(): AsyncGenerator<Buffer> {
      const skip = await placeholdersIn(upper, lowers, placeholders);
      yield* packLayer(upper, { signal: opts.signal, skip: (rel) => skip.has(rel) }) as AsyncIterable<Buffer>;
    }
    return Readable.from(generate(), { objectMode: false });
  }

  async changes(key: string, opts: ChangesOptions = {}): Promise<FilesystemChange[]> {
    const rec = this.#active(key);
    const upper = this.paths.upper(key);
    const lowers = this.lowerDirs(rec.layers);
    return overlayChanges(upper, lowers, await placeholdersIn(upper, lowers, opts.placeholders ?? []));
  }

  exportRootfs(key: string, opts: { signal?: AbortSignal } = {}): Readable {
    const rec = this.#active(key);
    const root = this.paths.root;
    const target = join(this.paths.tmp, tmpName(`export-${key}`));
    // The container's upper dir as the top lower dir: its whiteouts and opaque dirs hide what
    // they hide, and a read-only mount of our own neither needs nor touches the container's.
    const dirs = [this.paths.upper(key), ...this.lowerDirs(rec.layers), ...(rec.layers.length === 0 ? [this.paths.empty] : [])];
    const lowerLinks = async (): Promise<string[]> => {
      if (dirs.join(':').length <= MAX_MOUNT_DATA) return dirs;
      const links: string[] = [relative(root, dirs[0]!)];
      for (const l of [...rec.layers].reverse()) links.push(relative(root, await this.shortLink(l)));
      if (rec.layers.length === 0) links.push(relative(root, this.paths.empty));
      return links;
    };
    async function* generate(): AsyncGenerator<Buffer> {
      await mkdir(target, { mode: 0o700 });
      try {
        await mount('overlay', target, 'overlay', ['ro', `lowerdir=${(await lowerLinks()).join(':')}`], { cwd: root });
        try {
          yield* packLayer(target, opts) as AsyncIterable<Buffer>;
        } finally {
          await unmount(target, { lazy: true });
        }
      } finally {
        // rmdir, never rm -r: should the unmount have failed, the container's files stay untouched.
        await rmdir(target).catch(() => undefined);
      }
    }
    return Readable.from(generate(), { objectMode: false });
  }

  /**
   * A committed layer as a layer tar stream, made from its unpacked dir. Deterministic, so the
   * digest of this stream is the layer's diff id whenever the layer was made by berth (import,
   * commit, build); for a pulled or loaded layer it is not, and its original blob must be used.
   */
  exportLayer(chainId: string, opts: { signal?: AbortSignal } = {}): Readable {
    return packLayer(this.layerDir(chainId), opts);
  }

  #active(key: string): SnapshotRecord {
    const rec = this.record(key);
    if (rec.kind === 'view') throw new InvalidArgumentError(`snapshot ${key} is a read-only view: it has no changes`);
    return rec;
  }
}
