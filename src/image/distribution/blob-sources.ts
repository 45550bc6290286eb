import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../../lib/fs/atomic.js';

/** Where a blob is known to be: a repository on a registry. */
export interface BlobSource {
  /** The registry as references name it ("127.0.0.1:5000", "docker.io"). */
  domain: string;
  /** The repository path there ("team/app", "library/busybox"). */
  repo: string;
}

export interface BlobSourcesOptions {
  /** The JSON file the record lives in; none keeps it in memory only. */
  file?: string;
  /** Blobs remembered; the least recently seen go first (default 5 000). */
  maxBlobs?: number;
  /** Repositories remembered per blob, newest first (default 5). */
  maxPerBlob?: number;
}

interface FileShape {
  version: 1;
  /** digest → sources, newest first; the object's order is least recently seen first. */
  blobs: Record<string, BlobSource[]>;
}

/**
 * Which repositories a blob was pulled from or pushed to, so a push can ask the registry to mount
 * it from one of them instead of uploading it again (as dockerd keeps its V2 metadata). It is a
 * cache: bounded in blobs and in sources per blob, written atomically (a crash leaves the old or
 * the new file), and a file that cannot be read is started afresh rather than failing the daemon.
 */
export class BlobSources {
  readonly #file: string | undefined;
  readonly #maxBlobs: number;
  readonly #maxPerBlob: number;
  readonly #blobs = new Map<string, BlobSource[]>();
  #dirty = false;
  #saving: Promise<void> = Promise.resolve();

  constructor(opts: BlobSourcesOptions = {}) {
    this.#file = opts.file;
    this.#maxBlobs = opts.maxBlobs ?? 5_000;
    this.#maxPerBlob = opts.maxPerBlob ?? 5;
    if (this.#file) this.#load(this.#file);
  }

  get size(): number {
    return this.#blobs.size;
  }

  /** The repositories on `domain` known to hold `digest`, newest first. */
  sources(digest: string, domain: string): string[] {
    return (this.#blobs.get(digest) ?? []).filter((s) => s.domain === domain).map((s) => s.repo);
  }

  /** Notes that `digest` is in `repo` on `domain`; saved soon after (see {@link flush}). */
  record(digest: string, domain: string, repo: string): void {
    const old = this.#blobs.get(digest) ?? [];
    const list = [{ domain, repo }, ...old.filter((s) => s.domain !== domain || s.repo !== repo)].slice(0, this.#maxPerBlob);
    // Re-inserted so the map's order stays least recently seen first.
    this.#blobs.delete(digest);
    this.#blobs.set(digest, list);
    while (this.#blobs.size > this.#maxBlobs) this.#blobs.delete(this.#blobs.keys().next().value!);
    this.#dirty = true;
    this.#saving = this.#saving.then(() => this.#save()).catch(() => undefined);
  }

  /** Resolves once what was recorded so far is on disk. */
  flush(): Promise<void> {
    return this.#saving;
  }

  async #save(): Promise<void> {
    // Records made while one write runs are saved together by the next.
    if (!this.#file || !this.#dirty) return;
    this.#dirty = false;
    const doc: FileShape = { version: 1, blobs: Object.fromEntries(this.#blobs) };
    await writeJsonAtomic(this.#file, doc);
  }

  #load(file: string): void {
    let doc: Partial<FileShape>;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<FileShape>;
    } catch {
      return;
    }
    if (!doc || typeof doc.blobs !== 'object' || doc.blobs === null) return;
    for (const [digest, list] of Object.entries(doc.blobs)) {
      if (!/^sha256:[0-9a-f]{64}$/.test(digest) || !Array.isArray(list)) continue;
      const clean = list.filter((s): s is BlobSource => !!s && typeof s.domain === 'string' && typeof s.repo === 'string').slice(0, this.#maxPerBlob);
      if (clean.length > 0) this.#blobs.set(digest, clean);
    }
    while (this.#blobs.size > this.#maxBlobs) this.#blobs.delete(this.#blobs.keys().next().value!);
  }
}
