import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError, InvalidArgumentError } from '../../lib/errors/index.js';
import { canDecompressZstd } from '../../lib/tar/index.js';
import {
  chainIds, familiarDigested, familiarString, familiarTagged, isDigest, layerCompression, MediaType, sha256Digest, shortId,
  type Descriptor, type ImageReference,
} from '../../oci/index.js';
import { parsePlatform } from '../platform.js';
import type { ImageConfigFile, ImageRecord } from '../types.js';
import { pullScope, RegistryClient } from './client.js';
import type { RegistryCredentials } from './credentials.js';
import { registryEndpoint, type RegistryEndpoint } from './endpoint.js';
import { registryError, translatePullError } from './errors.js';
import { readBody } from './http.js';
import { Limiter } from './limit.js';
import { ACCEPTED_MANIFEST_TYPES, parseManifest, selectPlatform, type ImageManifest } from './manifest.js';
import { layerMessage, progressMessage, ProgressThrottle, statusMessage, type ProgressSink } from './progress.js';
import type { BlobSources } from './blob-sources.js';
import type { SharedDownloads } from './shared-downloads.js';
import type { DistributionStore } from './store.js';

const MAX_MANIFEST = 4 * 1024 * 1024;
const MAX_CONFIG = 16 * 1024 * 1024;
/** Layers downloaded at once, as dockerd's default --max-concurrent-downloads. */
const CONCURRENT_DOWNLOADS = 3;

export interface PullContext {
  store: DistributionStore;
  insecureRegistries: readonly string[];
  downloads: SharedDownloads;
  /** Where blobs were seen, for pushes that can mount instead of upload. */
  sources?: BlobSources;
}

export interface PullRequest {
  /** What to pull; a reference without tag or digest pulls "latest". */
  ref: ImageReference;
  /** "os[/arch[/variant]]"; the host's platform when absent. */
  platform?: string;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  /** Where to pull from instead of the reference's registry (a mirror of Docker Hub). */
  endpoint?: RegistryEndpoint;
}

export interface PullResult {
  image: ImageRecord;
  /** The reference pulled, as docker prints it ("busybox:latest", "x@sha256:…"). */
  reference: string;
  /** The digest of the manifest (or index) the reference resolved to. */
  digest: string;
}

/** A pull whose manifest is resolved: errors up to here come before any progress is sent. */
export interface PreparedPull {
  run(progress: ProgressSink): Promise<PullResult>;
}

interface FetchedManifest {
  body: Buffer;
  digest: string;
  contentType: string | undefined;
}

async function fetchManifest(client: RegistryClient, ref: ImageReference, target: string): Promise<FetchedManifest> {
  const res = await client.request({
    method: 'GET', path: `/v2/${ref.path}/manifests/${target}`, headers: { Accept: ACCEPTED_MANIFEST_TYPES.join(', ') },
  }, [pullScope(ref.path)]);
  const body = await readBody(res, MAX_MANIFEST);
  if (res.statusCode !== 200) throw registryError(res, body);
  const digest = sha256Digest(body);
  if (isDigest(target) && digest !== target) throw new EngineError(`manifest verification failed for digest ${target}`);
  const ct = res.headers['content-type'];
  return { body, digest, contentType: ct };
}

/**
 * Resolves a reference at its registry: the /v2/ ping and auth, the manifest by tag or digest
 * (verified when pinned by digest), and for an index the platform's manifest (verified by its
 * digest). Errors here get Docker's status and words: 404 "manifest for … not found", "pull
 * access denied …", 500 for an unreachable registry.
 */
