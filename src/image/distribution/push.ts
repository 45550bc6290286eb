import { Transform, type Readable } from 'node:stream';
import { EngineError, NotFoundError } from '../../lib/errors/index.js';
import { canonicalName, MediaType, sha256Digest, shortId, type Descriptor, type ImageReference } from '../../oci/index.js';
import type { LayerBlob } from '../layer-blobs.js';
import type { ImageRecord } from '../types.js';
import type { BlobSources } from './blob-sources.js';
import { pullScope, pushScope, RegistryClient } from './client.js';
import type { RegistryCredentials } from './credentials.js';
import { registryEndpoint } from './endpoint.js';
import { registryError } from './errors.js';
import { readBody } from './http.js';
import { Limiter } from './limit.js';
import { layerMessage, progressMessage, ProgressThrottle, statusMessage, type ProgressSink } from './progress.js';
import type { DistributionStore } from './store.js';

/** Layers uploaded at once, as dockerd's default --max-concurrent-uploads. */
const CONCURRENT_UPLOADS = 5;

export interface PushContext {
  store: DistributionStore;
  insecureRegistries: readonly string[];
  /** Where blobs were seen: a layer the registry lacks is mounted from another repository there. */
  sources?: BlobSources;
}

/** Repositories asked to lend a blob before it is uploaded, as dockerd tries a few. */
const MAX_MOUNT_ATTEMPTS = 3;

export interface PushRequest {
  /** The repository ("127.0.0.1:5000/team/app"); its tag, if any, is ignored in favour of `tag`. */
  ref: ImageReference;
  /** The tag to push; every local tag of the repository when absent. */
  tag?: string;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
}

export interface PushedTag {
  tag: string;
  digest: string;
  size: number;
}

export interface PreparedPush {
  run(progress: ProgressSink): Promise<PushedTag[]>;
}

/**
 * Checks that there is something to push (Docker's 404 "An image does not exist locally with
 * the tag: x" before the stream starts) and returns the push itself.
 */
