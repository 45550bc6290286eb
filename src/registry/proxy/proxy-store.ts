/**
 * The store of a pull-through cache: reads go to a local file-system store and, for what it
 * lacks, to the upstream registry, keeping what comes back.
 *
 * - Manifests by digest are fetched once and served from the cache forever (a digest cannot
 *   change). A tag is asked of the upstream (HEAD, then GET only when the digest is new) at most
 *   once per tag TTL; when the upstream cannot be reached, the cached tag is served, however old.
 * - Blobs are fetched on their first GET into a file that every concurrent reader of the same
 *   digest follows (blob-download.ts): one download, verified before it joins the store.
 * - Pushes and deletes are refused with 405 UNSUPPORTED: the upstream owns the content.
 * - The catalog lists what is cached; tags and referrers are asked of the upstream, with the
 *   cache's as the answer when it cannot be reached.
 */
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { readBody } from '../../lib/http/call.js';
import { MediaType } from '../../oci/index.js';
import type {
  BlobInfo, ChunkRange, ReferrerDescriptor, RegistryStore, StoredManifest, UploadStatus,
} from '../backend.js';
import { algorithmOf, digestOf, isRegistryDigest } from '../digests.js';
import { isRegistryError, registryError } from '../errors.js';
import { parseManifest, referrerDescriptor } from '../manifest.js';
import { isDigestReference } from '../names.js';
import type { FsRegistryStore } from '../storage/fs-store.js';
import { BlobDownload } from './blob-download.js';
import { upstreamError, type UpstreamRegistry } from './upstream.js';

export interface ProxyStoreOptions {
  /** How long a tag the upstream confirmed is served without asking again (default 30 s). */
  tagTtlMs?: number;
  /** Largest manifest taken from the upstream (default 4 MiB). */
  manifestBytes?: number;
}

const ACCEPT_MANIFESTS = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

/** The upstream's body, failing once it goes past `limit` bytes (a digest check alone would only catch it at the end). */
async function* capped(body: AsyncIterable<Buffer>, limit: number): AsyncIterable<Buffer> {
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > limit) throw registryError('unavailable', { limit }, undefined, 'upstream registry sent more bytes than the blob size it announced');
    yield chunk;
  }
}

function readOnly(): Error {
  return registryError('methodNotAllowed', undefined, undefined, 'the operation is unsupported: this registry is a pull-through cache');
}

export class ProxyStore implements RegistryStore {
  readonly #cache: FsRegistryStore;
  readonly #upstream: UpstreamRegistry;
  readonly #tagTtlMs: number;
  readonly #manifestBytes: number;
  /** When each "name:tag" was last confirmed by the upstream. */
  readonly #tagChecked = new Map<string, number>();
  readonly #downloads = new Map<string, BlobDownload>();
  /** Blob sizes the upstream announced (HEAD), the most recent few thousand. */
  readonly #sizes = new Map<string, number>();
  readonly #manifestFetches = new Map<string, Promise<StoredManifest>>();

  constructor(cache: FsRegistryStore, upstream: UpstreamRegistry, opts: ProxyStoreOptions = {}) {
    this.#cache = cache;
    this.#upstream = upstream;
    this.#tagTtlMs = opts.tagTtlMs ?? 30_000;
    this.#manifestBytes = opts.manifestBytes ?? 4 * 1024 * 1024;
  }

  get root(): string {
    return this.#cache.root;
  }

  async close(): Promise<void> {
    await this.#cache.close();
  }

  // --- repositories ---

  /** Any repository may exist upstream; the answers for its content say whether it does. */
  repositoryExists(): Promise<boolean> {
    return Promise.resolve(true);
  }

  listRepositories(): Promise<string[]> {
    return this.#cache.listRepositories();
  }

  // --- blobs ---