export async function preparePull(ctx: PullContext, req: PullRequest): Promise<PreparedPull> {
  const ref = req.ref.tag === undefined && req.ref.digest === undefined ? { ...req.ref, tag: 'latest' } : req.ref;
  const platform = parsePlatform(req.platform);
  const client = new RegistryClient(req.endpoint ?? registryEndpoint(ref.domain, ctx.insecureRegistries), req.credentials, req.signal ? { signal: req.signal } : {});
  let top: FetchedManifest;
  let manifest: ImageManifest;
  try {
    await client.authorize([pullScope(ref.path)]);
    top = await fetchManifest(client, ref, ref.digest ?? ref.tag!);
    let parsed = parseManifest(top.body, top.contentType);
    if (parsed.kind === 'index') {
      const chosen = selectPlatform(parsed, platform);
      const child = await fetchManifest(client, ref, chosen.digest);
      if (child.body.length !== chosen.size) throw new EngineError(`manifest ${chosen.digest} is ${child.body.length} bytes, not the ${chosen.size} its index says`);
      parsed = parseManifest(child.body, child.contentType);
      if (parsed.kind !== 'manifest') throw new InvalidArgumentError(`manifest list entry ${chosen.digest} is itself a manifest list`);
    }
    manifest = parsed;
  } catch (err) {
    throw translatePullError(err, ref);
  }
  for (const l of manifest.layers) {
    const c = layerCompression(l.mediaType);
    if (c === undefined) throw new InvalidArgumentError(`unsupported layer media type ${JSON.stringify(l.mediaType)} in ${familiarString(ref)}`);
    if (c === 'zstd' && !canDecompressZstd()) {
      throw new InvalidArgumentError(`layer ${l.digest} of ${familiarString(ref)} is zstd-compressed and this daemon's Node.js ${process.version} has no zstd decoder (Node.js 22.15 and later have one)`);
    }
  }
  if (manifest.config.mediaType !== MediaType.dockerConfig && manifest.config.mediaType !== MediaType.ociConfig) {
    throw new InvalidArgumentError(`${familiarString(ref)} is not a container image: its config has media type ${JSON.stringify(manifest.config.mediaType)}`);
  }
  return { run: (progress) => new PullRun(ctx, client, ref, manifest, top.digest, req, progress).run() };
}

const MAX_TAGS = 10_000;

/** The tags of a repository (GET /v2/<name>/tags/list, following the Link header's pages). */
export async function listTags(ctx: PullContext, req: Omit<PullRequest, 'platform'>): Promise<string[]> {
  const ref = req.ref;
  const client = new RegistryClient(req.endpoint ?? registryEndpoint(ref.domain, ctx.insecureRegistries), req.credentials, req.signal ? { signal: req.signal } : {});
  const tags: string[] = [];
  try {
    await client.authorize([pullScope(ref.path)]);
    let path: string | undefined = `/v2/${ref.path}/tags/list?n=1000`;
    while (path && tags.length < MAX_TAGS) {
      const res = await client.request({ method: 'GET', path }, [pullScope(ref.path)]);
      const body = await readBody(res, MAX_MANIFEST);
      if (res.statusCode !== 200) throw registryError(res, body);
      const doc = JSON.parse(body.toString('utf8')) as { tags?: unknown };
      if (Array.isArray(doc.tags)) for (const t of doc.tags) if (typeof t === 'string') tags.push(t);
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(String(res.headers.link ?? ''));
      path = link ? link[1] : undefined;
    }
  } catch (err) {
    throw translatePullError(err, ref);
  }
  return [...new Set(tags)].sort();
}

/** One pull after its manifest is known: config, layers, unpack, references. */
class PullRun {
  readonly #stored: string[] = [];
  readonly #held = new Set<string>();
  readonly #abort = new AbortController();
  readonly #downloads = new Map<string, Promise<void>>();
  readonly #limiter = new Limiter(CONCURRENT_DOWNLOADS);

  constructor(
    private readonly ctx: PullContext,
    private readonly client: RegistryClient,
    private readonly ref: ImageReference,
    private readonly manifest: ImageManifest,
    private readonly digest: string,
    private readonly req: PullRequest,
    private readonly progress: ProgressSink,
  ) {
    req.signal?.addEventListener('abort', () => this.#abort.abort(req.signal?.reason), { once: true });
  }

  get #signal(): AbortSignal {
    return this.#abort.signal;
  }

