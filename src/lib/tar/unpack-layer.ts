import type { Readable } from 'node:stream';
import { InternalError } from '../errors/index.js';
import type { LayerWriterOptions } from './layer-writer.js';
import { discardRest } from './apply-entries.js';
import { asLayerError, type UnpackLayerResult } from './unpack-here.js';
import { takeWorker, returnWorker } from './unpack-pool.js';
import { fromWire, type FromWorker, type ToWorker } from './unpack-protocol.js';

export type { UnpackLayerResult } from './unpack-here.js';

/** Options for {@link unpackLayer}. */
export interface UnpackLayerOptions extends LayerWriterOptions {
  signal?: AbortSignal;
}

/** Layer bytes handed to the worker and not yet taken off its queue; the source waits beyond this. */
const MAX_IN_FLIGHT = 8 << 20;

/**
 * Unpacks one layer tarball (uncompressed, gzip, bzip2 or xz — detected from its first bytes) into
 * `destDir`, streaming, and returns its DiffID. No entry can land outside `destDir`: names that
 * climb out are refused, symlinks met on the way are resolved inside `destDir`, and hardlinks must
 * point at something already unpacked in it. OCI whiteouts become overlayfs whiteouts (0/0 char
 * devices) and opaque markers become opaque directories, so `destDir` can serve as an overlay
 * lower dir as is. Sparse files (GNU old-style and PAX 0.0, 0.1, 1.0) keep their holes; ids,
 * device numbers and sparse maps that cannot be honoured exactly are refused.
 *
 * The work (decompression, hashing, parsing, and every file-system call) runs in a worker thread
 * of its own, with synchronous calls: a thread-pool round trip per call made a layer of small
 * files several times slower, and the caller's event loop stays free. This thread only passes the
 * bytes on, a bounded amount at a time. Several layers may be unpacked at once, each in its own
 * worker; workers are kept a while for the next layers.
 *
 * `destDir` must exist and be written by nobody else meanwhile (use a fresh temp dir).
 * On error, `destDir` holds a partial tree: the caller discards it. `source` is then not
 * destroyed but read to its end and dropped, so a caller serving HTTP can still send its answer.
 */
export async function unpackLayer(source: Readable, destDir: string, opts: UnpackLayerOptions = {}): Promise<UnpackLayerResult> {
  const { signal, ...writerOpts } = opts;
  if (signal?.aborted) {
    discardRest(source);
    throw signal.reason;
  }
  const worker = takeWorker();
  let reusable = false;
  const post = (m: ToWorker, transfer?: ArrayBuffer[]): void => worker.postMessage(m, transfer);
  let inFlight = 0;
  let paused = false;
  let sourceError: Error | undefined;
  let stopped = false;

  const onData = (chunk: Buffer): void => {
    // A copy, because the chunk may be shared (a pull tees it into the content store); the copy's
    // memory moves to the worker without a second copy. set() is one memcpy; new Uint8Array(chunk)
    // copied byte by byte, ~10 ms per MiB.
    const copy = new Uint8Array(chunk.length);
    copy.set(chunk);
    post({ type: 'chunk', data: copy }, [copy.buffer as ArrayBuffer]);
    inFlight += copy.length;
    if (inFlight >= MAX_IN_FLIGHT && !paused) {
      paused = true;
      source.pause();
    }
  };
  const onEnd = (): void => post({ type: 'end' });
  const onError = (err: Error): void => {
    sourceError = err;
    stopFeeding('source failed');
  };
  const onAbort = (): void => stopFeeding('aborted');
  function stopFeeding(reason: 'aborted' | 'source failed'): void {
    if (stopped) return;
    stopped = true;
    detach();
    post({ type: 'stop', reason });
  }
  function detach(): void {
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('error', onError);
    signal?.removeEventListener('abort', onAbort);
  }

  let settle: { resolve: (r: UnpackLayerResult) => void; reject: (e: unknown) => void } | undefined;
  const outcome = new Promise<UnpackLayerResult>((resolve, reject) => { settle = { resolve, reject }; });
  const onMessage = (m: FromWorker): void => {
    switch (m.type) {
      case 'ack':
        inFlight -= m.bytes;
        if (paused && !stopped && inFlight < MAX_IN_FLIGHT / 2) {
          paused = false;
          source.resume();
        }
        break;
      case 'done':
        reusable = true;
        settle!.resolve(m.result);
        break;
      case 'failed':
        // The worker ended the job itself (a bad archive, a host error): it is idle again and
        // can take the next layer (a late ack of this job's bytes may reach the next one: at most
        // one more window in flight, still bounded). One that was told to stop is not reused.
        reusable = !stopped;
        settle!.reject(fromWire(m.error));
        break;
    }
  };
  const onWorkerError = (err: Error): void => settle!.reject(new InternalError(`layer unpacker failed: ${err.message}`, { cause: err }));
  const onWorkerExit = (code: number): void => settle!.reject(new InternalError(`layer unpacker stopped (exit code ${code})`));
  worker.on('message', onMessage);
  worker.once('error', onWorkerError);
  worker.once('exit', onWorkerExit);
  post({ type: 'start', destDir, opts: writerOpts });

  source.on('data', onData);
  source.once('end', onEnd);
  source.once('error', onError);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await outcome;
    detach();
    return result;
  } catch (err) {
    detach();
    stopped = true;
    discardRest(source);
    // The worker's own view of a stop is only "stopped": the real reason is known here.
    if (signal?.aborted) throw signal.reason;
    throw asLayerError(sourceError ?? err);
  } finally {
    worker.off('message', onMessage);
    worker.off('error', onWorkerError);
    worker.off('exit', onWorkerExit);
    await returnWorker(worker, reusable);
  }
}
