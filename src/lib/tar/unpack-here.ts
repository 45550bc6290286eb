import { createHash } from 'node:crypto';
import { Transform, type Duplex, type Readable } from 'node:stream';
import { EngineError, InvalidArgumentError } from '../errors/index.js';
import { decompressor, detectCompression, peekBytes, type Compression } from './compression.js';
import { TarRewriter } from './tar-rewriter.js';
import { applyTarEntries, discardRest } from './apply-entries.js';
import { LayerWriter, type LayerWriterOptions } from './layer-writer.js';

/** Options for {@link unpackLayerHere}. */
export interface UnpackHereOptions extends LayerWriterOptions {
  signal?: AbortSignal;
}

/** What unpacking a layer learnt. */
export interface UnpackLayerResult {
  /** "sha256:<hex>" of the uncompressed tar stream: the layer's DiffID. */
  diffId: string;
  /** Bytes of regular file content written (hardlinks counted once). */
  size: number;
  /** Bytes of the uncompressed tar stream. */
  tarSize: number;
  compression: Compression;
  entries: number;
}

// EFBIG: a file (often a sparse one) larger than the filesystem can hold is the archive's doing.
const INPUT_ERRNOS = new Set(['ENAMETOOLONG', 'ELOOP', 'ENOTDIR', 'EEXIST', 'EISDIR', 'EFBIG']);

export function asLayerError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.name === 'AbortError') return err;
  const code = typeof e?.code === 'string' ? e.code : '';
  // Errors without an errno come from parsing (tar-stream, zlib): the input is bad, not the host.
  if (!e?.syscall || INPUT_ERRNOS.has(code)) return new InvalidArgumentError(`invalid layer archive: ${e?.message ?? String(err)}`, { cause: err });
  return err;
}

/**
 * {@link unpackLayer}'s work, in the calling thread: the unpacker's worker runs it (and the
 * rules of unpackLayer's comment are kept here). On error `source` is drained, not destroyed.
 */
export async function unpackLayerHere(source: Readable, destDir: string, opts: UnpackHereOptions = {}): Promise<UnpackLayerResult> {
  let compression: Compression;
  let decompress;
  try {
    compression = detectCompression(await peekBytes(source, 6));
    decompress = decompressor(compression);
  } catch (err) {
    discardRest(source);
    throw asLayerError(err);
  }
  const hash = createHash('sha256');
  let tarSize = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      tarSize += chunk.length;
      cb(null, chunk);
    },
  });
  const writer = new LayerWriter(destDir, opts);
  const stages: Duplex[] = decompress ? [decompress, meter, new TarRewriter()] : [meter, new TarRewriter()];
  try {
    await applyTarEntries(source, { stages, writer, undo: () => writer.abandon(), signal: opts.signal });
  } catch (err) {
    throw asLayerError(err);
  }
  return { diffId: `sha256:${hash.digest('hex')}`, size: writer.size, tarSize, compression, entries: writer.entries };
}
