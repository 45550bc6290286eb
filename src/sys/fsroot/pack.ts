import { constants, type BigIntStats } from 'node:fs';
import { open, opendir, readlink } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import tarStream, { type Header, type Pack } from 'tar-stream';
import { archiveBaseName, type ContainerPath } from './path-rules.js';
import { at, closeFd, fstatFd, O_PATH, openAt, type PinnedRoot } from './root.js';

const CHUNK = 64 * 1024;
// Hardlinked files remembered so a second name becomes a link entry; past this, plain copies.
const MAX_LINKS_REMEMBERED = 100_000;

export interface PackOptions {
  /** Called once the stream is done or failed, to release what the root depends on (mounts). */
  onClose?: () => void;
}

/**
 * Streams a tar of `p` inside the root, as Docker's GET /archive does: a file as one entry named
 * after it, a directory with its name as the top entry ("." and no prefix for "dir/."). Every
 * object is reached as one name in a pinned parent directory and opened as O_PATH without
 * following symlinks; regular files are then reopened through that descriptor, so a container
 * swapping names meanwhile can only change which of its own files is read. Reads wait for the
 * consumer (backpressure), so a slow client holds one chunk, not the tree.
 */
export function packPath(root: PinnedRoot, p: ContainerPath, opts: PackOptions = {}): Readable {
  // The top is pinned now, so a lookup failure is the caller's to report before any byte is sent.
  const base = archiveBaseName(p);
  const whole = p.asDir || p.parts.length === 0;
  const fd = whole
    ? root.open(p.clean === '/' ? '/' : p.clean + '/', O_PATH() | constants.O_DIRECTORY)
    : root.openDir('/' + p.parts.slice(0, -1).join('/'));
  const pack = tarStream.pack();
  const walker = new Walker(pack);
  void (async () => {
    try {
      // The caller attaches its consumer (and error handler) first; an early failure must reach it.
      await new Promise((resolve) => setImmediate(resolve));
      if (whole) await walker.directory(fd, await fstatFd(fd), base);
      else await walker.entry(fd, p.parts[p.parts.length - 1]!, base);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    } finally {
      closeFd(fd);
      opts.onClose?.();
    }
  })();
  return pack as unknown as Readable;
}

class Walker {
  private readonly links = new Map<string, string>();

  constructor(private readonly pack: Pack) {}

  private header(st: BigIntStats, name: string): Partial<Header> & { name: string } {
    return {
      name,
      mode: Number(st.mode) & 0o7777,
      uid: Number(st.uid),
      gid: Number(st.gid),
      mtime: new Date(Number(st.mtimeMs)),
    };
  }

  private async put(h: Partial<Header> & { name: string }): Promise<void> {
    if (this.pack.destroyed) throw new Error('archive stream closed');
    await new Promise<void>((resolve, reject) => this.pack.entry(h, (err) => (err ? reject(err) : resolve())));
  }

  /** One name in the pinned directory `dirFd`, archived as `archName`. */
  async entry(dirFd: number, name: string, archName: string): Promise<void> {
    if (this.pack.destroyed) throw new Error('archive stream closed');
    let fd;
    try {
      fd = openAt(dirFd, name, O_PATH());
    } catch (err) {
      // Gone since it was listed: the container changed its tree; skip it as tar would.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const st = await fstatFd(fd);
      if (st.isDirectory()) return await this.directory(fd, st, archName);
      if (st.isSymbolicLink()) {
        const linkname = await readlink(at(dirFd, name));
        return await this.put({ ...this.header(st, archName), type: 'symlink', linkname });
      }
      if (st.isFile()) return await this.file(fd, st, archName);
      if (st.isFIFO()) return await this.put({ ...this.header(st, archName), type: 'fifo' });
      if (st.isCharacterDevice() || st.isBlockDevice()) {
        const rdev = Number(st.rdev);
        return await this.put({
          ...this.header(st, archName),
          type: st.isCharacterDevice() ? 'character-device' : 'block-device',
          devmajor: (rdev >> 8) & 0xfff,
          devminor: (rdev & 0xff) | ((rdev >> 12) & 0xfff00),
        });
      }
      // Sockets cannot be archived; Docker leaves them out too.
    } finally {
      closeFd(fd);
    }
  }

  async directory(fd: number, st: BigIntStats, archName: string): Promise<void> {
    await this.put({ ...this.header(st, archName === '.' ? './' : `${archName}/`), type: 'directory' });
    const names: string[] = [];
    const dir = await opendir(at(fd));
    for await (const d of dir) names.push(d.name);
    names.sort();
    const prefix = `${archName}/`;
    for (const name of names) await this.entry(fd, name, prefix + name);
  }

  private async file(pathFd: number, st: BigIntStats, archName: string): Promise<void> {
    if (st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.links.get(key);
      if (first !== undefined) return this.put({ ...this.header(st, archName), type: 'link', linkname: first });
      if (this.links.size < MAX_LINKS_REMEMBERED) this.links.set(key, archName);
    }
    // Reopening the O_PATH descriptor reads exactly the inode that was fstat'ed.
    const fh = await open(at(pathFd), constants.O_RDONLY | constants.O_NOCTTY);
    try {
      const size = Number(st.size);
      const entry = this.pack.entry({ ...this.header(st, archName), type: 'file', size }) as unknown as Writable;
      const done = new Promise<void>((resolve, reject) => {
        entry.once('finish', resolve);
        entry.once('error', reject);
        entry.once('close', resolve);
      });
      let pos = 0;
      while (pos < size) {
        const buf = Buffer.alloc(Math.min(CHUNK, size - pos));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        // A file that shrank while read is padded with zeros: the header already promised `size`.
        const chunk = bytesRead === 0 ? buf : buf.subarray(0, bytesRead);
        pos += chunk.length;
        if (!entry.write(chunk)) await Promise.race([once(entry, 'drain'), done]);
        if (this.pack.destroyed) throw new Error('archive stream closed');
      }
      entry.end();
      await done;
    } finally {
      await fh.close();
    }
  }
}
