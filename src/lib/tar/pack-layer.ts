import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InternalError } from '../errors/index.js';
import { readLayerXattrs, type LayerXattrs } from './layer-xattrs.js';
import { encodeTarHeader, TAR_END, tarPadding, type TarHeaderFields } from './tar-header.js';
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './whiteout.js';

/** Options of {@link packLayer}. */
export interface PackLayerOptions {
  signal?: AbortSignal;
  /**
   * Leaves an entry (and, for a directory, everything under it) out of the stream when it
   * returns true; `rel` is the entry's path without a leading "/" ("etc/hosts").
   */
  skip?: (rel: string, st: Stats) => boolean;
}

const CHUNK = 64 * 1024;
const STAT_BATCH = 32;

/** lstat, or null when the entry is gone since the listing (a running container deleted it). */
async function statIfThere(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Names compare as bytes, so the order never depends on a locale or on UTF-16 code units. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// Linux dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
const major = (rdev: number): number => Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
const minor = (rdev: number): number => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));

function entryFields(st: Stats, name: string, type: TarHeaderFields['type'], extra: Partial<TarHeaderFields> = {}): TarHeaderFields {
  return { name, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: 0, mtime: Math.floor(st.mtimeMs / 1000), ...extra };
}

/**
 * Whiteout and opaque markers carry no metadata worth keeping, and unpacking does not keep
 * theirs: fixed fields make a layer made from this stream pack back to the same bytes.
 */
function marker(name: string): TarHeaderFields {
  return { name, type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 };
}

async function* fileContent(path: string, size: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  // O_NOFOLLOW: the walk saw a regular file; if it has since been swapped for a symlink, stop.
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    let done = 0;
    while (done < size) {
      signal?.throwIfAborted();
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - done));
      const { bytesRead } = await fh.read(buf, 0, buf.length, done);
      if (bytesRead === 0) throw new InternalError(`${path} shrank while it was being packed`);
      done += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function* walk(root: string, rel: string, attrs: LayerXattrs, links: Map<string, string>, opts: PackLayerOptions): AsyncGenerator<Buffer> {
  const { signal } = opts;
  const abs = rel === '' ? root : join(root, rel);
  const prefix = rel === '' ? '' : `${rel}/`;
  if (attrs.opaque.has(rel)) yield encodeTarHeader(marker(`${prefix}${OPAQUE_WHITEOUT}`));
  const names = (await readdir(abs)).sort(byteOrder);
  let stats: Array<Stats | null> = [];
  for (let i = 0; i < names.length; i++) {
    signal?.throwIfAborted();
    // Stat a batch of names at once: the thread pool overlaps them, and memory stays bounded.
    if (i % STAT_BATCH === 0) stats = await Promise.all(names.slice(i, i + STAT_BATCH).map((n) => statIfThere(join(abs, n))));
    const name = names[i]!;
    const path = join(abs, name);
    const st = stats[i % STAT_BATCH];
    if (!st) continue;
    const entry = `${prefix}${name}`;
    if (opts.skip?.(entry, st)) continue;
    const xattrs = attrs.carried.get(entry);
    const fields = (stats: Stats, n: string, type: TarHeaderFields['type'], extra: Partial<TarHeaderFields> = {}): TarHeaderFields =>
      entryFields(stats, n, type, xattrs ? { ...extra, xattrs } : extra);
    if (st.isDirectory()) {
      yield encodeTarHeader(fields(st, `${entry}/`, 'directory'));
      yield* walk(root, entry, attrs, links, opts);
    } else if (st.isFile()) {
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        const first = links.get(key);
        if (first !== undefined) {
          yield encodeTarHeader(fields(st, entry, 'link', { linkname: first }));
          continue;
        }
        links.set(key, entry);
      }
      yield encodeTarHeader(fields(st, entry, 'file', { size: st.size }));
      yield* fileContent(path, st.size, signal);
      yield tarPadding(st.size);
    } else if (st.isSymbolicLink()) {
      yield encodeTarHeader(fields(st, entry, 'symlink', { linkname: await readlink(path) }));
    } else if (st.isCharacterDevice() && st.rdev === 0) {
      // An overlayfs whiteout: the OCI form is an empty file named ".wh.<name>".
      yield encodeTarHeader(marker(`${prefix}${WHITEOUT_PREFIX}${name}`));
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const type = st.isCharacterDevice() ? 'character-device' : 'block-device';
      yield encodeTarHeader(fields(st, entry, type, { devmajor: major(st.rdev), devminor: minor(st.rdev) }));
    } else if (st.isFIFO()) {
      yield encodeTarHeader(fields(st, entry, 'fifo'));
    }
    // Sockets are not carried in layers.
  }
}

/**
 * Packs a directory in overlayfs form (a layer dir or a container's upper dir) into an OCI layer
 * tar stream: overlay whiteouts (0/0 character devices) become ".wh.<name>" entries and opaque
 * directories (trusted.overlay.opaque=y) get a ".wh..wh..opq" entry, and file capabilities and
 * user.* attributes travel as PAX SCHILY.xattr records, as unpacking keeps them; all attributes
 * come from one getfattr run over the tree.
 *
 * The output is deterministic: entries in byte order of their names, depth first, with the
 * owner, mode and mtime (whole seconds) of the files and nothing of the packing host or time, so
 * the same tree always gives the same bytes and the same digest. Streamed with backpressure:
 * at most one chunk of one file is in memory. The tree must not change while it is packed.
 */
export function packLayer(dir: string, opts: PackLayerOptions = {}): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    const attrs = await readLayerXattrs(dir, opts.signal);
    yield* walk(dir, '', attrs, new Map(), opts);
    yield TAR_END;
  }
  return Readable.from(generate(), { objectMode: false });
}
