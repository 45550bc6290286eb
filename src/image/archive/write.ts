import { once } from 'node:events';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import { DataLossError } from '../../lib/errors/index.js';
import { canonicalString, digestHex, Digester, MediaType, parseNamedReference, sha256Digest } from '../../oci/index.js';

/** One layer to write: its uncompressed tar, whose size the tar header needs before the bytes. */
export interface SaveLayer {
  diffId: string;
  size: number;
  /** The layer as an uncompressed tar stream; it must hash to `diffId` and be `size` bytes. */
  open(signal?: AbortSignal): Promise<Readable>;
  /** The stream checks itself against `diffId` and fails before its last bytes (a verified blob reader). */
  selfVerified?: boolean;
}

/** One image to write. */
export interface SaveImage {
  id: string;
  config: Buffer;
  /** Familiar "name:tag" references to record for it; none for an image saved by id. */
  tags: string[];
  layers: SaveLayer[];
}

/** A member of the archive: bytes in memory, or a layer streamed when its turn comes. */
type Member = { name: string; data: Buffer } | { name: string; layer: SaveLayer };

const blobName = (digest: string): string => `blobs/sha256/${digestHex(digest)}`;
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/**
 * What goes in the archive, in order. It is a docker-archive (manifest.json, repositories) and an
 * OCI image layout (oci-layout, index.json, blobs/) at once, laid out as Docker 25 does: every
 * config, manifest and layer is written once as blobs/sha256/<digest>, and manifest.json points
 * at those same files, so Docker 20.10 (which reads manifest.json) and OCI tools (index.json)
 * both load it. Layers are uncompressed tars, so their blob digest is their diff id; a layer two
 * images share is written once. The small files come first: a reader that streams can know the
 * whole plan before the first layer byte.
 */
export function planArchive(images: SaveImage[]): Member[] {
  const blobs = new Map<string, Member>();
  const manifestJson: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  const indexEntries: Array<Record<string, unknown>> = [];
  for (const img of images) {
    blobs.set(img.id, { name: blobName(img.id), data: img.config });
    for (const l of img.layers) if (!blobs.has(l.diffId)) blobs.set(l.diffId, { name: blobName(l.diffId), layer: l });
    const manifest = json({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: img.id, size: img.config.length },
      layers: img.layers.map((l) => ({ mediaType: MediaType.ociLayer, digest: l.diffId, size: l.size })),
    });
    const manifestDigest = sha256Digest(manifest);
    blobs.set(manifestDigest, { name: blobName(manifestDigest), data: manifest });
    const descriptor = { mediaType: MediaType.ociManifest, digest: manifestDigest, size: manifest.length };
    manifestJson.push({ Config: blobName(img.id), RepoTags: img.tags.length ? img.tags : null, Layers: img.layers.map((l) => blobName(l.diffId)) });
    if (img.tags.length === 0) indexEntries.push(descriptor);
    for (const tag of img.tags) {
      const ref = parseNamedReference(tag);
      indexEntries.push({ ...descriptor, annotations: { 'io.containerd.image.name': canonicalString(ref), 'org.opencontainers.image.ref.name': ref.tag ?? 'latest' } });
      const top = img.layers.at(-1);
      if (top) (repositories[ref.familiarName] ??= {})[ref.tag ?? 'latest'] = digestHex(top.diffId);
    }
  }
  const members: Member[] = [
    { name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', data: json({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: indexEntries }) },
    { name: 'manifest.json', data: json(manifestJson) },
  ];
  if (Object.keys(repositories).length > 0) members.push({ name: 'repositories', data: json(repositories) });
  return [...members, ...blobs.values()];
}

/** Checks a layer stream against its diff id and size as it passes; the end fails on a mismatch. */
function verifier(layer: SaveLayer): Transform {
  const d = new Digester();
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      d.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const got = d.digest();
      cb(got === layer.diffId && d.size === layer.size ? null : new DataLossError(`layer ${layer.diffId} does not match what is stored (${d.size} bytes hashing to ${got})`));
    },
  });
}

/** Copies one layer into the pack as a member, waiting whenever the pack's reader is behind. */
async function writeLayer(pack: tarStream.Pack, name: string, layer: SaveLayer, mtime: Date, signal?: AbortSignal): Promise<void> {
  const source = await layer.open(signal);
  const checked = layer.selfVerified ? new PassThrough() : verifier(layer);
  const reading = pipeline(source, checked, signal ? { signal } : {});
  reading.catch(() => undefined);
  const entry = pack.entry({ name, type: 'file', mode: 0o644, size: layer.size, mtime } as tarStream.Header) as unknown as Writable;
  const done = new Promise<void>((resolve, reject) => {
    entry.once('finish', resolve);
    entry.once('close', resolve);
    entry.once('error', reject);
  });
  done.catch(() => undefined);
  try {
    for await (const chunk of checked) {
      if (!entry.write(chunk as Buffer)) await Promise.race([once(entry, 'drain'), done]);
      if ((pack as unknown as { destroyed: boolean }).destroyed) throw new Error('archive stream closed');
    }
    await reading;
  } catch (err) {
    source.destroy();
    throw err;
  }
  entry.end();
  await done;
}

/**
 * Streams the archive of `images` as a tar. Layers are read one at a time at the pace of the
 * reader (the pack honours backpressure), so memory stays flat whatever the image size. An error
 * half-way ends the stream with that error: the reader sees a cut archive, never a wrong one.
 */
export function writeImageArchive(images: SaveImage[], signal?: AbortSignal): Readable {
  const members = planArchive(images);
  const pack = tarStream.pack();
  const mtime = new Date(0);
  const put = (header: Partial<tarStream.Header> & { name: string }, data?: Buffer): Promise<void> => new Promise((resolve, reject) => {
    pack.entry(header as tarStream.Header, data ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
  });
  (async () => {
    await put({ name: 'blobs/', type: 'directory', mode: 0o755, mtime });
    await put({ name: 'blobs/sha256/', type: 'directory', mode: 0o755, mtime });
    for (const m of members) {
      signal?.throwIfAborted();
      if ('data' in m) {
        await put({ name: m.name, type: 'file', mode: 0o644, size: m.data.length, mtime }, m.data);
        continue;
      }
      await writeLayer(pack, m.name, m.layer, mtime, signal);
    }
    pack.finalize();
  })().catch((err: Error) => pack.destroy(err));
  return pack as unknown as Readable;
}
