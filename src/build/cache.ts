import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../lib/fs/atomic.js';

/** What a step's result depends on: the cache reuses a result only when all of it is equal. */
export interface CacheKeyInput {
  /** Id of the image the step runs on. */
  parent: string;
  /** The instruction after variable expansion, in a canonical form (its kind, flags and words). */
  instruction: string;
  /** `K=v` of the build args the step sees (RUN's environment); order does not matter. */
  buildArgs: string[];
  /** For COPY/ADD: the hash of the copied content (names, modes, bytes; not mtimes). */
  content?: string;
}

/** The step's key: a sha256 over its inputs, each length-prefixed so no two inputs read alike. */
export function cacheKey(input: CacheKeyInput): string {
  const h = createHash('sha256');
  const field = (s: string): void => {
    h.update(`${Buffer.byteLength(s)}:`);
    h.update(s);
  };
  field('v1');
  field(input.parent);
  field(input.instruction);
  const args = [...input.buildArgs].sort();
  field(String(args.length));
  for (const a of args) field(a);
  field(input.content ?? '');
  return h.digest('hex');
}

/** One remembered step result. */
export interface CacheEntry {
  /** The image the step made. */
  image: string;
  created: number;
}

/**
 * Step keys to the images they made, as one small JSON file under the data root, rewritten
 * atomically (temp file, fsync, rename) after each new entry: a crash leaves the old index or
 * the new one. A hit is only trusted when its image still exists (the caller checks).
 */
export class BuildCache {
  #entries = new Map<string, CacheEntry>();
  #writes: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** Reads the index; a missing or unreadable one is an empty cache (it is only a cache). */
  async load(): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    if (!text) return;
    try {
      const parsed = JSON.parse(text) as { entries?: Record<string, CacheEntry> };
      for (const [k, v] of Object.entries(parsed.entries ?? {})) {
        if (typeof v?.image === 'string' && /^[a-f0-9]{64}$/.test(k)) this.#entries.set(k, { image: v.image, created: Number(v.created) || 0 });
      }
    } catch {
      this.#entries.clear();
    }
  }

  lookup(key: string): string | undefined {
    return this.#entries.get(key)?.image;
  }

  async record(key: string, image: string): Promise<void> {
    this.#entries.set(key, { image, created: Date.now() });
    await this.#save();
  }

  /** Forgets a key whose image is gone. */
  async forget(key: string): Promise<void> {
    if (this.#entries.delete(key)) await this.#save();
  }

  /** Empties the cache; resolves to the images its entries named. */
  async clear(): Promise<string[]> {
    const images = [...new Set([...this.#entries.values()].map((e) => e.image))];
    this.#entries.clear();
    await this.#save();
    return images;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Writes one after the other, each the whole current index. */
  #save(): Promise<void> {
    const next = this.#writes.then(() => writeJsonAtomic(this.file, { entries: Object.fromEntries(this.#entries) }));
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
