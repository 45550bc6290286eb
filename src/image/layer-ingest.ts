import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ConflictError, InvalidArgumentError } from '../lib/errors/index.js';
import { decompressor, detectCompression, peekBytes, unpackLayer, type UnpackLayerOptions, type UnpackLayerResult } from '../lib/tar/index.js';
import { Digester, layerCompression, MediaType } from '../oci/index.js';
import type { Descriptor } from '../oci/index.js';
import type { ContentIngester, ContentWriter } from './content/types.js';
import type { LayerBlob } from './layer-blobs.js';

/**
 * A pass-through stage that also feeds every chunk to `target`, waiting for it when it is full,
 * so the slower of the two consumers sets the pace and nothing piles up in memory.
 */
export function tap(target: Writable, onEnd?: () => void): Transform {
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (target.write(chunk)) cb(null, chunk);
      else target.once('drain', () => cb(null, chunk));
    },
    flush(cb) {
      onEnd?.();
      cb();
    },
  });
  target.on('error', (err) => t.destroy(err));
  return t;
}

/** What {@link ingestLayer} did: the layer unpacked, and the blob kept for it. */
export interface IngestedLayer {
  unpacked: UnpackLayerResult;
  blob: LayerBlob;
}

/**
 * Unpacks a layer that arrives from outside (load, pull) into `dir` and, in the same single pass,
 * keeps its blob in the content store by the rule in paths.ts: a compressed blob (or any blob with
 * a descriptor) is kept byte for byte and checked against the descriptor; an uncompressed tar
 * without one is gzip-compressed once on the way. On failure nothing is kept (the caller discards
 * `dir`). With `stored`, the blob is already in the content store under the descriptor's digest
 * (a pull downloads and verifies it first) and is only unpacked.
 */
export async function ingestLayer(
  source: Readable, dir: string, content: ContentIngester, unpack: UnpackLayerOptions, descriptor?: Descriptor, stored = false,
): Promise<IngestedLayer> {
  let writer: ContentWriter | undefined;
  const out = new PassThrough();
  try {
    const compression = detectCompression(await peekBytes(source, 6));
    if (descriptor) {
      const declared = layerCompression(descriptor.mediaType);
      if (declared === undefined) throw new InvalidArgumentError(`unsupported layer media type ${JSON.stringify(descriptor.mediaType)}`);
      // The blob is kept under this media type, so it must say what the bytes are.
      if (declared !== compression) throw new InvalidArgumentError(`layer ${descriptor.digest} is ${compression === 'none' ? 'uncompressed' : compression} but its media type ${descriptor.mediaType} says ${declared}`);
    }
    // A blob a pull already stored (verified against the descriptor) is only unpacked; the
    // unpacker's worker decompresses it, off this thread.
    if (stored && descriptor) {
      const feeding = pipeline([source, out] as unknown as [Readable, Writable]);
      feeding.catch((err: Error) => out.destroy(err));
      const unpacked = await unpackLayer(out, dir, unpack);
      await feeding;
      return { unpacked, blob: { digest: descriptor.digest, size: descriptor.size, mediaType: descriptor.mediaType } };
    }
    const keepAsIs = descriptor !== undefined || compression === 'gzip';
    // Kept as the bytes came, a blob is decompressed by the unpacker's worker, off this thread;
    // one to be gzipped here is decompressed here first.
    const decompress = keepAsIs ? null : decompressor(compression);
    writer = await content.writer();
    const w = writer;
    const stages: NodeJS.ReadWriteStream[] = [];
    let compressed: Promise<void> = Promise.resolve();
    if (keepAsIs) stages.push(tap(w.stream as Writable));
    if (decompress) stages.push(decompress);
    if (!keepAsIs) {
      const gzip = createGzip();
      compressed = pipeline(gzip, w.stream);
      compressed.catch(() => undefined);
      stages.push(tap(gzip, () => gzip.end()));
    }
    const feeding = pipeline([source, ...stages, out] as unknown as [Readable, Writable]);
    feeding.catch((err: Error) => out.destroy(err));
    const unpacked = await unpackLayer(out, dir, unpack);
    await feeding;
    await compressed;
    const info = await w.commit(descriptor ? { digest: descriptor.digest, size: descriptor.size } : {});
    const mediaType = descriptor?.mediaType ?? MediaType.ociLayerGzip;
    return { unpacked, blob: { digest: info.digest, size: info.size, mediaType } };
  } catch (err) {
    source.destroy();
    out.destroy();
    await writer?.abort();
    throw err;
  }
}

/**
 * Packs a layer berth made (a deterministic tar stream of it) into one gzip blob in the content
 * store, checking on the way that the tar is the layer `diffId` names. Compression happens here
 * and nowhere else for such a layer: the blob is kept and reused.
 */
export async function packLayerBlob(tar: Readable, diffId: string, content: ContentIngester, signal?: AbortSignal): Promise<LayerBlob> {
  const writer = await content.writer();
  try {
    const plain = new Digester();
    const measure = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        plain.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline([tar, measure, createGzip(), writer.stream] as unknown as [Readable, Writable], signal ? { signal } : {});
    const got = plain.digest();
    if (got !== diffId) {
      throw new ConflictError(`layer ${diffId} cannot be reproduced from its unpacked files (they pack to ${got}); it was stored by an older berth: import or load the image again`);
    }
    const info = await writer.commit();
    return { digest: info.digest, size: info.size, mediaType: MediaType.ociLayerGzip };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
