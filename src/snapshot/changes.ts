import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readLayerXattrs } from '../lib/tar/index.js';
import { ChangeKind, type FilesystemChange } from './types.js';

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

const isWhiteout = (st: BigIntStats): boolean => st.isCharacterDevice() && st.rdev === 0n;

async function stat(path: string): Promise<BigIntStats | null> {
  try {
    return await lstat(path, { bigint: true });
  } catch {
    return null;
  }
}

/**
 * What a container changed, read from its overlay upper dir against the layer dirs below it (top
 * first), with Docker's rules for overlay: a whiteout is a deletion, an opaque directory that
 * hides a lower one is a deletion of that directory (its new content is listed as additions or
 * modifications), anything else is a modification when some lower layer has the path and an
 * addition otherwise. A directory that was only copied up because something inside it changed
 * (same mode, size and mtime as below) is not listed, unless something in it was added or
 * deleted: then it is listed as modified, just before the first such entry. Paths are absolute
 * ("/etc/passwd"), in the order of a depth-first walk with names in byte order.
 */
export async function overlayChanges(upper: string, lowers: string[]): Promise<FilesystemChange[]> {
  const { opaque } = await readLayerXattrs(upper);
  const out: FilesystemChange[] = [];
  const inLower = async (rel: string): Promise<BigIntStats | null> => {
    for (const l of lowers) {
      const st = await stat(join(l, rel));
      if (st) return isWhiteout(st) ? null : st;
    }
    return null;
  };
  // Directories already listed; an addition or deletion lists its unlisted ancestors first.
  const listed = new Set<string>();
  const record = (path: string, kind: ChangeKind, isDir: boolean): void => {
    if (kind !== ChangeKind.Modified) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (listed.has(dir)) continue;
        listed.add(dir);
        out.push({ path: `/${dir}`, kind: ChangeKind.Modified });
      }
    }
    if (isDir) listed.add(path);
    out.push({ path: `/${path}`, kind });
  };
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel === '' ? upper : join(upper, rel))).sort(byteOrder);
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await stat(join(upper, path));
      if (!st) continue;
      if (isWhiteout(st)) {
        record(path, ChangeKind.Deleted, false);
        continue;
      }
      const below = await inLower(path);
      const dir = st.isDirectory();
      if (dir && opaque.has(path) && below) {
        record(path, ChangeKind.Deleted, true);
      } else if (!below) {
        record(path, ChangeKind.Added, dir);
      } else if (!(dir && below.isDirectory() && st.mode === below.mode && st.size === below.size && st.mtimeNs === below.mtimeNs)) {
        record(path, ChangeKind.Modified, dir);
      }
      if (dir) await walk(path);
    }
  };
  await walk('');
  return out;
}
