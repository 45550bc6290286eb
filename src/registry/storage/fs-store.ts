/**
 * The registry's store on a local file system. Blob bytes are content-addressed and appear only by
 * rename after they were written, fsynced and verified, so a kill -9 at any moment never leaves a
 * torn blob to serve, and two clients pushing the same blob at once both rename identical bytes
 * into place. Links, tags and referrer entries are small files written atomically.
 * Upload sessions live in memory with their running hash; their bytes sit under uploads/, which
 * is emptied at start (a session does not survive a restart) and swept of idle sessions.
 * Every push touches the blobs, links and revisions it relies on, which is what lets gc.ts run
 * while this store serves (see putManifest).
 */
import { randomBytes, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDir, writeFileAtomic } from '../../lib/fs/atomic.js';
import { KeyedLock } from '../../lib/sync/keyed-lock.js';
import type {
  BlobInfo, ChunkRange, ManifestPut, ReferrerDescriptor, RegistryStore, StoredManifest, UploadStatus,
} from '../backend.js';
import { algorithmOf, digestFromFileName, hashDigest, newHash, type DigestAlgorithm } from '../digests.js';
import { registryError } from '../errors.js';
import { isTag } from '../names.js';
import { StoreLayout } from './layout.js';

interface Session {
  name: string;
  size: number;
  algorithm: DigestAlgorithm;
  hash: Hash;
  busy: boolean;
  touched: number;
}

interface RevisionRecord {
  mediaType: string;
  size: number;
  subject?: string;
}

export interface FsStoreOptions {
  /** Sessions idle longer than this are dropped (default one hour). */
  uploadIdleMs?: number;
}

const READ_CHUNK = 256 * 1024;

function isEnoent(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isEnoent(err)) return false;
    throw err;
  }
}

/** Names in a directory that are ours (not the ".x.tmp" of an interrupted atomic write); [] when absent. */
async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (err) {
    if (isEnoent(err)) return [];
    throw err;
  }
}

/** Streams `body` onto the end of `path`, feeding `hash`; the bytes written. */
async function appendStream(path: string, body: Readable, hash: Hash): Promise<number> {
  let n = 0;
  await pipeline(
    body,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        n += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(path, { flags: 'a' }),
  );
  return n;
}

/**
 * Marks a file as just used (its mtime now), so an online garbage collection that began earlier
 * keeps it; false when it is gone (collected, or never there).
 */
async function touch(path: string): Promise<boolean> {
  const now = new Date();
  try {
    await utimes(path, now, now);
    return true;
  } catch (err) {
    if (isEnoent(err)) return false;
    throw err;
  }
}

