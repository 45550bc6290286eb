import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { cleanEntryPath } from '../lib/tar/entry-path.js';
import type { ContextSource } from './context.js';

/** The header fields this file sets; tar-stream fills in the rest. */
type EntryHeader = Partial<tarStream.Header> & { name: string };

/** Who copied files belong to, and the mode `--chmod` forces on them. */
export interface CopyAttributes {
  uid: number;
  gid: number;
  /** Applied to every copied file and directory when set. */
  chmod?: number;
}

/** A context source and where it goes: a directory's contents into `dest`, a file to the name `dest`. */
export interface CopyPlacement {
  source: ContextSource;
  dest: string;
}

/** One file-system object met while walking the sources. */
interface WalkedEntry {
  host: string;
  /** Absolute path in the image. */
  dest: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string;
}

/** Every object of the placements, parents before children, in a stable order. */
async function* walk(placements: CopyPlacement[]): AsyncGenerator<WalkedEntry> {
  for (const p of placements) {
    if (p.source.isDir) {
      yield* walkDir(p.source.host, p.dest);
    } else {
      const e = await entryOf(p.source.host, p.dest);
      if (e) yield e;
    }
  }
}

async function* walkDir(hostDir: string, destDir: string): AsyncGenerator<WalkedEntry> {
  for (const name of (await readdir(hostDir)).sort()) {
    const host = join(hostDir, name);
    const e = await entryOf(host, posix.join(destDir, name));
    if (!e) continue;
    yield e;
    if (e.type === 'directory') yield* walkDir(host, e.dest);
  }
}

/** Regular files, directories and symlinks (copied as links, not followed) are copied; sockets and devices are not. */
async function entryOf(host: string, dest: string): Promise<WalkedEntry | undefined> {
  const st = await lstat(host);
  const base = { host, dest, mode: st.mode & 0o7777, size: 0, mtime: st.mtime };
  if (st.isDirectory()) return { ...base, type: 'directory' };
  if (st.isSymbolicLink()) return { ...base, type: 'symlink', linkname: await readlink(host) };
  if (st.isFile()) return { ...base, type: 'file', size: st.size };
  return undefined;
}

/**
 * The cache's view of what a COPY/ADD copies: names, types, modes and file contents (never
 * mtimes, so touching a file or a fresh checkout does not invalidate the step). Hex sha256.
 */
export async function hashPlacements(placements: CopyPlacement[]): Promise<string> {
  const h = createHash('sha256');
  for await (const e of walk(placements)) {
    h.update(`${e.type}\0${e.dest}\0${e.mode.toString(8)}\0`);
    if (e.type === 'symlink') h.update(`${e.linkname}\0`);
    if (e.type === 'file') {
      const fh = createHash('sha256');
      for await (const chunk of createReadStream(e.host)) fh.update(chunk as Buffer);
      h.update(`${e.size}\0${fh.digest('hex')}\0`);
    }
  }
  return h.digest('hex');
}

/**
 * The placements as a tar to extract at "/" of the step's rootfs: entries named by their
 * absolute destination, owned and moded as `attrs` says. `dirs` are directories to make first
 * (a destination that does not exist yet, even when nothing is copied into it).
 */
export function packPlacements(placements: CopyPlacement[], attrs: CopyAttributes, dirs: string[]): Readable {
  const pack = tarStream.pack();
  const put = (h: EntryHeader): Promise<void> => new Promise((res, rej) => pack.entry(h, (e) => (e ? rej(e) : res())));
  const owner = { uid: attrs.uid, gid: attrs.gid };
  void (async () => {
    await new Promise((r) => setImmediate(r));
    try {
      for (const d of dirs) await put({ name: `${d.replace(/^\/+/, '')}/`, type: 'directory', mode: attrs.chmod ?? 0o755, mtime: new Date(), ...owner });
      for await (const e of walk(placements)) {
        const name = e.dest.replace(/^\/+/, '');
        const mode = attrs.chmod ?? e.mode;
        if (e.type === 'directory') await put({ name: `${name}/`, type: 'directory', mode, mtime: e.mtime, ...owner });
        else if (e.type === 'symlink') await put({ name, type: 'symlink', linkname: e.linkname, mode: 0o777, mtime: e.mtime, ...owner });
        else {
          const entry = pack.entry({ name, type: 'file', size: e.size, mode, mtime: e.mtime, ...owner });
          // Exactly the size announced: a file that grew since the walk is cut, one that shrank fails.
          await pipeline(createReadStream(e.host, { start: 0, end: e.size > 0 ? e.size - 1 : -1 }), entry as unknown as NodeJS.WritableStream);
        }
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}

/**
 * Renames the entries of an archive read from another image (`COPY --from`), which are named
 * from the source's base name down: a directory's contents go under `destDir`, a single file
 * becomes `destFile`. Owners and `--chmod` as for context copies; the top directory itself is
 * not copied, as Docker copies a directory's contents.
 */
export function retargetArchive(archive: Readable, target: { destDir?: string; destFile?: string }, attrs: CopyAttributes): Readable {
  const extract = tarStream.extract();
  const pack = tarStream.pack();
  const feeding = pipeline(archive, extract as unknown as NodeJS.WritableStream);
  feeding.catch((err: Error) => pack.destroy(err));
  void (async () => {
    try {
      for await (const entry of extract) {
        const h = entry.header;
        const parts = cleanEntryPath(h.name);
        const body = entry as unknown as Readable;
        let name: string | undefined;
        if (target.destFile !== undefined) name = parts.length === 1 ? target.destFile : undefined;
        else if (parts.length > 1) name = posix.join(target.destDir!, ...parts.slice(1));
        if (name === undefined || !['file', 'directory', 'symlink', 'link'].includes(h.type ?? '')) {
          for await (const _ of body) { /* skipped */ }
          continue;
        }
        const header: EntryHeader = {
          name: name.replace(/^\/+/, '') + (h.type === 'directory' ? '/' : ''),
          type: h.type, mode: attrs.chmod !== undefined && h.type !== 'symlink' ? attrs.chmod : h.mode, mtime: h.mtime,
          uid: attrs.uid, gid: attrs.gid, size: h.type === 'file' ? h.size : 0,
        };
        if (h.type === 'symlink') header.linkname = h.linkname;
        if (h.type === 'link') {
          // A hard link names its target from the archive's top: rename it the same way.
          const lp = cleanEntryPath(h.linkname ?? '');
          const linked = target.destFile !== undefined ? target.destFile : posix.join(target.destDir!, ...lp.slice(1));
          header.linkname = linked.replace(/^\/+/, '');
        }
        const out = pack.entry(header);
        await pipeline(body, out as unknown as NodeJS.WritableStream);
      }
      await feeding;
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}
