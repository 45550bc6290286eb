import type { Readable } from 'node:stream';
import type { ContentWriter } from '../content/types.js';
import type { LayerBlob } from '../layer-blobs.js';
import type { ImageAddOptions, ImageRecord } from '../types.js';

/** What pull and push need from the image store (LocalImageService implements it). */
export interface DistributionStore {
  /** NotFoundError when `ref` names no image. */
  get(ref: string): ImageRecord;
  list(): ImageRecord[];
  hasLayer(chainId: string): Promise<boolean>;
  hasBlob(digest: string): Promise<boolean>;
  blobWriter(): Promise<ContentWriter>;
  openBlob(digest: string, opts?: { signal?: AbortSignal }): Promise<Readable>;
  addImage(opts: ImageAddOptions): Promise<ImageRecord>;
  discardBlobs(digests: string[]): Promise<void>;
  /** The blob to push for layer `index` of an image (made and kept if the layer has none yet). */
  layerBlob(imageRef: string, index: number): Promise<LayerBlob>;
  addDigestReferences(id: string, refs: string[]): Promise<void>;
}
