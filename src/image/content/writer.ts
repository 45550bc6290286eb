import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import { fsyncDir } from '../../lib/fs/atomic.js';
import { Digester, digestHex } from '../../oci/index.js';
import type { ContentInfo, ContentWriter, ExpectedContent } from './types.js';

/** Where a writer puts its temp file and where committed blobs go. */
export interface WriterDirs {
  ingest: string;
  blobs: string;
  blob(hex: string): string;
}

/**
 * One blob being written: bytes go to ingest/<random> and through a sha256 as they arrive, so the
 * digest is known the moment the last byte is written, with no second read. Commit fsyncs the
 * file, checks what was expected, and renames it to blobs/sha256/<hex>: the blob exists whole
 * under its name or not at all.
 */
export class FileContentWriter implements ContentWriter {
  readonly stream: Writable;
  readonly #dirs: WriterDirs;
  readonly #path: string;
  readonly #fh: FileHandle;
  readonly #digester = new Digester();
  #done = false;

  private constructor(dirs: WriterDirs, path: string, fh: FileHandle) {
    this.#dirs = dirs;
    this.#path = path;
    this.#fh = fh;
    this.stream = new Writable({
      highWaterMark: 256 * 1024,
      write: (chunk: Buffer, _enc, cb) => {
        this.#digester.update(chunk);
        fh.write(chunk).then(() => cb(), cb);
      },
      final: (cb) => cb(),
    });
  }

  static async open(dirs: WriterDirs): Promise<FileContentWriter> {
    const path = join(dirs.ingest, randomBytes(12).toString('hex'));
    return new FileContentWriter(dirs, path, await open(path, 'wx', 0o600));
  }

  get size(): number {
    return this.#digester.size;
  }

  async commit(expected: ExpectedContent = {}): Promise<ContentInfo> {
    if (this.#done) throw new InvalidArgumentError('content writer already committed or aborted');
    this.#done = true;
    try {
      if (!this.stream.writableFinished) {
        await new Promise<void>((resolve, reject) => {
          this.stream.once('error', reject);
          this.stream.end(() => resolve());
        });
      }
      const digest = this.#digester.digest();
      const size = this.#digester.size;
      if (expected.size !== undefined && expected.size !== size) {
        throw new InvalidArgumentError(`blob size mismatch: expected ${expected.size} bytes, got ${size}${expected.digest ? ` (${expected.digest})` : ''}`);
      }
      if (expected.digest !== undefined && expected.digest !== digest) {
        throw new InvalidArgumentError(`blob digest mismatch: expected ${expected.digest}, got ${digest}`);
      }
      await this.#fh.sync();
      await this.#fh.close();
      const final = this.#dirs.blob(digestHex(digest));
      const have = await stat(final).catch(() => null);
      if (have?.isFile() && have.size === size) {
        await rm(this.#path, { force: true });
      } else {
        await rename(this.#path, final);
        await fsyncDir(this.#dirs.blobs);
      }
      return { digest, size };
    } catch (err) {
      await this.#fh.close().catch(() => undefined);
      await rm(this.#path, { force: true });
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.stream.destroy();
    await this.#fh.close().catch(() => undefined);
    await rm(this.#path, { force: true });
  }
}
