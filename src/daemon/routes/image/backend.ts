import type { Readable } from 'node:stream';

/** What the image routes need from the engine. */
export interface ImageBackend {
  imageList(opts: { all: boolean; filters: Map<string, string[]> }): unknown[];
  imageInspect(ref: string): unknown;
  imageHistory(ref: string): unknown[];
  imageTag(ref: string, repo: string, tag: string): Promise<void>;
  imageDelete(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<unknown[]>;
  imagePrune(filters: Map<string, string[]>): Promise<unknown>;
  imageImport(opts: { source: Readable; repo?: string; tag?: string; changes: string[]; message?: string; platform?: string; signal: AbortSignal }): Promise<string>;
  imagePull(fromImage: string, tag: string): never;
}
