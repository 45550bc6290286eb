import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { InvalidArgumentError } from '../../lib/errors/index.js';

/** JSON files of an archive (manifest.json, index.json, configs, manifests) are small; a bigger one is refused, not read. */
export const MAX_ARCHIVE_JSON = 8 * 1024 * 1024;
/** An image archive has a handful of files per image; this many is an attack, not an archive. */
const MAX_ENTRIES = 100_000;
/** Links followed to reach a file (Docker's own archives use one, for a layer shared by two images). */
const MAX_LINK_HOPS = 8;

/** One member of a spooled archive: a regular file on disk, or a link to another member. */
type SpoolEntry =
  | { kind: 'file'; file: string; size: number }
  | { kind: 'link'; target: string };

/**
 * Splits an archive member name (or a path an archive's manifest names) into components,
 * refusing absolute names and any "..": a well-formed image archive never needs them, and
 * Docker's loader would write such an entry outside its temp dir.
 */
export function archivePath(name: string, what = 'archive entry'): string {
  if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`invalid ${what}: empty path`);
  if (name.includes('\0')) throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(name)}: contains NUL`);
  if (name.startsWith('/')) throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(name)}: absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(name)}: path leaves the archive`);
  if (parts.length === 0) return '.';
  return parts.join('/');
}

/** Resolves a symbolic link's target against the directory of the link, staying inside the archive. */
function linkTarget(linkPath: string, target: string): string {
  if (target.startsWith('/')) throw new InvalidArgumentError(`invalid archive entry ${JSON.stringify(linkPath)}: link to absolute path ${JSON.stringify(target)}`);
  const out = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new InvalidArgumentError(`invalid archive entry ${JSON.stringify(linkPath)}: link ${JSON.stringify(target)} leaves the archive`);
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

/**
 * An image archive unpacked into a private temp directory: every regular member becomes a file
 * named by its position, so no name from the archive ever touches the file system. Load needs
 * this because archives put manifest.json after the layers it orders (Docker writes it last).
 */
export class SpooledArchive {
  readonly #entries = new Map<string, SpoolEntry>();
  readonly #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Reads the whole tar `source` into `dir` (created, and removed again on failure). */
  static async read(source: Readable, dir: string, signal?: AbortSignal): Promise<SpooledArchive> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const archive = new SpooledArchive(dir);
    const extract = tarStream.extract();
    // Piped rather than put in a pipeline: a refused archive must not destroy the source, which
    // is usually the request body; closing it would cut the connection before the error status.
    const forward = (err: Error): void => { extract.destroy(err); };
    source.once('error', forward);
    const onAbort = (): void => { extract.destroy(signal?.reason as Error); };
    signal?.addEventListener('abort', onAbort, { once: true });
    source.pipe(extract as unknown as NodeJS.WritableStream);
    try {
      let n = 0;
      for await (const entry of extract) {
        signal?.throwIfAborted();
        const body = entry as unknown as Readable;
        const h = entry.header;
        if (++n > MAX_ENTRIES) throw new InvalidArgumentError(`invalid archive: more than ${MAX_ENTRIES} entries`);
        const name = archivePath(h.name);
        switch (h.type) {
          case 'file':
          case 'contiguous-file': {
            const file = join(dir, String(n));
            await pipeline(body, createWriteStream(file, { mode: 0o600 }));
            archive.#entries.set(name, { kind: 'file', file, size: h.size ?? 0 });
            break;
          }
          case 'symlink':
            archive.#entries.set(name, { kind: 'link', target: linkTarget(name, h.linkname ?? '') });
            break;
          case 'link':
            // A hard link names another member by its archive path.
            archive.#entries.set(name, { kind: 'link', target: archivePath(h.linkname ?? '', `link target of ${name}`) });
            break;
          case 'directory':
            break;
          default:
            throw new InvalidArgumentError(`invalid archive entry ${JSON.stringify(h.name)}: unexpected ${h.type} entry`);
        }
        body.resume();
      }
    } catch (err) {
      source.unpipe(extract as unknown as NodeJS.WritableStream);
      // The rest is read and dropped, so the client can finish sending and read the answer.
      source.resume();
      extract.destroy();
      await rm(dir, { recursive: true, force: true });
      throw asArchiveError(err);
    } finally {
      source.off('error', forward);
      signal?.removeEventListener('abort', onAbort);
    }
    return archive;
  }

  has(path: string): boolean {
    return this.#entries.has(path);
  }

  /** Whether `path` is present as a regular file itself (not through a link). */
  isPlainFile(path: string): boolean {
    return this.#entries.get(path)?.kind === 'file';
  }

  /**
   * The regular file `path` names. Links are followed only when `followLinks` (Docker's own
   * archives link a shared layer.tar); manifests, configs and blobs must be plain files.
   */
  file(path: string, what: string, followLinks = false): { file: string; size: number } {
    let p = archivePath(path, what);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const e = this.#entries.get(p);
      if (!e) throw new InvalidArgumentError(`invalid archive: ${what} ${JSON.stringify(path)} is missing`);
      if (e.kind === 'file') return e;
      if (!followLinks) throw new InvalidArgumentError(`invalid archive: ${what} ${JSON.stringify(path)} is a link`);
      p = e.target;
    }
    throw new InvalidArgumentError(`invalid archive: ${what} ${JSON.stringify(path)}: too many links`);
  }

  /** A small member read whole, after checking its size. */
  async readSmall(path: string, what: string): Promise<Buffer> {
    const { file, size } = this.file(path, what);
    if (size > MAX_ARCHIVE_JSON) throw new InvalidArgumentError(`invalid archive: ${what} ${JSON.stringify(path)} is ${size} bytes, more than the ${MAX_ARCHIVE_JSON} allowed`);
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(size);
      const { bytesRead } = await fh.read(buf, 0, size, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  /** A small member parsed as JSON. */
  async readJson<T>(path: string, what: string): Promise<T> {
    const data = await this.readSmall(path, what);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (err) {
      throw new InvalidArgumentError(`invalid archive: ${what} ${JSON.stringify(path)}: ${(err as Error).message}`);
    }
  }

  /** The first bytes of a member (to tell a compressed layer from a plain tar). */
  async head(path: string, n: number, followLinks = false): Promise<Buffer> {
    const { file } = this.file(path, 'file', followLinks);
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  open(path: string, what: string, followLinks = false): Readable {
    return createReadStream(this.file(path, what, followLinks).file, { highWaterMark: 256 * 1024 });
  }

  async remove(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** tar-stream's errors for a cut or garbled archive, in words a user can act on. */
function asArchiveError(err: unknown): Error {
  if (err instanceof InvalidArgumentError) return err;
  const msg = (err as Error)?.message ?? String(err);
  if (/unexpected end|premature close|invalid tar header|truncated/i.test(msg)) {
    return new InvalidArgumentError(`invalid archive: the tar stream is truncated or corrupt (${msg})`);
  }
  return err as Error;
}