/** The digest of a file's bytes, read again (an upload finished with another algorithm than it began with). */
async function fileDigest(path: string, algorithm: DigestAlgorithm): Promise<string> {
  const hash = newHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hashDigest(algorithm, hash);
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class FsRegistryStore implements RegistryStore {
  readonly #layout: StoreLayout;
  readonly #sessions = new Map<string, Session>();
  readonly #manifestLock = new KeyedLock();
  readonly #uploadIdleMs: number;
  #sweeper: NodeJS.Timeout | undefined;

  private constructor(root: string, options: FsStoreOptions) {
    this.#layout = new StoreLayout(root);
    this.#uploadIdleMs = options.uploadIdleMs ?? 60 * 60_000;
  }

  /** Opens (creating) a store at `root`; leftovers of uploads from an earlier run are deleted. */
  static async open(root: string, options: FsStoreOptions = {}): Promise<FsRegistryStore> {
    const store = new FsRegistryStore(root, options);
    const l = store.#layout;
    await rm(l.uploadsDir, { recursive: true, force: true });
    await Promise.all([l.uploadsDir, l.blobsDir, l.repositoriesDir].map((d) => mkdir(d, { recursive: true })));
    store.#sweeper = setInterval(() => { void store.sweepIdleUploads(); }, Math.min(store.#uploadIdleMs, 10 * 60_000));
    store.#sweeper.unref();
    return store;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.resolve();
  }

  get root(): string {
    return this.#layout.root;
  }

  // --- repositories ---

  async repositoryExists(name: string): Promise<boolean> {
    const l = this.#layout;
    return (await exists(l.blobLinks(name))) || (await exists(l.manifestsDir(name)));
  }

  async listRepositories(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if (isEnoent(err)) return;
        throw err;
      }
      if (prefix !== '' && (names.includes('_blobs') || names.includes('_manifests'))) out.push(prefix);
      for (const n of names) {
        if (n.startsWith('_') || n.startsWith('.')) continue;
        await walk(`${dir}/${n}`, prefix === '' ? n : `${prefix}/${n}`);
      }
    };
    await walk(this.#layout.repositoriesDir, '');
    return out.sort();
  }

  // --- blobs ---

  async statBlob(name: string, digest: string): Promise<BlobInfo | undefined> {
    if (!(await exists(this.#layout.blobLink(name, digest)))) return undefined;
    try {
      const st = await stat(this.#layout.blob(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isEnoent(err)) return undefined;
      throw err;
    }
  }

  async openBlob(name: string, digest: string, range?: ChunkRange): Promise<Readable> {
    if (!(await exists(this.#layout.blobLink(name, digest)))) throw registryError('blobUnknown', { digest });
    let fh;
    try {
      fh = await open(this.#layout.blob(digest), 'r');
    } catch (err) {
      if (isEnoent(err)) throw registryError('blobUnknown', { digest });
      throw err;
    }
    return fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: READ_CHUNK });
  }

  async deleteBlob(name: string, digest: string): Promise<void> {
    try {
      await unlink(this.#layout.blobLink(name, digest));
    } catch (err) {
      if (isEnoent(err)) throw registryError('blobUnknown', { digest });
      throw err;
    }
  }

  async mountBlob(name: string, digest: string, from: string | undefined): Promise<BlobInfo | undefined> {
    let size: number;
    if (from !== undefined) {
      const info = await this.statBlob(from, digest);
      if (!info) return undefined;
      size = info.size;
      if (!(await touch(this.#layout.blob(digest)))) return undefined;
    } else {
      try {
        size = (await stat(this.#layout.blob(digest))).size;
      } catch (err) {
        if (isEnoent(err)) return undefined;
        throw err;
      }
      if (!(await touch(this.#layout.blob(digest)))) return undefined;
    }
    await this.#link(name, digest);
    return { digest, size };
  }

  async putBlob(name: string, digest: string, body: Readable): Promise<BlobInfo> {
    const tmp = this.#layout.upload(`put-${randomBytes(16).toString('hex')}`);
    try {
      const algorithm = algorithmOf(digest);
      const hash = newHash(algorithm);
      const size = await appendStream(tmp, body, hash);
      const actual = hashDigest(algorithm, hash);
      if (actual !== digest) throw registryError('digestInvalid', { expected: digest, actual });
      await this.#commitBlob(tmp, digest);
      await this.#link(name, digest);
      return { digest, size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /**
   * Moves verified bytes at `tmp` to the blob's place; identical bytes already there win (and are
   * touched, so a garbage collection running now keeps them).
   */
  async #commitBlob(tmp: string, digest: string): Promise<void> {
    const dest = this.#layout.blob(digest);
    if (await touch(dest)) return;
    // Bytes written long ago (a chunked upload finished later) count as new for a running gc.
    await touch(tmp);
    await fsyncFile(tmp);
    await mkdir(dirname(dest), { recursive: true });
    await rename(tmp, dest);
    await fsyncDir(dirname(dest));
  }

  /** Links (or touches the link of) a blob into `name`; a touched link is one a running gc leaves alone. */
  async #link(name: string, digest: string): Promise<void> {
    const link = this.#layout.blobLink(name, digest);
    if (!(await touch(link))) await writeFileAtomic(link, '');
  }

  /**
   * Takes verified bytes from `tmp` (a file under uploads/, see tempPath) as the blob `digest`
   * and links it into `name`: how the pull-through cache stores what it fetched.
   */
  async adoptBlob(name: string, digest: string, tmp: string): Promise<void> {
    await this.#commitBlob(tmp, digest);
    await this.#link(name, digest);
  }

  /** A fresh path under uploads/ for bytes on their way in (emptied at every start). */
  tempPath(purpose: string): string {
    return this.#layout.upload(`${purpose}-${randomBytes(16).toString('hex')}`);
  }

  // --- uploads ---

  async startUpload(name: string, algorithm: DigestAlgorithm = 'sha256'): Promise<UploadStatus> {
    const id = randomBytes(16).toString('hex');
    await open(this.#layout.upload(id), 'wx').then((fh) => fh.close());
    this.#sessions.set(id, { name, size: 0, algorithm, hash: newHash(algorithm), busy: false, touched: Date.now() });
    return { id, size: 0 };
  }

  #session(name: string, id: string): Session {
    const s = this.#sessions.get(id);
    if (!s || s.name !== name) throw registryError('blobUploadUnknown', { uuid: id });
    return s;
  }

  async uploadStatus(name: string, id: string): Promise<UploadStatus> {
    const s = this.#session(name, id);
    s.touched = Date.now();
    return Promise.resolve({ id, size: s.size });
  }

  /** Appends one chunk; a failed or short chunk is cut off again, so the session stays as it was. */
  async #append(s: Session, id: string, body: Readable, range: ChunkRange | undefined): Promise<void> {
    if (range && range.start !== s.size) {
      throw registryError('rangeInvalid', { expectedStart: s.size, start: range.start }, { 'Range': `0-${Math.max(s.size - 1, 0)}` });
    }
    const before = s.hash.copy();
    const path = this.#layout.upload(id);
    let n: number;
    try {
      n = await appendStream(path, body, s.hash);
    } catch (err) {
      s.hash = before;
      await truncate(path, s.size);
      throw err;
    }
    if (range && n !== range.end - range.start + 1) {
      s.hash = before;
      await truncate(path, s.size);
      throw registryError('sizeInvalid', { expected: range.end - range.start + 1, received: n });
    }
    s.size += n;
  }

  async #withSession<T>(name: string, id: string, fn: (s: Session) => Promise<T>): Promise<T> {
    const s = this.#session(name, id);
    if (s.busy) throw registryError('uploadBusy', { uuid: id }, { 'Range': `0-${Math.max(s.size - 1, 0)}` });
    s.busy = true;
    try {
      return await fn(s);
    } finally {
      s.busy = false;
      s.touched = Date.now();
    }
  }

  async appendUpload(name: string, id: string, body: Readable, range: ChunkRange | undefined): Promise<UploadStatus> {
    return this.#withSession(name, id, async (s) => {
      await this.#append(s, id, body, range);
      return { id, size: s.size };
    });
  }

  async finishUpload(name: string, id: string, digest: string, body: Readable | undefined, range: ChunkRange | undefined): Promise<BlobInfo> {
    return this.#withSession(name, id, async (s) => {
      if (body) await this.#append(s, id, body, range);
      // The running hash serves when the client finishes with the algorithm it began with (or none named).
      const algorithm = algorithmOf(digest);
      const actual = algorithm === s.algorithm
        ? hashDigest(algorithm, s.hash.copy())
        : await fileDigest(this.#layout.upload(id), algorithm);
      if (actual !== digest) {
        await this.#dropSession(id);
        throw registryError('digestInvalid', { expected: digest, actual });
      }
      await this.#commitBlob(this.#layout.upload(id), digest);
      await this.#link(name, digest);
      await this.#dropSession(id);
      return { digest, size: s.size };
    });
  }

  async cancelUpload(name: string, id: string): Promise<void> {
    // Not while a chunk is being written: that request still owns the file.
    await this.#withSession(name, id, () => this.#dropSession(id));
  }

  async #dropSession(id: string): Promise<void> {
    this.#sessions.delete(id);
    await rm(this.#layout.upload(id), { force: true });
  }

  /** Drops sessions nobody touched for the idle time (a client that went away without DELETE). */
  async sweepIdleUploads(now = Date.now()): Promise<number> {
    let n = 0;
    for (const [id, s] of this.#sessions) {
      if (!s.busy && now - s.touched > this.#uploadIdleMs) {
        await this.#dropSession(id);
        n++;
      }
    }
    return n;
  }

  // --- manifests ---

  async statManifest(name: string, reference: string): Promise<StoredManifest | undefined> {
    const l = this.#layout;
    let digest = reference;
    if (isTag(reference)) {
      try {
        digest = (await readFile(l.tag(name, reference), 'utf8')).trim();
      } catch (err) {
        if (isEnoent(err)) return undefined;
        throw err;
      }
    }
    const rec = await this.#revision(name, digest);
    return rec && { digest, mediaType: rec.mediaType, size: rec.size };
  }

  async #revision(name: string, digest: string): Promise<RevisionRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.#layout.revision(name, digest), 'utf8')) as RevisionRecord;
    } catch (err) {
      if (isEnoent(err)) return undefined;
      throw err;
    }
  }

  async readManifest(name: string, digest: string): Promise<Buffer> {
    try {
      return await readFile(this.#layout.blob(digest));
    } catch (err) {
      if (isEnoent(err)) throw registryError('manifestUnknown', { name, reference: digest });
      throw err;
    }
  }

  /**
   * Stores a manifest once what it references is in the repository. To stay safe against a
   * garbage collection in another process (gc.ts), everything referenced is touched before the
   * revision is written and again after: a collection that missed the new revision either sees a
   * touch newer than its start and keeps the blob, or took it first, and then the touch fails and
   * the push is refused (a new revision is removed again) rather than left pointing at nothing.
   */
  async putManifest(name: string, put: ManifestPut): Promise<void> {
    const l = this.#layout;
    const missing = await this.#touchReferenced(name, put);
    if (missing.length > 0) throw registryError('manifestBlobUnknown', { digests: missing });
    const isNew = !(await exists(l.revision(name, put.digest)));
    await this.writeManifest(name, put, async () => {
      const gone = await this.#touchReferenced(name, put);
      if (!(await touch(l.blob(put.digest)))) await writeFileAtomic(l.blob(put.digest), put.content);
      if (gone.length === 0) return;
      if (isNew) {
        if (put.referrer) await rm(l.referrer(name, put.referrer.subject, put.digest), { force: true });
        await rm(l.revision(name, put.digest), { force: true });
      }
      throw registryError('manifestBlobUnknown', { digests: gone });
    });
  }

  /** Touches the blobs and child manifests `put` references; the digests that are not there. */
  async #touchReferenced(name: string, put: ManifestPut): Promise<string[]> {
    const l = this.#layout;
    const missing: string[] = [];
    for (const d of put.blobs) if (!(await exists(l.blobLink(name, d))) || !(await touch(l.blob(d)))) missing.push(d);
    for (const d of put.manifests) if (!(await touch(l.revision(name, d)))) missing.push(d);
    return missing;
  }

  /**
   * Stores a manifest without checking what it references: for the pull-through cache, which
   * keeps manifests as the upstream serves them and fetches their blobs when asked. `beforeTags`
   * runs once the revision is written and may refuse the push before any tag moves.
   */
  async writeManifest(name: string, put: ManifestPut, beforeTags?: () => Promise<void>): Promise<void> {
    const l = this.#layout;
    // Bytes first, then the revision that makes them visible, then what points at the revision.
    const dest = l.blob(put.digest);
    if (!(await touch(dest))) {
      await mkdir(dirname(dest), { recursive: true });
      await writeFileAtomic(dest, put.content);
    }
    const rec: RevisionRecord = { mediaType: put.mediaType, size: put.content.length };
    if (put.referrer) rec.subject = put.referrer.subject;
    await writeFileAtomic(l.revision(name, put.digest), JSON.stringify(rec));
    if (put.referrer) {
      await writeFileAtomic(l.referrer(name, put.referrer.subject, put.digest), JSON.stringify(put.referrer.descriptor));
    }
    if (beforeTags) await beforeTags();
    for (const tag of put.tags) {
      await this.#manifestLock.run(`${name}:${tag}`, () => writeFileAtomic(l.tag(name, tag), put.digest));
    }
  }

  async deleteManifest(name: string, reference: string): Promise<void> {
    const l = this.#layout;
    if (isTag(reference)) {
      try {
        await unlink(l.tag(name, reference));
      } catch (err) {
        if (isEnoent(err)) throw registryError('manifestUnknown', { name, reference });
        throw err;
      }
      return;
    }
    const rec = await this.#revision(name, reference);
    if (!rec) throw registryError('manifestUnknown', { name, reference });
    for (const tag of await entries(l.tags(name))) {
      const target = await readFile(l.tag(name, tag), 'utf8').catch(() => '');
      if (target.trim() === reference) await unlink(l.tag(name, tag)).catch(() => {});
    }
    if (rec.subject) await rm(l.referrer(name, rec.subject, reference), { force: true });
    await unlink(l.revision(name, reference));
  }

  async listTags(name: string): Promise<string[]> {
    if (!(await this.repositoryExists(name))) throw registryError('nameUnknown', { name });
    return (await entries(this.#layout.tags(name))).sort();
  }

  async listReferrers(name: string, subject: string): Promise<ReferrerDescriptor[]> {
    const l = this.#layout;
    const out: ReferrerDescriptor[] = [];
    for (const hex of (await entries(l.referrersOf(name, subject))).sort()) {
      const digest = digestFromFileName(hex);
      if (digest === undefined) continue;
      // An entry whose manifest is gone (a crash between the two unlinks) is not listed.
      if (!(await exists(l.revision(name, digest)))) continue;
      try {
        out.push(JSON.parse(await readFile(l.referrer(name, subject, digest), 'utf8')) as ReferrerDescriptor);
      } catch (err) {
        if (!isEnoent(err)) throw err;
      }
    }
    return out;
  }
}
