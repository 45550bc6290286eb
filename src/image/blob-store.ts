import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { DataLossError, InvalidArgumentError, NotFoundError } from '../lib/errors/index.js';
import { writeFileAtomic } from '../lib/fs/atomic.js';
import { digestHex, sha256Digest } from '../oci/digest.js';
import type { ImagePaths } from './paths.js';

/**
 * Small content-addressed blobs (image configs), one file per sha256 digest. Content is checked
 * against its digest when written and again when read, so a torn or tampered file is never
 * served as valid.
 */
export class BlobStore {
  constructor(private readonly paths: ImagePaths) {}

  /** Stores `data`; when `expected` is given it must be the data's digest. Returns the digest. */
  async put(data: Buffer, expected?: string): Promise<string> {
    const digest = sha256Digest(data);
    if (expected !== undefined && expected !== digest) {
      throw new InvalidArgumentError(`blob digest mismatch: expected ${expected}, got ${digest}`);
    }
    if (!(await this.has(digest))) await writeFileAtomic(this.paths.blob(digestHex(digest)), data);
    return digest;
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.paths.blob(digestHex(digest)))).isFile();
    } catch {
      return false;
    }
  }

  /** Reads a blob, verifying it. NotFoundError when absent, DataLossError when corrupt. */
  async get(digest: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.paths.blob(digestHex(digest)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`blob ${digest} not found`);
      throw err;
    }
    if (data.length === 0 || sha256Digest(data) !== digest) throw new DataLossError(`failed to verify blob ${digest}`);
    return data;
  }

  async delete(digest: string): Promise<void> {
    await rm(this.paths.blob(digestHex(digest)), { force: true });
  }

  /** Digests of all stored blobs; names that are not digests (temp files) are skipped. */
  async list(): Promise<string[]> {
    const names = await readdir(this.paths.blobs).catch(() => [] as string[]);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }
}
