import { constants } from 'node:fs';
import { fchmod } from 'node:fs';
import { lchown, link, lstat, lutimes, mkdir, open, symlink } from 'node:fs/promises';
import type { Duplex, Readable } from 'node:stream';
import { EngineError, InvalidArgumentError } from '../../lib/errors/index.js';
import { applyTarEntries } from '../../lib/tar/apply-entries.js';
import { decompressor, detectCompression, peekBytes } from '../../lib/tar/compression.js';
import { cleanEntryPath } from '../../lib/tar/entry-path.js';
import { entryMtime, entryOwner, type TarHeader } from '../../lib/tar/header.js';
import { runTool } from '../../lib/tar/run-tool.js';
import { TarRewriter } from '../../lib/tar/tar-rewriter.js';
import { removeAt } from './remove-tree.js';
import { at, closeFd, openAt, type PinnedRoot } from './root.js';

export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (Docker's noOverwriteDirNonDir). */
  noOverwriteDirNonDir: boolean;
  /** Owner for every entry; null keeps the archive's uid/gid. */
  owner: { uid: number; gid: number } | null;
  maxEntries?: number;
  signal?: AbortSignal;
}

// What a failed extraction removes again; an archive with more new entries than this is only
// partly undone (the first ones), which bounds memory.
const MAX_JOURNAL = 100_000;
const MAX_DIR_TIMES = 100_000;

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Extracts a tar (plain, gzip, bzip2 or xz; decompressed in berthd or by the host's own tools,
 * never the container's) into the directory `destDir` inside the root, as Docker's PUT /archive.
 *
 * Entry names that climb out of `destDir` are refused. Parent directories are looked up from the
 * container root with openat2(RESOLVE_IN_ROOT) (so a symlink in the container or in the archive
 * leads where it would inside the container, never to the host) and each entry is then made as
 * one name in that pinned parent, never following a symlink at the name itself. Hardlink
 * targets are named relative to `destDir` and resolved inside the container like parents. Device nodes are refused. On error, what this call created is
 * removed again (replaced files cannot be restored, as with Docker).
 */
export async function extractTar(root: PinnedRoot, destDir: string, source: Readable, opts: ExtractOptions): Promise<void> {
  const head = await peekBytes(source, 6);
  const decompress = decompressor(detectCompression(head));
  const stages: Duplex[] = decompress ? [decompress, new TarRewriter()] : [new TarRewriter()];
  const writer = new EntryWriter(root, destDir, opts);
  try {
    await applyTarEntries(source, { stages, writer, undo: () => writer.undo(), signal: opts.signal });
  } catch (err) {
    throw asExtractError(err);
  }
}

function asExtractError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e?.code || ['ENOENT', 'ENOTDIR', 'EEXIST', 'ELOOP', 'ENAMETOOLONG', 'EISDIR', 'ENOTEMPTY', 'EXDEV', 'EINVAL'].includes(e.code)) {
    return new InvalidArgumentError(`error extracting archive: ${e?.message ?? String(err)}`, { cause: err });
  }
  return err;
}

class EntryWriter {
  private readonly journal: string[] = [];
  private readonly dirTimes: Array<{ path: string; mtime: number }> = [];
  private entries = 0;

  constructor(private readonly root: PinnedRoot, private readonly dest: string, private readonly opts: ExtractOptions) {}

  private inDest(parts: string[]): string {
    return [this.dest === '/' ? '' : this.dest, ...parts].join('/') || '/';
  }

  private created(parts: string[]): void {
    if (this.journal.length < MAX_JOURNAL) this.journal.push(this.inDest(parts));
  }

  /** The pinned parent directory of an entry, made (0755) where missing. */
  private async parentOf(parts: string[]): Promise<number> {
    try {
      return this.root.openDir(this.inDest(parts));
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
    }
    let cur = this.root.openDir(this.dest);
    try {
      for (let i = 0; i < parts.length; i++) {
        let next: number;
        try {
          next = this.root.openDir(this.inDest(parts.slice(0, i + 1)));
        } catch (err) {
          if (errno(err) !== 'ENOENT') throw err;
          try {
            await mkdir(at(cur, parts[i]!), { mode: 0o755 });
            this.created(parts.slice(0, i + 1));
          } catch (e) {
            if (errno(e) !== 'EEXIST') throw e;
          }
          next = this.root.openDir(this.inDest(parts.slice(0, i + 1)));
        }
        closeFd(cur);
        cur = next;
      }
      return cur;
    } catch (err) {
      closeFd(cur);
      throw err;
    }
  }