  async run(): Promise<PullResult> {
    const { ref, manifest } = this;
    const named = ref.digest !== undefined ? familiarDigested({ ...ref, digest: ref.digest }) : familiarTagged(ref);
    this.progress(statusMessage(`Pulling from ${ref.path}`, ref.digest ?? ref.tag));
    const prior = this.#tryGet(named)?.id;
    try {
      const configBytes = await this.#fetchConfig(manifest.config);
      const config = this.#checkConfig(configBytes);
      const references = ref.digest !== undefined ? [named] : [named, `${ref.familiarName}@${this.digest}`];
      const exists = this.#tryGet(manifest.config.digest) !== undefined;
      if (!exists) await this.#layers(config);
      const image = await this.ctx.store.addImage({
        config: configBytes,
        layers: manifest.layers,
        blobsStored: true,
        references,
        openLayer: (i) => this.#openLayer(i),
        onLayerStored: (i) => this.progress(layerMessage('Pull complete', shortId(manifest.layers[i]!.digest))),
        signal: this.#signal,
      });
      for (const l of manifest.layers) this.ctx.sources?.record(l.digest, ref.domain, ref.path);
      this.progress(statusMessage(`Digest: ${this.digest}`));
      this.progress(statusMessage(prior === image.id ? `Status: Image is up to date for ${familiarString(ref)}` : `Status: Downloaded newer image for ${familiarString(ref)}`));
      await this.#releaseAll(false);
      return { image, reference: familiarString(ref), digest: this.digest };
    } catch (err) {
      this.#abort.abort(err);
      await Promise.allSettled(this.#downloads.values());
      await this.#releaseAll(true);
      throw err;
    }
  }

  #tryGet(ref: string): ImageRecord | undefined {
    try {
      return this.ctx.store.get(ref);
    } catch {
      return undefined;
    }
  }

  /** Releases this pull's holds; on failure deletes the blobs it stored that nothing else holds. */
  async #releaseAll(failed: boolean): Promise<void> {
    const free: string[] = [];
    for (const d of this.#held) if (this.ctx.downloads.release(d)) free.push(d);
    this.#held.clear();
    if (failed) {
      const mine = free.filter((d) => this.#stored.includes(d));
      if (mine.length > 0) await this.ctx.store.discardBlobs(mine).catch(() => undefined);
    }
  }

  #blobPath(digest: string): string {
    return `/v2/${this.ref.path}/blobs/${digest}`;
  }

  async #getBlob(d: Descriptor): Promise<IncomingMessage> {
    const res = await this.client.request({ method: 'GET', path: this.#blobPath(d.digest) }, [pullScope(this.ref.path)]);
    if (res.statusCode !== 200) throw registryError(res, await readBody(res, 64 * 1024));
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > d.size) {
      res.destroy();
      throw new EngineError(`blob ${d.digest} is ${length} bytes, more than the ${d.size} its manifest says`);
    }
    return res;
  }

  async #fetchConfig(d: Descriptor): Promise<Buffer> {
    if (d.size > MAX_CONFIG) throw new InvalidArgumentError(`image config ${d.digest} is ${d.size} bytes, more than the ${MAX_CONFIG} allowed`);
    const body = await readBody(await this.#getBlob(d), d.size);
    if (body.length !== d.size || sha256Digest(body) !== d.digest) throw new EngineError(`image config verification failed for digest ${d.digest}`);
    return body;
  }

