/** Small readers of what a registry request carries: bounded bodies, byte ranges, query numbers. */
import type { IncomingMessage } from 'node:http';
import type { ChunkRange } from './backend.js';
import { registryError } from './errors.js';

/** Whether the request has a body at all (a chunk on PUT is optional). */
export function hasBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  if (cl !== undefined) return Number(cl) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** How much of an oversized body is read and dropped so the client gets its 413 rather than a reset. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * Reads a small body whole, refusing more than `limit` bytes (413) without buffering them. The
 * rest of a moderately oversized body is read and dropped first, so a client still writing it
 * gets the answer instead of a broken pipe; beyond DRAIN_LIMIT the connection is closed.
 */
export async function readBoundedBody(req: IncomingMessage, limit: number, tooLarge = (): Error => registryError('manifestTooLarge', { limit })): Promise<Buffer> {
  const cl = req.headers['content-length'];
  if (cl !== undefined && Number(cl) > DRAIN_LIMIT) throw tooLarge();
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > DRAIN_LIMIT) throw tooLarge();
    if (n <= limit) chunks.push(chunk);
  }
  if (n > limit) throw tooLarge();
  return Buffer.concat(chunks, n);
}

const CONTENT_RANGE_RE = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})$/;

/**
 * The Content-Range of an upload chunk ("<start>-<end>", inclusive), checked against
 * Content-Length when both are given; undefined when absent (a streamed chunk).
 */
export function chunkRange(req: IncomingMessage): ChunkRange | undefined {
  const h = req.headers['content-range'];
  if (h === undefined) return undefined;
  const m = CONTENT_RANGE_RE.exec(h.trim());
  if (!m) throw registryError('rangeInvalid', { contentRange: h });
  const range = { start: Number(m[1]), end: Number(m[2]) };
  if (range.end < range.start) throw registryError('rangeInvalid', { contentRange: h });
  const cl = req.headers['content-length'];
  if (cl !== undefined && Number(cl) !== range.end - range.start + 1) {
    throw registryError('sizeInvalid', { contentRange: h, contentLength: cl });
  }
  return range;
}

const RANGE_RE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/**
 * The byte range a blob GET asks for, clamped to `size`; undefined for the whole blob (no Range,
 * or several ranges, which a server may answer in full). Unsatisfiable ranges throw a 416.
 */
export function requestedRange(header: string | undefined, size: number): ChunkRange | undefined {
  if (header === undefined) return undefined;
  const m = RANGE_RE.exec(header.trim());
  if (!m) return undefined;
  const [a, b] = [m[1]!, m[2]!];
  let start: number;
  let end: number;
  if (a === '') {
    if (b === '') return undefined;
    start = Math.max(size - Number(b), 0);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || end < start) throw registryError('rangeInvalid', { range: header, size }, { 'Content-Range': `bytes */${size}` });
  return { start, end };
}

/** The `n` of a paginated list: a non-negative integer, or undefined when absent. */
export function pageSize(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v)) throw registryError('paginationInvalid', { n: v });
  return Number(v);
}

/**
 * One page of a sorted list after `last`, and the query of the next page (for the Link header)
 * when the page is full and more remain.
 */
export function page(all: string[], n: number | undefined, last: string | null): { items: string[]; next?: { n: number; last: string } } {
  let items = last ? all.filter((x) => x > last) : all;
  if (n === undefined) return { items };
  const more = items.length > n;
  items = items.slice(0, n);
  return more && n > 0 ? { items, next: { n, last: items[items.length - 1]! } } : { items };
}
