import type { Readable } from 'node:stream';

/** What the store knows about one blob: it is named by its digest and nothing else. */
export interface ContentInfo {
  digest: string;
  size: number;
}

/** What a writer is told to expect; a blob that does not match is refused and not stored. */
export interface ExpectedContent {
  digest?: string;
  size?: number;
}

/** Reads blobs (containerd's Provider). Readers verify while streaming and fail at the end on a mismatch. */
export interface ContentProvider {
  /** NotFoundError when absent. */
  info(digest: string): Promise<ContentInfo>;
  has(digest: string): Promise<boolean>;
  /** The blob as a stream; it errors with DataLossError if the bytes do not hash to `digest`. */
  reader(digest: string, opts?: { signal?: AbortSignal }): Promise<Readable>;
  /** A small blob (config, manifest) whole, verified; InvalidArgumentError when larger than `maxSize`. */
  readBlob(digest: string, maxSize?: number): Promise<Buffer>;
}

/** An in-progress write: data goes to a temp file and is hashed as it goes. */
export interface ContentWriter {
  /** The sink to pipe the blob into (honours backpressure). */
  readonly stream: NodeJS.WritableStream;
  /** Bytes written so far. */
  readonly size: number;
  /**
   * Flushes the temp file to disk, checks digest and size against what is expected, and renames it
   * into place. Committing content that is already stored succeeds and keeps one copy.
   */
  commit(expected?: ExpectedContent): Promise<ContentInfo>;
  /** Drops the temp file. Idempotent; a no-op after commit. */
  abort(): Promise<void>;
}

/** Writes blobs (containerd's Ingester). */
export interface ContentIngester {
  writer(): Promise<ContentWriter>;
  /** Streams `source` into the store; on any failure nothing is stored. */
  ingest(source: Readable, expected?: ExpectedContent, opts?: { signal?: AbortSignal }): Promise<ContentInfo>;
  /** Stores bytes already in memory (small blobs). */
  putBlob(data: Buffer, expected?: ExpectedContent): Promise<ContentInfo>;
}

/** Lists and deletes blobs (containerd's Manager). */
export interface ContentManager {
  list(): Promise<ContentInfo[]>;
  delete(digest: string): Promise<void>;
  /** Bytes of all stored blobs. */
  usage(): Promise<number>;
}

export type ContentStore = ContentProvider & ContentIngester & ContentManager;