  #checkConfig(bytes: Buffer): ImageConfigFile {
    let config: ImageConfigFile;
    try {
      config = JSON.parse(bytes.toString('utf8')) as ImageConfigFile;
    } catch (err) {
      throw new InvalidArgumentError(`invalid image config: ${(err as Error).message}`);
    }
    const diffIds = config?.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || diffIds.length !== this.manifest.layers.length) throw new InvalidArgumentError('layers from manifest don\'t match image configuration');
    if (this.req.platform) {
      const want = parsePlatform(this.req.platform);
      if (config.os !== want.os || config.architecture !== want.architecture) {
        throw new InvalidArgumentError(`image with reference ${familiarString(this.ref)} was found but does not match the specified platform: wanted ${want.os}/${want.architecture}, actual: ${config.os}/${config.architecture}`);
      }
    }
    return config;
  }

  /** Announces every layer, then starts the downloads of the missing ones (three at a time). */
  async #layers(config: ImageConfigFile): Promise<void> {
    const chain = chainIds(config.rootfs.diff_ids);
    const missing: number[] = [];
    for (let i = 0; i < chain.length; i++) {
      const id = shortId(this.manifest.layers[i]!.digest);
      if (await this.ctx.store.hasLayer(chain[i]!)) {
        this.progress(layerMessage('Already exists', id));
      } else {
        this.progress(layerMessage('Pulling fs layer', id));
        missing.push(i);
      }
    }
    for (const [n, i] of missing.entries()) {
      if (n >= CONCURRENT_DOWNLOADS) this.progress(layerMessage('Waiting', shortId(this.manifest.layers[i]!.digest)));
    }
    for (const i of missing) this.#download(i).catch(() => undefined);
  }

  /** The download of layer `index`'s blob into the content store, started once. */
  #download(index: number): Promise<void> {
    const d = this.manifest.layers[index]!;
    let p = this.#downloads.get(d.digest);
    if (p) return p;
    if (!this.#held.has(d.digest)) {
      this.#held.add(d.digest);
      this.ctx.downloads.hold(d.digest);
    }
    p = this.#limiter.run(async () => {
      let mine = false;
      await this.ctx.downloads.join(d.digest, () => {
        mine = true;
        return this.#fetchBlob(d);
      });
      // Another pull fetched it: its progress went to that pull's client.
      if (!mine) this.progress(layerMessage('Download complete', shortId(d.digest)));
    });
    this.#downloads.set(d.digest, p);
    return p;
  }

  async #fetchBlob(d: Descriptor): Promise<void> {
    const id = shortId(d.digest);
    this.#signal.throwIfAborted();
    if (await this.ctx.store.hasBlob(d.digest)) {
      this.progress(layerMessage('Download complete', id));
      return;
    }
    const res = await this.#getBlob(d);
    const writer = await this.ctx.store.blobWriter();
    try {
      // A registry sending more than the manifest's size is cut off, not stored.
      const count = progressCounter(this.progress, 'Downloading', id, d.size, { tooMuch: () => new EngineError(`filesystem layer verification failed for digest ${d.digest}: the registry sent more than the ${d.size} bytes its manifest says`) });
      await pipeline([res, count, writer.stream] as unknown as [Readable, NodeJS.WritableStream], { signal: this.#signal }).catch((err: unknown) => {
        // A connection the registry dropped mid-blob reads as Go's "unexpected EOF", as in Docker.
        const e = err as NodeJS.ErrnoException;
        if (e instanceof EngineError || e?.name === 'AbortError') throw err;
        throw new EngineError(`failed to download layer ${d.digest}: ${e?.code === 'ECONNRESET' || e?.message === 'aborted' ? 'unexpected EOF' : e?.message}`, { cause: err });
      });
      this.progress(layerMessage('Verifying Checksum', id));
      try {
        await writer.commit({ digest: d.digest, size: d.size });
      } catch (err) {
        throw new EngineError(`filesystem layer verification failed for digest ${d.digest}`, { cause: err });
      }
      this.#stored.push(d.digest);
      this.progress(layerMessage('Download complete', id));
    } catch (err) {
      res.destroy();
      await writer.abort();
      throw err;
    }
  }

  /** Layer `index` for unpacking, once downloaded, reporting extraction progress. */
  async #openLayer(index: number): Promise<Readable> {
    const d = this.manifest.layers[index]!;
    await this.#download(index);
    const id = shortId(d.digest);
    const blob = await this.ctx.store.openBlob(d.digest, { signal: this.#signal });
    const count = progressCounter(this.progress, 'Extracting', id, d.size);
    blob.on('error', (err) => count.destroy(err));
    return blob.pipe(count);
  }
}

/**
 * Passes a blob through, reporting `action` progress as its bytes go by (throttled, and once at
 * the end), and failing with `tooMuch` once more than `total` bytes came.
 */
function progressCounter(progress: ProgressSink, action: string, id: string, total: number, opts: { tooMuch?: () => Error } = {}): Transform {
  let n = 0;
  const throttle = new ProgressThrottle();
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (opts.tooMuch && n > total) {
        cb(opts.tooMuch());
        return;
      }
      if (throttle.due()) progress(progressMessage(action, id, n, total));
      cb(null, chunk);
    },
    flush(cb) {
      progress(progressMessage(action, id, n, total));
      cb();
    },
  });
}
