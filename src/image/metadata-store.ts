import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/fs/atomic.js';
import { digestHex, isDigest } from '../oci/index.js';
import type { ImagePaths } from './paths.js';
import type { ImageConfigFile, ImageRecord } from './types.js';

/** The part of the content store image records need: their config blobs. */
export interface ConfigBlobs {
  readBlob(digest: string): Promise<Buffer>;
  delete(digest: string): Promise<void>;
}

/** What images/<hex>.json holds: everything about an image except its config and references. */
export interface StoredImage {
  id: string;
  layers: string[];
  parent: string;
  addedAt: number;
  size: number;
}

interface RepositoriesFile {
  tags: Record<string, string>;
  digests: Record<string, string>;
}

/**
 * Image records and references, on disk as small JSON files and in memory as maps that every
 * read is served from. Mutations write the disk first and update memory after, so memory never
 * claims what a crash would lose.
 */
export class ImageMetadataStore {
  private readonly images = new Map<string, { meta: StoredImage; config: ImageConfigFile }>();
  private readonly tags = new Map<string, string>();
  private readonly digests = new Map<string, string>();

  constructor(private readonly paths: ImagePaths, private readonly blobs: ConfigBlobs) {}

  /** Loads everything; returns the ids of images skipped because their config is missing or corrupt. */
  async load(): Promise<string[]> {
    await mkdir(this.paths.images, { recursive: true, mode: 0o700 });
    await mkdir(this.paths.blobs, { recursive: true, mode: 0o700 });
    // Temp files are what a crash mid-write leaves: the rename never happened, so they hold nothing.
    for (const dir of [this.paths.root, this.paths.images, this.paths.blobs]) {
      for (const name of await readdir(dir)) if (name.includes('.tmp-')) await rm(join(dir, name), { force: true });
    }
    const skipped: string[] = [];
    for (const name of await readdir(this.paths.images)) {
      const m = /^([a-f0-9]{64})\.json$/.exec(name);
      if (!m) continue;
      const id = `sha256:${m[1]}`;
      try {
        const meta = JSON.parse(await readFile(this.paths.image(m[1]!), 'utf8')) as StoredImage;
        const config = JSON.parse((await this.blobs.readBlob(id)).toString('utf8')) as ImageConfigFile;
        if (meta.id !== id || !Array.isArray(meta.layers)) throw new Error('record does not match its name');
        this.images.set(id, { meta, config });
      } catch {
        skipped.push(id);
      }
    }
    let repos: RepositoriesFile = { tags: {}, digests: {} };
    try {
      repos = JSON.parse(await readFile(this.paths.repositories, 'utf8')) as RepositoriesFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // References to images that did not survive are dropped, not kept dangling.
    for (const [ref, id] of Object.entries(repos.tags ?? {})) if (this.images.has(id)) this.tags.set(ref, id);
    for (const [ref, id] of Object.entries(repos.digests ?? {})) if (this.images.has(id)) this.digests.set(ref, id);
    return skipped;
  }

  has(id: string): boolean {
    return this.images.has(id);
  }

  ids(): string[] {
    return [...this.images.keys()];
  }

  /** The public record of an image, or undefined. */
  record(id: string): ImageRecord | undefined {
    const img = this.images.get(id);
    if (!img) return undefined;
    return {
      id,
      repoTags: this.tagsOf(id),
      repoDigests: [...this.digests].filter(([, v]) => v === id).map(([k]) => k),
      config: img.config,
      size: img.meta.size,
      layers: [...img.meta.layers],
      parent: img.meta.parent,
      addedAt: img.meta.addedAt,
    };
  }

  tagsOf(id: string): string[] {
    return [...this.tags].filter(([, v]) => v === id).map(([k]) => k);
  }

  digestsOf(id: string): string[] {
    return [...this.digests].filter(([, v]) => v === id).map(([k]) => k);
  }

  /** The image a "name:tag" or "name@digest" reference points at. */
  lookupRef(familiar: string): string | undefined {
    return this.tags.get(familiar) ?? this.digests.get(familiar);
  }

  /** Stores an image record (its config blob must already be stored). */
  async putImage(meta: StoredImage, config: ImageConfigFile): Promise<void> {
    if (!isDigest(meta.id)) throw new Error(`invalid image id ${meta.id}`);
    await writeFileAtomic(this.paths.image(digestHex(meta.id)), JSON.stringify(meta));
    this.images.set(meta.id, { meta, config });
  }

  /** Points references at `id` (tags given as "name:tag", digests as "name@sha256:…"). */
  async setRefs(refs: Array<{ ref: string; kind: 'tag' | 'digest' }>, id: string): Promise<void> {
    const tags = new Map(this.tags);
    const digests = new Map(this.digests);
    for (const { ref, kind } of refs) (kind === 'tag' ? tags : digests).set(ref, id);
    await this.persistRefs(tags, digests);
  }

  /** Removes references; returns the ones that existed. */
  async removeRefs(refs: string[]): Promise<string[]> {
    const tags = new Map(this.tags);
    const digests = new Map(this.digests);
    const removed = refs.filter((r) => tags.delete(r) || digests.delete(r));
    if (removed.length > 0) await this.persistRefs(tags, digests);
    return removed;
  }

  private async persistRefs(tags: Map<string, string>, digests: Map<string, string>): Promise<void> {
    const file: RepositoriesFile = { tags: Object.fromEntries(tags), digests: Object.fromEntries(digests) };
    await writeFileAtomic(this.paths.repositories, JSON.stringify(file, null, 1));
    this.tags.clear();
    for (const [k, v] of tags) this.tags.set(k, v);
    this.digests.clear();
    for (const [k, v] of digests) this.digests.set(k, v);
  }

  /** Deletes an image record and its config blob (its references must be gone already). */
  async deleteImage(id: string): Promise<void> {
    await rm(this.paths.image(digestHex(id)), { force: true });
    this.images.delete(id);
    await this.blobs.delete(id);
  }

  /** Every chain id some image stacks on. */
  layersInUse(): Set<string> {
    const used = new Set<string>();
    for (const { meta } of this.images.values()) for (const l of meta.layers) used.add(l);
    return used;
  }
}
