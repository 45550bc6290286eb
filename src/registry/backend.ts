/**
 * What the registry's routes need from a store. The routes speak HTTP and validate what clients
 * send; the store keeps blobs, upload sessions, manifests, tags and referrers. The file-system
 * store (storage/fs-store.ts) is the one implementation today; a store over another backend
 * would implement this and nothing else.
 */
import type { Readable } from 'node:stream';

export interface BlobInfo {
  digest: string;
  size: number;
}

/** Inclusive byte range of a chunk, as Content-Range states it. */
export interface ChunkRange {
  start: number;
  end: number;
}

export interface UploadStatus {
  id: string;
  /** Bytes received so far. */
  size: number;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  size: number;
}

/** A referrer as the referrers API lists it: an index descriptor with artifactType and annotations. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ManifestPut {
  digest: string;
  mediaType: string;
  content: Buffer;
  /** Tags to point at the manifest (the reference if it was a tag, plus ?tag= parameters). */
  tags: string[];
  /** Blobs that must be in the repository (config, layers). */
  blobs: string[];
  /** Manifests that must be in the repository (an index's children). */
  manifests: string[];
  /** Set when the manifest has a `subject`: recorded for the referrers API. */
  referrer?: { subject: string; descriptor: ReferrerDescriptor };
}

export interface RegistryStore {
  /** Whether the repository holds anything (a blob link, a manifest, a tag). */
  repositoryExists(name: string): Promise<boolean>;
  /** Repositories in lexical order. */
  listRepositories(): Promise<string[]>;

  /** The blob if it is linked into `name`, else undefined. */
  statBlob(name: string, digest: string): Promise<BlobInfo | undefined>;
  /** Reads a blob linked into `name`; `range` is inclusive and already checked against the size. */
  openBlob(name: string, digest: string, range?: ChunkRange): Promise<Readable>;
  /** Unlinks a blob from `name` (the bytes go at garbage collection). Throws BLOB_UNKNOWN. */
  deleteBlob(name: string, digest: string): Promise<void>;
  /** Links a blob into `name` from `from` (or from anywhere, when `from` is undefined); false when there is none. */
  mountBlob(name: string, digest: string, from: string | undefined): Promise<BlobInfo | undefined>;
  /** A whole blob in one request: stored only if its bytes hash to `digest`. */
  putBlob(name: string, digest: string, body: Readable): Promise<BlobInfo>;

  /** A new session; `algorithm` is the digest the client said it will finish with (sha256 when it said none). */
  startUpload(name: string, algorithm?: 'sha256' | 'sha512'): Promise<UploadStatus>;
  uploadStatus(name: string, id: string): Promise<UploadStatus>;
  /** Appends a chunk; with `range`, its start must be the bytes received so far (else 416, upload kept). */
  appendUpload(name: string, id: string, body: Readable, range: ChunkRange | undefined): Promise<UploadStatus>;
  /** Appends the optional last chunk, checks the digest and stores the blob. */
  finishUpload(name: string, id: string, digest: string, body: Readable | undefined, range: ChunkRange | undefined): Promise<BlobInfo>;
  cancelUpload(name: string, id: string): Promise<void>;

  /** Resolves a tag or digest in `name`. */
  statManifest(name: string, reference: string): Promise<StoredManifest | undefined>;
  readManifest(name: string, digest: string): Promise<Buffer>;
  /** Stores a manifest after checking that what it references is in the repository (MANIFEST_BLOB_UNKNOWN). */
  putManifest(name: string, put: ManifestPut): Promise<void>;
  /** By tag: removes the tag. By digest: removes the manifest, the tags on it and its referrer entry. */
  deleteManifest(name: string, reference: string): Promise<void>;
  /** Tags in lexical order; NAME_UNKNOWN for a repository that does not exist. */
  listTags(name: string): Promise<string[]>;
  listReferrers(name: string, subject: string): Promise<ReferrerDescriptor[]>;
}
