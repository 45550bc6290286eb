import type { Readable } from 'node:stream';
import type { JsonMessage } from '../../../api/progress.js';
import type { HistoryResponseItem, ImageDeleteResponseItem, ImageInspect, ImagePruneResponse, ImageSearchResponseItem, ImageSummary } from '../../../api/image.js';

/** What the image routes need from the engine, in wire types. */
export interface ImageBackend {
  /** `apiVersion` is the request's, for the fields that differ between versions. */
  imageList(opts: { all: boolean; filters: Map<string, string[]>; apiVersion: string }): ImageSummary[];
  imageInspect(ref: string, apiVersion: string): ImageInspect;
  imageHistory(ref: string): HistoryResponseItem[];
  imageTag(ref: string, repo: string, tag: string): Promise<void>;
  imageDelete(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageDeleteResponseItem[]>;
  imagePrune(filters: Map<string, string[]>): Promise<ImagePruneResponse>;
  /** Imports a rootfs tarball; resolves to the new image's id. */
  imageImport(opts: { source: Readable; repo?: string; tag?: string; changes: string[]; message?: string; platform?: string; signal: AbortSignal }): Promise<string>;
  /** The images as one archive tar stream; names are resolved before it starts. */
  imageSave(names: string[], opts: { platform?: string; signal: AbortSignal }): Promise<Readable>;
  /** Loads an archive, reporting through `send` (JSON messages). */
  imageLoad(source: Readable, opts: { quiet: boolean; platform?: string; signal: AbortSignal; send: (msg: object) => void }): Promise<void>;
  /** Resolves the image at its registry (errors get a status); the pull then streams progress. */
  imagePull(opts: { fromImage: string; tag: string; platform?: string; auth?: string; signal: AbortSignal }): Promise<StreamedOperation>;
  /** Checks the image exists locally (404 otherwise); the push then streams progress. */
  imagePush(opts: { name: string; tag?: string; auth?: string; signal: AbortSignal }): StreamedOperation;
  /** `GET /images/search`: `limit` as the query gave it; filters are is-official, is-automated, stars. */
  imageSearch(opts: { term: string; limit?: string; filters: Map<string, string[]>; auth?: string; signal: AbortSignal }): Promise<ImageSearchResponseItem[]>;
  /** `POST /auth`: the AuthConfig body checked against its registry. */
  login(body: unknown, signal: AbortSignal): Promise<{ Status: string; IdentityToken?: string }>;
}

/** A pull or push under way: it reports progress messages and settles when done. */
export interface StreamedOperation {
  run(progress: (m: JsonMessage) => void): Promise<void>;
}
