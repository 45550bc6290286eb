import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/fs/atomic.js';
import { digestHex, isDigest } from '../oci/index.js';
import type { Descriptor } from '../oci/index.js';

/** A stored blob of a layer: what a manifest lists for it. */
export type LayerBlob = Pick<Descriptor, 'digest' | 'mediaType' | 'size'>;

interface LayerBlobRecord {
  diffId: string;
  blobs: LayerBlob[];
  /** Bytes of the uncompressed layer tar, once known: a saved archive's tar header needs it up front. */
  tarSize?: number;
}

/**
 * The layer diff id ↔ blob mapping: for each diff id (the digest of the uncompressed layer tar,
 * as image configs name layers), the stored blobs that decompress to it, with the media type and
 * size a manifest needs. A pushed or saved image reuses these blobs as they are, so its digests
 * are those it was pulled with. One small JSON file per diff id, written atomically; the reverse
 * index (blob → diff id) lives in memory, so a pull can tell a blob is already here.
 */
export class LayerBlobIndex {
  readonly #dir: string;
  readonly #byDiff = new Map<string, LayerBlob[]>();
  readonly #byBlob = new Map<string, string>();
  readonly #tarSize = new Map<string, number>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  async load(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.#dir)) {
      const m = /^([a-f0-9]{64})\.json$/.exec(name);
      if (!m) {
        // A temp file of a write a crash cut short.
        await rm(join(this.#dir, name), { force: true });
        continue;
      }
      try {
        const rec = JSON.parse(await readFile(join(this.#dir, name), 'utf8')) as LayerBlobRecord;
        if (rec.diffId !== `sha256:${m[1]}` || !Array.isArray(rec.blobs)) continue;
        this.#set(rec.diffId, rec.blobs.filter((b) => isDigest(b.digest)));
        if (Number.isSafeInteger(rec.tarSize) && rec.tarSize! >= 0) this.#tarSize.set(rec.diffId, rec.tarSize!);
      } catch {
        // An unreadable record only loses the mapping: the layer is made again on the next push.
      }
    }
  }

  #set(diffId: string, blobs: LayerBlob[]): void {
    for (const b of this.#byDiff.get(diffId) ?? []) this.#byBlob.delete(b.digest);
    if (blobs.length === 0) this.#byDiff.delete(diffId);
    else this.#byDiff.set(diffId, blobs);
    for (const b of blobs) this.#byBlob.set(b.digest, diffId);
  }

  /** The stored blobs of a layer, the first recorded first. */
  blobsOf(diffId: string): LayerBlob[] {
    return [...(this.#byDiff.get(diffId) ?? [])];
  }

  /** The diff id a stored blob decompresses to. */
  diffIdOf(blobDigest: string): string | undefined {
    return this.#byBlob.get(blobDigest);
  }

  /** Every layer with a record: blobs, a known tar size, or both. */
  diffIds(): string[] {
    return [...new Set([...this.#byDiff.keys(), ...this.#tarSize.keys()])];
  }

  /** Bytes of the layer's uncompressed tar, when recorded. */
  tarSizeOf(diffId: string): number | undefined {
    return this.#tarSize.get(diffId);
  }

  /** Records that `blob` (already in the content store) is a form of layer `diffId`. */
  async add(diffId: string, blob: LayerBlob, tarSize?: number): Promise<void> {
    const blobs = this.blobsOf(diffId);
    const knownSize = tarSize === undefined || this.#tarSize.get(diffId) === tarSize;
    if (blobs.some((b) => b.digest === blob.digest) && knownSize) return;
    if (!blobs.some((b) => b.digest === blob.digest)) blobs.push({ digest: blob.digest, mediaType: blob.mediaType, size: blob.size });
    await this.#write(diffId, blobs, tarSize ?? this.#tarSize.get(diffId));
  }

  /** Records the size of the layer's uncompressed tar (a layer berth can pack again may have no blob). */
  async setTarSize(diffId: string, tarSize: number): Promise<void> {
    if (this.#tarSize.get(diffId) === tarSize) return;
    await this.#write(diffId, this.blobsOf(diffId), tarSize);
  }

  async #write(diffId: string, blobs: LayerBlob[], tarSize: number | undefined): Promise<void> {
    const rec: LayerBlobRecord = { diffId, blobs, ...(tarSize !== undefined ? { tarSize } : {}) };
    await writeFileAtomic(join(this.#dir, `${digestHex(diffId)}.json`), JSON.stringify(rec));
    this.#set(diffId, blobs);
    if (tarSize !== undefined) this.#tarSize.set(diffId, tarSize);
  }

  /** Forgets a layer's blobs (the caller deletes them from the content store); returns them. */
  async forget(diffId: string): Promise<LayerBlob[]> {
    const blobs = this.blobsOf(diffId);
    await rm(join(this.#dir, `${digestHex(diffId)}.json`), { force: true });
    this.#set(diffId, []);
    this.#tarSize.delete(diffId);
    return blobs;
  }
}