  async statBlob(name: string, digest: string): Promise<BlobInfo | undefined> {
    const local = await this.#cache.statBlob(name, digest);
    if (local) return local;
    const res = await this.#upstream.request('HEAD', `/v2/${name}/blobs/${digest}`, name);
    if (res.statusCode !== 200) throw await upstreamError(res, 'blob');
    res.resume();
    const size = Number(res.headers['content-length']);
    if (!Number.isSafeInteger(size) || size < 0) throw registryError('unavailable', { digest }, undefined, 'upstream registry gave no size for the blob');
    this.#sizes.set(digest, size);
    if (this.#sizes.size > 10_000) this.#sizes.delete(this.#sizes.keys().next().value!);
    return { digest, size };
  }

  async openBlob(name: string, digest: string, range?: ChunkRange): Promise<Readable> {
    if (await this.#cache.statBlob(name, digest)) return this.#cache.openBlob(name, digest, range);
    // Cached for another repository: statBlob has just had the upstream confirm this one has it.
    if (await this.#cache.mountBlob(name, digest, undefined)) return this.#cache.openBlob(name, digest, range);
    const dl = this.#downloads.get(digest) ?? this.#startDownload(name, digest, this.#sizes.get(digest));
    await dl.started;
    return dl.reader(range);
  }

  #startDownload(name: string, digest: string, size: number | undefined): BlobDownload {
    const dl = new BlobDownload(this.#cache.tempPath('proxy'), digest, async () => {
      const res = await this.#upstream.request('GET', `/v2/${name}/blobs/${digest}`, name);
      if (res.statusCode !== 200) throw await upstreamError(res, 'blob');
      // The size the client was promised (HEAD), or the answer's own: never read past it.
      const limit = size ?? Number(res.headers['content-length']);
      return Number.isSafeInteger(limit) ? capped(res, limit) : (res as AsyncIterable<Buffer>);
    });
    this.#downloads.set(digest, dl);
    dl.finished
      .then(() => this.#cache.adoptBlob(name, digest, dl.path))
      .catch((err: unknown) => {
        if (!isRegistryError(err)) process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: `proxy: blob ${digest} not cached: ${(err as Error).message}` })}\n`);
      })
      .finally(() => {
        this.#downloads.delete(digest);
        // Gone already when it was adopted; readers still holding it open keep their bytes.
        void rm(dl.path, { force: true });
      });
    return dl;
  }

  deleteBlob(): Promise<void> { return Promise.reject(readOnly()); }
  mountBlob(): Promise<BlobInfo | undefined> { return Promise.reject(readOnly()); }
  putBlob(): Promise<BlobInfo> { return Promise.reject(readOnly()); }
  startUpload(): Promise<UploadStatus> { return Promise.reject(readOnly()); }
  uploadStatus(): Promise<UploadStatus> { return Promise.reject(readOnly()); }
  appendUpload(): Promise<UploadStatus> { return Promise.reject(readOnly()); }
  finishUpload(): Promise<BlobInfo> { return Promise.reject(readOnly()); }
  cancelUpload(): Promise<void> { return Promise.reject(readOnly()); }
  putManifest(): Promise<void> { return Promise.reject(readOnly()); }
  deleteManifest(): Promise<void> { return Promise.reject(readOnly()); }

  // --- manifests ---

  async statManifest(name: string, reference: string): Promise<StoredManifest | undefined> {
    const local = await this.#cache.statManifest(name, reference);
    if (isDigestReference(reference)) return local ?? (await this.#fetchManifest(name, reference));
    const key = `${name}:${reference}`;
    const checked = this.#tagChecked.get(key);
    if (local && checked !== undefined && Date.now() - checked < this.#tagTtlMs) return local;
    try {
      return await this.#revalidateTag(name, reference);
    } catch (err) {
      // Offline: the last known tag beats no answer. A 404 from a reachable upstream is the answer.
      if (local && (isRegistryError(err, 'unavailable') || isRegistryError(err, 'tooManyRequests'))) return local;
      throw err;
    }
  }

  async #revalidateTag(name: string, tag: string): Promise<StoredManifest> {
    const res = await this.#upstream.request('HEAD', `/v2/${name}/manifests/${tag}`, name, { Accept: ACCEPT_MANIFESTS });
    if (res.statusCode !== 200) throw await upstreamError(res, 'manifest');
    res.resume();
    const digest = res.headers['docker-content-digest'];
    if (typeof digest === 'string' && isRegistryDigest(digest) && (await this.#cache.statManifest(name, digest))) {
      const bytes = await this.#cache.readManifest(name, digest);
      const m = await this.#keep(name, digest, bytes, undefined, tag);
      this.#tagChecked.set(`${name}:${tag}`, Date.now());
      return m;
    }
    return this.#fetchManifest(name, tag);
  }

  /** GETs a manifest (one request per name and reference at a time), checks it and caches it. */
  #fetchManifest(name: string, reference: string): Promise<StoredManifest> {
    const key = `${name}@${reference}`;
    let p = this.#manifestFetches.get(key);
    if (!p) {
      p = this.#doFetchManifest(name, reference).finally(() => this.#manifestFetches.delete(key));
      this.#manifestFetches.set(key, p);
    }
    return p;
  }

  async #doFetchManifest(name: string, reference: string): Promise<StoredManifest> {
    const res = await this.#upstream.request('GET', `/v2/${name}/manifests/${reference}`, name, { Accept: ACCEPT_MANIFESTS });
    if (res.statusCode !== 200) throw await upstreamError(res, 'manifest');
    let content: Buffer;
    try {
      content = await readBody(res, this.#manifestBytes);
    } catch (err) {
      throw registryError('unavailable', undefined, undefined, `upstream registry: ${(err as Error).message}`);
    }
    const byDigest = isDigestReference(reference);
    const header = res.headers['docker-content-digest'];
    let digest: string;
    if (byDigest) {
      digest = reference;
    } else if (typeof header === 'string' && isRegistryDigest(header)) {
      digest = header;
    } else {
      digest = digestOf('sha256', content);
    }
    if (digestOf(algorithmOf(digest), content) !== digest) {
      throw registryError('unavailable', { expected: digest }, undefined, 'upstream registry sent a manifest that does not match its digest');
    }
    const contentType = res.headers['content-type']?.split(';')[0]!.trim() || undefined;
    const m = await this.#keep(name, digest, content, contentType, byDigest ? undefined : reference);
    if (!byDigest) this.#tagChecked.set(`${name}:${reference}`, Date.now());
    return m;
  }

  /** Stores a manifest in the cache (and points `tag` at it). */
  async #keep(name: string, digest: string, content: Buffer, contentType: string | undefined, tag: string | undefined): Promise<StoredManifest> {
    let parsed;
    try {
      parsed = parseManifest(content, contentType);
    } catch (err) {
      // What the upstream serves but this registry cannot keep (a schema 1 manifest, say).
      throw registryError('unavailable', { digest }, undefined, `upstream manifest not cacheable: ${(err as Error).message}`);
    }
    await this.#cache.writeManifest(name, {
      digest,
      mediaType: parsed.mediaType,
      content,
      tags: tag !== undefined ? [tag] : [],
      blobs: parsed.blobs,
      manifests: parsed.manifests,
      referrer: parsed.subject !== undefined ? { subject: parsed.subject, descriptor: referrerDescriptor(parsed, digest, content.length) } : undefined,
    });
    return { digest, mediaType: parsed.mediaType, size: content.length };
  }

  readManifest(name: string, digest: string): Promise<Buffer> {
    return this.#cache.readManifest(name, digest);
  }

  async listTags(name: string): Promise<string[]> {
    try {
      const res = await this.#upstream.request('GET', `/v2/${name}/tags/list`, name);
      if (res.statusCode !== 200) throw await upstreamError(res, 'tags');
      let body: { tags?: unknown };
      try {
        body = JSON.parse((await readBody(res, 4 * 1024 * 1024)).toString('utf8')) as typeof body;
      } catch (err) {
        throw registryError('unavailable', undefined, undefined, `upstream registry sent an unreadable tag list: ${(err as Error).message}`);
      }
      return Array.isArray(body?.tags) ? body.tags.filter((t): t is string => typeof t === 'string').sort() : [];
    } catch (err) {
      if (isRegistryError(err, 'unavailable') && (await this.#cache.repositoryExists(name))) return this.#cache.listTags(name);
      throw err;
    }
  }

  async listReferrers(name: string, subject: string): Promise<ReferrerDescriptor[]> {
    try {
      const res = await this.#upstream.request('GET', `/v2/${name}/referrers/${subject}`, name, { Accept: MediaType.ociIndex });
      if (res.statusCode === 200) {
        const body = JSON.parse((await readBody(res, 4 * 1024 * 1024)).toString('utf8')) as { manifests?: unknown };
        if (Array.isArray(body.manifests)) return body.manifests as ReferrerDescriptor[];
      } else {
        res.resume();
      }
    } catch {
      // An upstream without the referrers API, or out of reach: what the cache knows.
    }
    return this.#cache.listReferrers(name, subject);
  }
}