  async apply(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    if (++this.entries > (this.opts.maxEntries ?? 10_000_000)) throw new InvalidArgumentError('archive has too many entries');
    const type = h.type;
    if (!type) throw new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: unsupported entry type`);
    if ((type as string) === 'pax-global-header') return;
    const parts = cleanEntryPath(h.name);
    // "./" itself: the destination exists already and keeps its own metadata.
    if (parts.length === 0) return;
    if (type === 'character-device' || type === 'block-device') {
      throw new InvalidArgumentError(`refusing to create device node ${JSON.stringify(h.name)} in a container`);
    }
    if (!['file', 'contiguous-file', 'directory', 'symlink', 'link', 'fifo'].includes(type)) {
      throw new InvalidArgumentError(`invalid tar entry ${JSON.stringify(h.name)}: unsupported entry type ${type}`);
    }
    const owner = this.opts.owner ?? entryOwner(h);
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = entryMtime(h);
    const base = parts[parts.length - 1]!;
    const parent = await this.parentOf(parts.slice(0, -1));
    try {
      const target = at(parent, base);
      const isDir = type === 'directory';
      const existing = await lstat(target).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (existing) {
        if (this.opts.noOverwriteDirNonDir && existing.isDirectory() !== isDir) {
          const shown = this.inDest(parts);
          throw new InvalidArgumentError(existing.isDirectory()
            ? `cannot overwrite directory "${shown}" with non-directory "${h.name}"`
            : `cannot overwrite non-directory "${shown}" with directory "${h.name}"`);
        }
        if (!(existing.isDirectory() && isDir)) await removeAt(parent, base);
      }
      const fresh = !(existing?.isDirectory() && isDir);
      switch (type) {
        case 'directory':
          if (fresh) {
            await mkdir(target, { mode: 0o700 });
            this.created(parts);
          }
          await lchown(target, owner.uid, owner.gid);
          await this.chmodDir(parent, base, mode);
          if (this.dirTimes.length < MAX_DIR_TIMES) this.dirTimes.push({ path: this.inDest(parts), mtime });
          return;
        case 'file':
        case 'contiguous-file': {
          // O_EXCL|O_NOFOLLOW: if the container put anything at the name since, this fails
          // instead of writing through it.
          const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
          this.created(parts);
          try {
            for await (const chunk of body) await fh.write(chunk as Buffer);
            await fh.chown(owner.uid, owner.gid);
            await fh.chmod(mode);
            await fh.utimes(mtime, mtime);
          } finally {
            await fh.close();
          }
          return;
        }
        case 'symlink':
          await symlink(h.linkname ?? '', target);
          this.created(parts);
          break;
        case 'link': {
          const src = cleanEntryPath(h.linkname ?? '');
          if (src.length === 0) throw new InvalidArgumentError(`invalid hardlink ${JSON.stringify(h.name)}: names the destination`);
          const srcParent = this.root.openDir(this.inDest(src.slice(0, -1)));
          try {
            await link(at(srcParent, src[src.length - 1]!), target);
          } finally {
            closeFd(srcParent);
          }
          this.created(parts);
          return;
        }
        case 'fifo':
          // Node cannot mkfifo; the host's mknod does it on the pinned parent (reached through
          // this process's fd table, which the child can read as root).
          await runTool('mknod', ['-m', (mode & 0o777).toString(8), `/proc/${process.pid}/fd/${parent}/${base}`, 'p']);
          this.created(parts);
          break;
      }
      await lchown(target, owner.uid, owner.gid);
      await lutimes(target, mtime, mtime);
    } finally {
      closeFd(parent);
    }
  }

  /** chmod through a descriptor opened without following: chmod(2) on the name would follow a swapped-in symlink. */
  private async chmodDir(parent: number, base: string, mode: number): Promise<void> {
    const fd = openAt(parent, base, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await new Promise<void>((resolve, reject) => fchmod(fd, mode, (err) => (err ? reject(err) : resolve())));
    } finally {
      closeFd(fd);
    }
  }

  /** Directory times last: writing their entries changed them. */
  async finish(): Promise<void> {
    for (const { path, mtime } of this.dirTimes.reverse()) {
      const parts = path.split('/').filter(Boolean);
      if (parts.length === 0) continue;
      let dir: number;
      try {
        dir = this.root.openDir('/' + parts.slice(0, -1).join('/'));
      } catch {
        continue;
      }
      try {
        await lutimes(at(dir, parts[parts.length - 1]!), mtime, mtime).catch(() => undefined);
      } finally {
        closeFd(dir);
      }
    }
  }

  /** Removes what this extraction created, newest first; best effort. */
  async undo(): Promise<void> {
    for (const path of this.journal.reverse()) {
      const parts = path.split('/').filter(Boolean);
      if (parts.length === 0) continue;
      let dir: number;
      try {
        dir = this.root.openDir('/' + parts.slice(0, -1).join('/'));
      } catch {
        continue;
      }
      try {
        await removeAt(dir, parts[parts.length - 1]!).catch(() => undefined);
      } finally {
        closeFd(dir);
      }
    }
  }
}
