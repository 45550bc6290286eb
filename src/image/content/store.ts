import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataLossError, InvalidArgumentError, NotFoundError } from '../../lib/errors/index.js';
import { Digester, digestHex, sha256Digest } from '../../oci/index.js';
import type { ContentInfo, ContentStore, ContentWriter, ExpectedContent } from './types.js';
import { FileContentWriter } from './writer.js';

/** Blobs read whole (configs, manifests) are small; anything bigger is refused, not buffered. */
const DEFAULT_MAX_BLOB = 16 * 1024 * 1024;

const HEX = /^[a-f0-9]{64}$/;

/** Where the content store keeps things: see image/paths.ts for the whole tree. */
export interface ContentStoreDirs {
  /** Committed blobs, one file per sha256 hex. */
  blobs: string;
  /** Temp files of writes in progress; anything here at start is a crash's leftover. */
  ingest: string;
}

/**
 * Content-addressed blobs on the local filesystem: configs, manifests and layer blobs, named by
 * the sha256 of their bytes. Every write is verified as it streams and lands with one rename;
 * every read is verified against the name, so a torn or tampered file is never served as valid.
 */
export class LocalContentStore implements ContentStore {
  readonly #dirs: ContentStoreDirs;

  constructor(dirs: ContentStoreDirs) {
    this.#dirs = dirs;
  }

  /** Creates the dirs and drops the temp files of writes a crash interrupted. */
  async init(): Promise<void> {
    await mkdir(this.#dirs.blobs, { recursive: true, mode: 0o700 });
    await rm(this.#dirs.ingest, { recursive: true, force: true });
    await mkdir(this.#dirs.ingest, { recursive: true, mode: 0o700 });
  }

  #path(digest: string): string {
    return join(this.#dirs.blobs, digestHex(digest));
  }

  async info(digest: string): Promise<ContentInfo> {
    try {
      const st = await stat(this.#path(digest));
      if (st.isFile()) return { digest, size: st.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    throw new NotFoundError(`blob ${digest} not found`);
  }

  async has(digest: string): Promise<boolean> {
    return this.info(digest).then(() => true, () => false);
  }

  async reader(digest: string, opts: { signal?: AbortSignal } = {}): Promise<Readable> {
    const { size } = await this.info(digest);
    const digester = new Digester();
    const verify = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        digester.update(chunk);
        cb(null, chunk);
      },
      flush(cb) {
        // The last bytes are only released once the whole blob is known to be right.
        const got = digester.digest();
        cb(got === digest && digester.size === size ? null : new DataLossError(`failed to verify blob ${digest}: content hashes to ${got}`));
      },
    });
    const src = createReadStream(this.#path(digest));
    // pipeline closes the file when the reader is destroyed early, and passes read errors on.
    pipeline(src, verify, opts.signal ? { signal: opts.signal } : {}).catch(() => undefined);
    return verify;
  }

  async readBlob(digest: string, maxSize = DEFAULT_MAX_BLOB): Promise<Buffer> {
    const { size } = await this.info(digest);
    if (size > maxSize) throw new InvalidArgumentError(`blob ${digest} is ${size} bytes, more than the ${maxSize} allowed here`);
    const data = await readFile(this.#path(digest));
    if (data.length === 0 || sha256Digest(data) !== digest) throw new DataLossError(`failed to verify blob ${digest}`);
    return data;
  }

  writer(): Promise<ContentWriter> {
    return FileContentWriter.open({ ingest: this.#dirs.ingest, blobs: this.#dirs.blobs, blob: (hex) => join(this.#dirs.blobs, hex) });
  }

  async ingest(source: Readable, expected: ExpectedContent = {}, opts: { signal?: AbortSignal } = {}): Promise<ContentInfo> {
    if (expected.digest !== undefined) digestHex(expected.digest);
    const w = await this.writer();
    try {
      await pipeline(source, w.stream, opts.signal ? { signal: opts.signal } : {});
      return await w.commit(expected);
    } catch (err) {
      await w.abort();
      throw err;
    }
  }

  async putBlob(data: Buffer, expected: ExpectedContent = {}): Promise<ContentInfo> {
    const digest = sha256Digest(data);
    if (expected.digest !== undefined && expected.digest !== digest) {
      throw new InvalidArgumentError(`blob digest mismatch: expected ${expected.digest}, got ${digest}`);
    }
    if (await this.has(digest)) return { digest, size: data.length };
    return this.ingest(Readable.from([data]), { digest, size: data.length });
  }

  async list(): Promise<ContentInfo[]> {
    const names = await readdir(this.#dirs.blobs).catch(() => [] as string[]);
    const out: ContentInfo[] = [];
    for (const n of names) {
      if (!HEX.test(n)) continue;
      const st = await stat(join(this.#dirs.blobs, n)).catch(() => null);
      if (st?.isFile()) out.push({ digest: `sha256:${n}`, size: st.size });
    }
    return out;
  }

  async delete(digest: string): Promise<void> {
    await rm(this.#path(digest), { force: true });
  }

  async usage(): Promise<number> {
    return (await this.list()).reduce((sum, b) => sum + b.size, 0);
  }
}
