/**
 * Remembers successful password checks for a short time, bounded in size. Entries are keyed by
 * an HMAC of (account, password, stored hash) under a key made at start, so the cache holds no
 * password, and a changed hash never matches an old entry.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface SuccessCacheOptions {
  /** How long a success is remembered (default 60 s). */
  ttlMs?: number;
  /** Most entries kept; the oldest goes first (default 1000). */
  maxEntries?: number;
  now?: () => number;
}

export class SuccessCache {
  readonly #key = randomBytes(32);
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;
  /** Insertion order is age order: the first entry is the oldest. */
  readonly #entries = new Map<string, number>();

  constructor(opts: SuccessCacheOptions = {}) {
    this.#ttl = opts.ttlMs ?? 60_000;
    this.#max = opts.maxEntries ?? 1000;
    this.#now = opts.now ?? Date.now;
  }

  #id(user: string, password: string, hash: string): string {
    return createHmac('sha256', this.#key).update(`${user}\0${password}\0${hash}`).digest('base64');
  }

  has(user: string, password: string, hash: string): boolean {
    const id = this.#id(user, password, hash);
    const expires = this.#entries.get(id);
    if (expires === undefined) return false;
    if (expires <= this.#now()) {
      this.#entries.delete(id);
      return false;
    }
    return true;
  }

  add(user: string, password: string, hash: string): void {
    const id = this.#id(user, password, hash);
    this.#entries.delete(id);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(id, this.#now() + this.#ttl);
  }

  get size(): number {
    return this.#entries.size;
  }
}
