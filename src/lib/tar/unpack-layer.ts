import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, open, rm, symlink, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Transform, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { EngineError, InvalidArgumentError } from '../errors/index.js';
import { decompressor, detectCompression, peekBytes, type Compression } from './compression.js';
import { cleanEntryPath, PATH_MAX } from './entry-path.js';
import { TarRewriter } from './tar-rewriter.js';
import { entryDevice, entryMtime, entryOwner, type TarHeader } from './header.js';
import { resolveInRoot } from './resolve-in-root.js';
import { runTool } from './run-tool.js';
import { sparseLayout, writeSparse } from './sparse.js';
import { applyXattrs, entryXattrs, type Xattr } from './xattrs.js';
import { makeOpaqueDirs, OPAQUE_WHITEOUT, WHITEOUT_META_PREFIX, WhiteoutMaker, WHITEOUT_PREFIX } from './whiteout.js';

/** Options for {@link unpackLayer}. */
export interface UnpackLayerOptions {
  /** Create character/block devices and fifos (needs root). Otherwise they are skipped silently. */
  allowDevices?: boolean;
  /** The layer dirs this layer will be stacked on, top first; needed to express opaque dirs when setfattr is missing. */
  lowerDirs?: string[];
  /** Apply the entries' uid/gid. Defaults to true when running as root. */
  chown?: boolean;
  /** Refuse archives with more entries than this (default 10 million). */
  maxEntries?: number;
  signal?: AbortSignal;
}

/** What {@link unpackLayer} learnt while unpacking. */
export interface UnpackLayerResult {
  /** "sha256:<hex>" of the uncompressed tar stream: the layer's DiffID. */
  diffId: string;
  /** Bytes of regular file content written (hardlinks counted once). */
  size: number;
  /** Bytes of the uncompressed tar stream. */
  tarSize: number;
  compression: Compression;
  entries: number;
}

const WHITEOUT_BATCH = 4096;
const XATTR_BATCH = 4096;

/** Deletes whatever a new entry at `path` replaces; a directory stays when the entry is one too. */
async function clearFor(path: string, keepDir: boolean): Promise<boolean> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (st.isDirectory()) {
    if (keepDir) return true;
    await rm(path, { recursive: true, force: true });
  } else {
    await unlink(path);
  }
  return false;
}

/** Applies tar entries to one directory, one at a time, refusing anything that would leave it. */
class LayerWriter {
  private readonly dirTimes = new Map<string, number>();
  private readonly opaqueDirs = new Set<string>();
  private readonly chown: boolean;
  private readonly whiteouts: WhiteoutMaker;
  /** Whiteouts still to make: victim names by parent dir (as in the archive, '/'-joined). */
  private readonly whiteoutsByDir = new Map<string, string[]>();
  private pendingWhiteouts = 0;
  /** Extended attributes still to set, by path inside the layer (symlink-free components). */
  private xattrs: Array<{ rel: string[]; attrs: Xattr[] }> = [];
  size = 0;
  entries = 0;

