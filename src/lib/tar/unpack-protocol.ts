import { EngineError, errorOfKind, type ErrorKind } from '../errors/index.js';
import type { LayerWriterOptions } from './layer-writer.js';
import type { UnpackLayerResult } from './unpack-here.js';

/** Messages to the worker: a layer to unpack, its bytes as they come, their end, or a reason to stop. */
export type ToWorker =
  | { type: 'start'; destDir: string; opts: LayerWriterOptions }
  | { type: 'chunk'; data: Uint8Array }
  | { type: 'end' }
  | { type: 'stop'; reason: 'aborted' | 'source failed' };

/** Messages from the worker, per layer: bytes it has taken off the queue, then exactly one outcome. */
export type FromWorker =
  | { type: 'ack'; bytes: number }
  | { type: 'done'; result: UnpackLayerResult }
  | { type: 'failed'; error: WireError };

/** An error as it crosses the thread boundary: what callers test (kind, errno code, name). */
export interface WireError {
  name: string;
  message: string;
  kind?: ErrorKind;
  code?: string;
  syscall?: string;
  errno?: number;
  path?: string;
}

export function toWire(err: unknown): WireError {
  const e = err as Partial<NodeJS.ErrnoException> & { kind?: ErrorKind };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(err instanceof EngineError ? { kind: e.kind } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.syscall === 'string' ? { syscall: e.syscall } : {}),
    ...(typeof e?.errno === 'number' ? { errno: e.errno } : {}),
    ...(typeof e?.path === 'string' ? { path: e.path } : {}),
  };
}

/** The error again on this side: the same kind for berth's own, errno fields for the host's. */
export function fromWire(w: WireError): Error {
  if (w.kind !== undefined) return errorOfKind(w.kind, w.message);
  const err = new Error(w.message) as NodeJS.ErrnoException;
  err.name = w.name;
  if (w.code !== undefined) err.code = w.code;
  if (w.syscall !== undefined) err.syscall = w.syscall;
  if (w.errno !== undefined) err.errno = w.errno;
  if (w.path !== undefined) err.path = w.path;
  return err;
}
