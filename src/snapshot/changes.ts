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

/** The path's stat in the topmost lower dir that has it; null when none has it or it is whited out. */
async function inLowers(lowers: string[], rel: string): Promise<BigIntStats | null> {
  for (const l of lowers) {
    const st = await stat(join(l, rel));
    if (st) return isWhiteout(st) ? null : st;
  }
  return null;
}

/**
 * Which of the runtime's mount placeholders (absolute paths) the upper dir holds as the runtime
 * made them: an empty file or directory that no lower layer has. Returned as relative paths.
 */
export async function placeholdersIn(upper: string, lowers: string[], placeholders: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const p of placeholders) {
    const rel = p.replace(/^\/+/, '');
    if (rel === '') continue;
    const st = await stat(join(upper, rel));
    if (!st) continue;
    const empty = st.isFile() ? st.size === 0n : st.isDirectory() ? (await readdir(join(upper, rel))).length === 0 : false;
    if (empty && !(await inLowers(lowers, rel))) found.add(rel);
  }
  return found;
}

/**
 * What a container changed, read from its overlay upper dir against the layer dirs below it (top
 * first), with Docker's rules for overlay: a whiteout is a deletion, an opaque directory that
 * hides a lower one is a deletion of that directory (its new content is listed as additions or
 * modifications), anything else is a modification when some lower layer has the path and an
 * addition otherwise. A directory that was only copied up because something inside it changed
 * (same mode, size and mtime as below) is not listed, unless something in it was added or
 * deleted: then it is listed as modified, just before the first such entry. Paths are absolute
 * ("/etc/passwd"), in the order of a depth-first walk with names in byte order. Relative paths
 * in `skip` (see {@link placeholdersIn}) are left out.
 */
export async function overlayChanges(upper: string, lowers: string[], skip: ReadonlySet<string> = new Set()): Promise<FilesystemChange[]> {
  const { opaque } = await readLayerXattrs(upper);
  const out: FilesystemChange[] = [];
  const inLower = (rel: string): Promise<BigIntStats | null> => inLowers(lowers, rel);
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
      if (skip.has(path)) continue;
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
  if (skip.size === 0) return out;
  // A directory whose only change was getting a placeholder (its mtime moved) is not listed either.
  const holders = new Set([...skip].flatMap((p) => p.split('/').slice(0, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`)));
  return out.filter((c) => c.kind !== ChangeKind.Modified || !holders.has(c.path) || out.some((o) => o.path.startsWith(`${c.path}/`)));
}