  constructor(private readonly root: string, private readonly opts: UnpackLayerOptions) {
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
    const path = await resolveInRoot(this.root, parts, { createParents: true, replaceWhiteouts: true });
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
        if (!(await clearFor(path, true))) await mkdir(path, { mode: 0o700 });
        await this.setOwnerMode(path, uid, gid, mode);
        this.dirTimes.set(path, mtime);
        return;
      }
      case 'file':
      case 'contiguous-file': {
        await clearFor(path, false);
        // O_EXCL|O_NOFOLLOW: the name was just cleared, so anything there now is not ours to follow.
        const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        try {
          if (sparse) await writeSparse(fh, body, sparse, h.size ?? 0);
          else for await (const chunk of body) await fh.write(chunk);
        } finally {
          await fh.close();
        }
        this.size += sparse ? sparse.realSize : h.size ?? 0;
        await this.setOwnerMode(path, uid, gid, mode);
        await lutimes(path, mtime, mtime);
        return;
      }
      case 'symlink': {
        const target = h.linkname ?? '';
        if (target.includes('\0') || target.length > PATH_MAX) throw new InvalidArgumentError(`invalid symlink target for ${JSON.stringify(h.name)}`);
        await clearFor(path, false);
        await symlink(target, path);
        if (this.chown) await lchown(path, uid, gid);
        await lutimes(path, mtime, mtime);
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

  private async setOwnerMode(path: string, uid: number, gid: number, mode: number): Promise<void> {
    // chown first: it clears setuid/setgid bits, which chmod then restores.
    if (this.chown) await lchown(path, uid, gid);
    await chmod(path, mode);
  }

  private async hardlink(h: TarHeader, path: string): Promise<void> {
    const targetParts = cleanEntryPath(h.linkname ?? '');
    if (targetParts.length === 0) throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: empty target`);
    // The target's last component is not followed: a hardlink to a symlink links the symlink itself.
    const target = await resolveInRoot(this.root, targetParts);
    let st;
    try {
      st = await lstat(target);
    } catch {
      throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: target ${JSON.stringify(h.linkname)} not found in layer`);
    }
    if (st.isDirectory()) throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: target is a directory`);
    if (target === path) return;
    await clearFor(path, false);
    await link(target, path);
  }

  private async device(path: string, type: string, dev: { major: number; minor: number } | null, uid: number, gid: number, mode: number, mtime: number): Promise<void> {
    const args = ['-m', (mode & 0o777).toString(8), path];
    if (dev === null) args.push('p');
    else args.push(type === 'block-device' ? 'b' : 'c', String(dev.major), String(dev.minor));
    await clearFor(path, false);
    await runTool('mknod', args);
    await this.setOwnerMode(path, uid, gid, mode);
    await lutimes(path, mtime, mtime);
  }

  private async whiteout(name: string, parts: string[]): Promise<void> {
    const base = parts[parts.length - 1]!;
    const parentParts = parts.slice(0, -1);
    if (base === OPAQUE_WHITEOUT) {
      const marker = await resolveInRoot(this.root, [...parentParts, base], { createParents: true, replaceWhiteouts: true });
      const dir = dirname(marker);
      if (!(await lstat(dir)).isDirectory()) throw new InvalidArgumentError(`invalid whiteout entry ${JSON.stringify(name)}`);
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
   * last entry so that they can be linked many at once (one at a time costs a thread-pool round
   * trip each); nothing else writes to the tree meanwhile, so each parent is resolved once.
   */
  private async applyWhiteouts(): Promise<void> {
    const paths: string[] = [];
    for (const [key, victims] of this.whiteoutsByDir) {
      // Resolving a dummy child makes resolveInRoot check (and create) every parent component.
      const dir = dirname(await resolveInRoot(this.root, [...(key === '' ? [] : key.split('/')), 'x'], { createParents: true, replaceWhiteouts: true }));
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
        await lutimes(dir, mtime, mtime);
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

// EFBIG: a file (often a sparse one) larger than the filesystem can hold is the archive's doing.
const INPUT_ERRNOS = new Set(['ENAMETOOLONG', 'ELOOP', 'ENOTDIR', 'EEXIST', 'EISDIR', 'EFBIG']);

function asLayerError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.name === 'AbortError') return err;
  const code = typeof e?.code === 'string' ? e.code : '';
  // Errors without an errno come from parsing (tar-stream, zlib): the input is bad, not the host.
  if (!e?.syscall || INPUT_ERRNOS.has(code)) return new InvalidArgumentError(`invalid layer archive: ${e?.message ?? String(err)}`, { cause: err });
  return err;
}

/**
 * Unpacks one layer tarball (uncompressed, gzip, bzip2 or xz — detected from its first bytes) into
 * `destDir`, streaming, and returns its DiffID. No entry can land outside `destDir`: names that
 * climb out are refused, symlinks met on the way are resolved inside `destDir`, and hardlinks must
 * point at something already unpacked in it. OCI whiteouts become overlayfs whiteouts (0/0 char
 * devices) and opaque markers become opaque directories, so `destDir` can serve as an overlay
 * lower dir as is. Sparse files (GNU old-style and PAX 0.0, 0.1, 1.0) keep their holes; ids,
 * device numbers and sparse maps that cannot be honoured exactly are refused.
 *
 * `destDir` must exist and be written by nobody else meanwhile (use a fresh temp dir).
 * On error, `destDir` holds a partial tree: the caller discards it. `source` is then not
 * destroyed but read to its end and dropped, so a caller serving HTTP can still send its answer.
 */
export async function unpackLayer(source: Readable, destDir: string, opts: UnpackLayerOptions = {}): Promise<UnpackLayerResult> {
  let compression: Compression;
  let decompress;
  try {
    compression = detectCompression(await peekBytes(source, 6));
    decompress = decompressor(compression);
  } catch (err) {
    discardRest(source);
    throw asLayerError(err);
  }
  const hash = createHash('sha256');
  let tarSize = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      tarSize += chunk.length;
      cb(null, chunk);
    },
  });
  const extract = tarStream.extract();
  const writer = new LayerWriter(destDir, opts);
  const stages: Duplex[] = decompress ? [decompress, meter, new TarRewriter()] : [meter, new TarRewriter()];
  const first = stages[0]!;
  // The source is piped in rather than made part of the pipeline, so that a failure here tears
  // down our stages but never the caller's stream (see discardRest).
  const feeding = pipeline([...stages, extract as unknown as NodeJS.WritableStream], opts.signal ? { signal: opts.signal } : {});
  feeding.catch(() => undefined);
  const forwardError = (err: Error): void => { first.destroy(err); };
  source.once('error', forwardError);
  source.pipe(first);
  try {
    for await (const entry of extract) {
      opts.signal?.throwIfAborted();
      const body = entry as unknown as AsyncIterable<Buffer>;
      await writer.apply(entry.header as TarHeader, body);
      for await (const _ of body) { /* drain what apply left unread */ }
    }
    await feeding;
    await writer.finish();
  } catch (err) {
    source.off('error', forwardError);
    source.unpipe(first);
    discardRest(source);
    meter.destroy();
    extract.destroy();
    await writer.abandon();
    throw asLayerError(err);
  }
  source.off('error', forwardError);
  return { diffId: `sha256:${hash.digest('hex')}`, size: writer.size, tarSize, compression, entries: writer.entries };
}

/**
 * Stops using `source` without destroying it: the rest is read and dropped. The source is often
 * an HTTP request body, and destroying it closes the socket before the error status can be sent,
 * so the client saw "EOF" or "broken pipe" instead of the reason.
 */
function discardRest(source: Readable): void {
  source.on('error', () => undefined);
  source.resume();
}
