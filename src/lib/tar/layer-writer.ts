import {
  chmodSync, closeSync, constants, fchmodSync, fchownSync, ftruncateSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync,
  mkdirSync, openSync, rmSync, symlinkSync, unlinkSync, writeSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { InvalidArgumentError } from '../errors/index.js';
import { cleanEntryPath, PATH_MAX } from './entry-path.js';
import { entryDevice, entryMtime, entryOwner, type TarHeader } from './header.js';
import { ParentCache, resolveInRootSync } from './resolve-in-root.js';
import { runTool } from './run-tool.js';
import { sparseLayout, writeSparse, type SparseTarget } from './sparse.js';
import { applyXattrs, entryXattrs, type Xattr } from './xattrs.js';
import { makeOpaqueDirs, OPAQUE_WHITEOUT, WHITEOUT_META_PREFIX, WhiteoutMaker, WHITEOUT_PREFIX } from './whiteout.js';

/** What {@link LayerWriter} needs to know about the layer it writes. */
export interface LayerWriterOptions {
  /** Create character/block devices and fifos (needs root). Otherwise they are skipped silently. */
  allowDevices?: boolean;
  /** The layer dirs this layer will be stacked on, top first; needed to express opaque dirs when setfattr is missing. */
  lowerDirs?: string[];
  /** Apply the entries' uid/gid. Defaults to true when running as root. */
  chown?: boolean;
  /** Refuse archives with more entries than this (default 10 million). */
  maxEntries?: number;
}

const WHITEOUT_BATCH = 4096;
const XATTR_BATCH = 4096;
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** Writes all of `buf` at `position` (or the file offset when null). */
function writeAll(fd: number, buf: Buffer, position: number | null): void {
  let done = 0;
  while (done < buf.length) {
    done += writeSync(fd, buf, done, buf.length - done, position === null ? null : position + done);
  }
}

/**
 * Applies tar entries to one directory, one at a time, refusing anything that would leave it.
 *
 * Every file-system call is synchronous: this runs in the unpacker's worker thread (see
 * unpack-layer.ts), where a blocking call costs microseconds and a thread-pool round trip per call
 * cost milliseconds. Three habits keep the calls per entry few, each safe only because nobody
 * else writes to the tree meanwhile:
 * - parents are resolved through a {@link ParentCache}, emptied whenever an entry removes or
 *   replaces a directory or symlink or makes a symlink (the only ways a prefix can lead elsewhere);
 * - names are created with O_EXCL (mkdir, symlink and link refuse an existing name the same way),
 *   and only when that fails with EEXIST is the old name looked at and cleared: most names in a
 *   layer are new, and an exclusive create never follows a symlink planted there;
 * - a regular file's owner, mode and times are set through its open descriptor.
 */
export class LayerWriter {
  private readonly dirTimes = new Map<string, number>();
  private readonly opaqueDirs = new Set<string>();
  private readonly chown: boolean;
  private readonly whiteouts: WhiteoutMaker;
  private readonly parents = new ParentCache();
  /** Whiteouts still to make: victim names by parent dir (as in the archive, '/'-joined). */
  private readonly whiteoutsByDir = new Map<string, string[]>();
  private pendingWhiteouts = 0;
  /** Extended attributes still to set, by path inside the layer (symlink-free components). */
  private xattrs: Array<{ rel: string[]; attrs: Xattr[] }> = [];
  size = 0;
  entries = 0;

  constructor(private readonly root: string, private readonly opts: LayerWriterOptions) {
    this.chown = opts.chown ?? process.getuid?.() === 0;
    this.whiteouts = new WhiteoutMaker(root);
  }

  async apply(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    await this.applyEntry(h, body);
    // Set after the entry's owner (chown clears file capabilities), in batches between entries.
    if (this.xattrs.length >= XATTR_BATCH) await this.applyXattrs();
  }

  private async applyXattrs(): Promise<void> {
    const items = this.xattrs;
    this.xattrs = [];
    await applyXattrs(this.root, items);
  }

  private resolve(parts: string[], create: boolean): string {
    return resolveInRootSync(this.root, parts, create ? { createParents: true, replaceWhiteouts: true, cache: this.parents } : { cache: this.parents });
  }

  /** Deletes whatever is at `path` for a new entry; a directory stays when `keepDir`. Returns whether one stayed. */
  private clearFor(path: string, keepDir: boolean): boolean {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) return false;
    if (st.isDirectory()) {
      if (keepDir) return true;
      this.parents.clear();
      rmSync(path, { recursive: true, force: true });
    } else {
      if (st.isSymbolicLink()) this.parents.clear();
      unlinkSync(path);
    }
    return false;
  }

  /** Runs `create` (an exclusive create of `path`); if the name is taken, clears it and tries once more. */
  private createFresh<T>(path: string, create: () => T): T {
    try {
      return create();
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw err;
    }
    this.clearFor(path, false);
    return create();
  }

  private async applyEntry(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    if (++this.entries > (this.opts.maxEntries ?? 10_000_000)) throw new InvalidArgumentError('layer has too many entries');
    const type = h.type;
    // The reader leaves the type empty for flags it does not know (GNU sparse is rewritten before
    // it): multi-volume, volume labels, dump dirs, vendor types. Written as plain files they would
    // be wrong files, silently.
    if (!type) throw new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: unsupported entry type (multi-volume or vendor-specific)`);
    const sparse = type === 'file' || type === 'contiguous-file' ? sparseLayout(h) : null;
    const parts = cleanEntryPath(sparse ? sparse.name : h.name);
    if (parts.length === 0) {
      // "./" itself: the layer root's own metadata is not part of the image.
      if (type !== 'directory') throw new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: names the root`);
      return;
    }
    const base = parts[parts.length - 1]!;
    if (base.startsWith(WHITEOUT_PREFIX)) return this.whiteout(h.name, parts);
    const path = this.resolve(parts, true);
    if (path === this.root) throw new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: names the root`);
    const { uid, gid } = entryOwner(h);
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = entryMtime(h);
    const attrs = entryXattrs(h);
    if (attrs.length > 0 && (type === 'file' || type === 'contiguous-file' || type === 'directory' || type === 'link')) {
      this.xattrs.push({ rel: relative(this.root, path).split(sep), attrs });
    }
    switch (type) {
      case 'directory': {
        try {
          mkdirSync(path, { mode: 0o700 });
        } catch (err) {
          if (errno(err) !== 'EEXIST') throw err;
          if (!this.clearFor(path, true)) mkdirSync(path, { mode: 0o700 });
        }
        // chown first: it clears setuid/setgid bits, which chmod then restores.
        if (this.chown) lchownSync(path, uid, gid);
        chmodSync(path, mode);
        this.dirTimes.set(path, mtime);
        return;
      }
      case 'file':
      case 'contiguous-file': {
        // O_EXCL|O_NOFOLLOW: a name that is taken is cleared first, so nothing there is followed.
        const fd = this.createFresh(path, () => openSync(path, CREATE_FILE, 0o600));
        try {
          if (sparse) {
            const target: SparseTarget = {
              write: (buf, offset, length, position) => writeAll(fd, buf.subarray(offset, offset + length), position),
              truncate: (len) => ftruncateSync(fd, len),
            };
            await writeSparse(target, body, sparse, h.size ?? 0);
          } else {
            for await (const chunk of body) writeAll(fd, chunk, null);
          }
          if (this.chown) fchownSync(fd, uid, gid);
          fchmodSync(fd, mode);
          futimesSync(fd, mtime, mtime);
        } finally {
          closeSync(fd);
        }
        this.size += sparse ? sparse.realSize : h.size ?? 0;
        return;
      }
      case 'symlink': {
        const target = h.linkname ?? '';
        if (target.includes('\0') || target.length > PATH_MAX) throw new InvalidArgumentError(`invalid symlink target for ${JSON.stringify(h.name)}`);
        this.parents.clear();
        this.createFresh(path, () => symlinkSync(target, path));
        if (this.chown) lchownSync(path, uid, gid);
        lutimesSync(path, mtime, mtime);
        return;
      }
      case 'link':
        return this.hardlink(h, path);
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        const dev = type === 'fifo' ? null : entryDevice(h);
        if (!this.opts.allowDevices) return;
        return this.device(path, type, dev, uid, gid, mode, mtime);
      }
      default:
        // pax/gnu meta entries are consumed by tar-stream; anything else has no meaning in a rootfs.
        return;
    }
  }

  private hardlink(h: TarHeader, path: string): void {
    const targetParts = cleanEntryPath(h.linkname ?? '');
    if (targetParts.length === 0) throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: empty target`);
    // The target's last component is not followed: a hardlink to a symlink links the symlink itself.
    const target = this.resolve(targetParts, false);
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (st === undefined) throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: target ${JSON.stringify(h.linkname)} not found in layer`);
    if (st.isDirectory()) throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: target is a directory`);
    if (target === path) return;
    // A link to a symlink is a new symlink at `path`.
    if (st.isSymbolicLink()) this.parents.clear();
    this.createFresh(path, () => linkSync(target, path));
  }

  private async device(path: string, type: string, dev: { major: number; minor: number } | null, uid: number, gid: number, mode: number, mtime: number): Promise<void> {
    const args = ['-m', (mode & 0o777).toString(8), path];
    if (dev === null) args.push('p');
    else args.push(type === 'block-device' ? 'b' : 'c', String(dev.major), String(dev.minor));
    this.clearFor(path, false);
    await runTool('mknod', args);
    if (this.chown) lchownSync(path, uid, gid);
    chmodSync(path, mode);
    lutimesSync(path, mtime, mtime);
  }

  private async whiteout(name: string, parts: string[]): Promise<void> {
    const base = parts[parts.length - 1]!;
    const parentParts = parts.slice(0, -1);
    if (base === OPAQUE_WHITEOUT) {
      const marker = this.resolve([...parentParts, base], true);
      const dir = dirname(marker);
      if (!lstatSync(dir).isDirectory()) throw new InvalidArgumentError(`invalid whiteout entry ${JSON.stringify(name)}`);
      this.opaqueDirs.add(relative(this.root, dir));
      return;
    }
    if (base.startsWith(WHITEOUT_META_PREFIX)) return;
    const victim = base.slice(WHITEOUT_PREFIX.length);
    if (victim === '' || victim === '.' || victim === '..') throw new InvalidArgumentError(`invalid whiteout entry ${JSON.stringify(name)}`);
    const key = parentParts.join('/');
    const victims = this.whiteoutsByDir.get(key);
    if (victims) victims.push(victim);
    else this.whiteoutsByDir.set(key, [victim]);
    // Bounded memory for layers of millions of whiteouts: a batch applied between two entries is
    // as safe as one applied at the end.
    if (++this.pendingWhiteouts >= WHITEOUT_BATCH) await this.applyWhiteouts();
  }

  /**
   * Creates the whiteouts recorded by {@link whiteout}. They wait for a batch to fill or for the
   * last entry so that they can be linked many at once; nothing else writes to the tree
   * meanwhile, so each parent is resolved once.
   */
  private async applyWhiteouts(): Promise<void> {
    const paths: string[] = [];
    for (const [key, victims] of this.whiteoutsByDir) {
      // Resolving a dummy child makes the resolver check (and create) every parent component.
      const dir = dirname(this.resolve([...(key === '' ? [] : key.split('/')), 'x'], true));
      for (const v of victims) paths.push(join(dir, v));
    }
    this.whiteoutsByDir.clear();
    this.pendingWhiteouts = 0;
    await this.whiteouts.makeAll(paths);
  }

  /** Work that waits for the last entry: whiteouts left, opaque markers, xattrs, directory mtimes. */
  async finish(): Promise<void> {
    await this.applyWhiteouts();
    const opaque = [...this.opaqueDirs].map((rel) => (rel === '' ? [] : rel.split(sep)));
    await makeOpaqueDirs(this.root, opaque, this.opts.lowerDirs ?? [], this.whiteouts);
    await this.whiteouts.close();
    await this.applyXattrs();
    for (const [dir, mtime] of this.dirTimes) {
      try {
        lutimesSync(dir, mtime, mtime);
      } catch {
        // replaced by a later entry
      }
    }
  }

  /** Leaves no helper file behind when unpacking stops half-way. */
  async abandon(): Promise<void> {
    await this.whiteouts.close();
  }
}
