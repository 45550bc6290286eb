import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readOpaqueDirs } from '../lib/tar/opaque-dirs.js';
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
 * (same mode and mtime as below) is not listed. Paths are absolute ("/etc/passwd"), in the
 * order of a depth-first walk with names in byte order.
 */
export async function overlayChanges(upper: string, lowers: string[]): Promise<FilesystemChange[]> {
  const opaque = await readOpaqueDirs(upper);
  const out: FilesystemChange[] = [];
  const inLower = async (rel: string): Promise<BigIntStats | null> => {
    for (const l of lowers) {
      const st = await stat(join(l, rel));
      if (st) return isWhiteout(st) ? null : st;
    }
    return null;
  };
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel === '' ? upper : join(upper, rel))).sort(byteOrder);
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await stat(join(upper, path));
      if (!st) continue;
      if (isWhiteout(st)) {
        out.push({ path: `/${path}`, kind: ChangeKind.Deleted });
        continue;
      }
      const below = await inLower(path);
      if (st.isDirectory() && opaque.has(path) && below) {
        out.push({ path: `/${path}`, kind: ChangeKind.Deleted });
      } else if (!below) {
        out.push({ path: `/${path}`, kind: ChangeKind.Added });
      } else if (!(st.isDirectory() && below.isDirectory() && st.mode === below.mode && st.mtimeNs === below.mtimeNs)) {
        out.push({ path: `/${path}`, kind: ChangeKind.Modified });
      }
      if (st.isDirectory()) await walk(path);
    }
  };
  await walk('');
  return out;
}