export function preparePush(ctx: PushContext, req: PushRequest): PreparedPush {
  const repo = req.ref.familiarName;
  const tags: Array<{ tag: string; image: ImageRecord }> = [];
  if (req.tag) {
    let image: ImageRecord;
    try {
      image = ctx.store.get(`${repo}:${req.tag}`);
    } catch {
      throw new NotFoundError(`An image does not exist locally with the tag: ${repo}`);
    }
    tags.push({ tag: req.tag, image });
  } else {
    for (const image of ctx.store.list()) {
      for (const t of image.repoTags) {
        const i = t.lastIndexOf(':');
        if (t.slice(0, i) === repo) tags.push({ tag: t.slice(i + 1), image });
      }
    }
    if (tags.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${repo}`);
  }
  return {
    async run(progress) {
      progress(statusMessage(`The push refers to repository [${canonicalName(req.ref)}]`));
      const client = new RegistryClient(registryEndpoint(req.ref.domain, ctx.insecureRegistries), req.credentials, req.signal ? { signal: req.signal } : {});
      await client.authorize([pushScope(req.ref.path)]);
      const out: PushedTag[] = [];
      for (const { tag, image } of tags) out.push(await pushTag(ctx, client, req, tag, image, progress));
      return out;
    },
  };
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function pushTag(ctx: PushContext, client: RegistryClient, req: PushRequest, tag: string, image: ImageRecord, progress: ProgressSink): Promise<PushedTag> {
  const path = req.ref.path;
  const scopes = [pushScope(path)];
  const signal = req.signal;
  const diffIds = image.config.rootfs.diff_ids;
  const ids = diffIds.map((d) => shortId(d));
  // Docker lists the top layer first.
  for (let i = diffIds.length - 1; i >= 0; i--) progress(layerMessage('Preparing', ids[i]!));
  for (let i = diffIds.length - 1 - CONCURRENT_UPLOADS; i >= 0; i--) progress(layerMessage('Waiting', ids[i]!));

  const exists = async (digest: string): Promise<boolean> => {
    const res = await client.request({ method: 'HEAD', path: `/v2/${path}/blobs/${digest}` }, scopes);
    res.resume();
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw registryError(res, Buffer.alloc(0));
  };

  const upload = async (digest: string, size: number, body: () => Promise<Readable | Buffer>): Promise<void> => {
    const start = await client.request({ method: 'POST', path: `/v2/${path}/blobs/uploads/`, headers: { 'Content-Length': 0 } }, scopes);
    const startBody = await readBody(start, 64 * 1024);
    if (start.statusCode !== 202 || !start.headers.location) throw registryError(start, startBody);
    const target = new URL(start.headers.location, client.endpoint.base);
    target.searchParams.set('digest', digest);
    const res = await client.request({
      method: 'PUT', path: target.href, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': size }, body: await body(),
    }, scopes);
    const resBody = await readBody(res, 64 * 1024);
    if (res.statusCode !== 201) throw registryError(res, resBody);
  };

  /**
   * Asks the registry to mount the blob from a repository berth saw it in (POST ?mount=&from=):
   * 201 means mounted; 202 means the registry opened an upload instead, which is cancelled so the
   * next candidate (or the upload) starts clean. Resolves to the repository it came from.
   */
  const mount = async (digest: string): Promise<string | undefined> => {
    const candidates = (ctx.sources?.sources(digest, req.ref.domain) ?? []).filter((r) => r !== path).slice(0, MAX_MOUNT_ATTEMPTS);
    for (const from of candidates) {
      try {
        const res = await client.request({
          method: 'POST', path: `/v2/${path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, headers: { 'Content-Length': 0 },
        }, [...scopes, pullScope(from)]);
        await readBody(res, 64 * 1024);
        if (res.statusCode === 201) return from;
        if (res.statusCode === 202 && res.headers.location) {
          const cancel = await client.request({ method: 'DELETE', path: new URL(res.headers.location, client.endpoint.base).href }, scopes);
          cancel.resume();
        }
      } catch (err) {
        if (signal?.aborted) throw err;
        // A refused mount is only a missed shortcut: the upload follows.
      }
    }
    return undefined;
  };

  const limiter = new Limiter(CONCURRENT_UPLOADS);
  const pushLayer = async (i: number): Promise<LayerBlob> => {
    const blob = await ctx.store.layerBlob(image.id, i);
    const id = ids[i]!;
    if (await exists(blob.digest)) {
      progress(layerMessage('Layer already exists', id));
      ctx.sources?.record(blob.digest, req.ref.domain, path);
      return blob;
    }
    const from = await mount(blob.digest);
    if (from !== undefined) {
      progress(layerMessage(`Mounted from ${from}`, id));
      ctx.sources?.record(blob.digest, req.ref.domain, path);
      return blob;
    }
    await upload(blob.digest, blob.size, async () => {
      const src = await ctx.store.openBlob(blob.digest, signal ? { signal } : {});
      let n = 0;
      const throttle = new ProgressThrottle();
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          n += chunk.length;
          if (throttle.due()) progress(progressMessage('Pushing', id, n, blob.size));
          cb(null, chunk);
        },
      });
      src.on('error', (err) => count.destroy(err));
      return src.pipe(count);
    });
    progress(progressMessage('Pushing', id, blob.size, blob.size));
    progress(layerMessage('Pushed', id));
    ctx.sources?.record(blob.digest, req.ref.domain, path);
    return blob;
  };
  // Upper layers go first, as Docker queues them; the manifest lists them bottom first.
  const order = diffIds.map((_, i) => diffIds.length - 1 - i);
  const results = new Map<number, Promise<LayerBlob>>();
  for (const i of order) results.set(i, limiter.run(() => pushLayer(i)));
  const settled = await Promise.allSettled(order.map((i) => results.get(i)!));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const blobs = diffIds.map((_, i) => (settled[order.indexOf(i)] as PromiseFulfilledResult<LayerBlob>).value);

  const config = await readAll(await ctx.store.openBlob(image.id, signal ? { signal } : {}));
  if (!(await exists(image.id))) await upload(image.id, config.length, () => Promise.resolve(config));

  const manifest = buildManifest({ digest: image.id, size: config.length }, blobs);
  const res = await client.request({
    method: 'PUT', path: `/v2/${path}/manifests/${tag}`,
    headers: { 'Content-Type': manifest.mediaType, 'Content-Length': manifest.bytes.length }, body: manifest.bytes,
  }, scopes);
  const body = await readBody(res, 64 * 1024);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw registryError(res, body);
  const digest = sha256Digest(manifest.bytes);
  const given = res.headers['docker-content-digest'];
  if (typeof given === 'string' && given !== '' && given !== digest) throw new EngineError(`the registry stored the manifest as ${given}, but its digest is ${digest}`);
  await ctx.store.addDigestReferences(image.id, [`${req.ref.familiarName}@${digest}`]);
  progress(statusMessage(`${tag}: digest: ${digest} size: ${manifest.bytes.length}`));
  progress({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: manifest.bytes.length } });
  return { tag, digest, size: manifest.bytes.length };
}

const GZIP_LAYERS = new Set<string>([MediaType.dockerLayerGzip, MediaType.ociLayerGzip]);

/**
 * The manifest to push: Docker schema 2 (Docker's media types) when every layer is gzip, as
 * dockerd pushes; an OCI manifest otherwise (uncompressed or zstd layers have no Docker type).
 * Indented with three spaces, as Docker writes its manifests.
 */
export function buildManifest(config: { digest: string; size: number }, layers: LayerBlob[]): { mediaType: string; bytes: Buffer } {
  const docker = layers.every((l) => GZIP_LAYERS.has(l.mediaType));
  const mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
  const layerType = (t: string): string => (docker ? MediaType.dockerLayerGzip : t === MediaType.dockerLayerGzip ? MediaType.ociLayerGzip : t);
  const doc = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, size: config.size, digest: config.digest },
    layers: layers.map((l): Descriptor => ({ mediaType: layerType(l.mediaType), size: l.size, digest: l.digest })),
  };
  return { mediaType, bytes: Buffer.from(JSON.stringify(doc, null, 3)) };
}
