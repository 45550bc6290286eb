/** Counts concurrent uses of keys; a key nobody uses holds no memory. */
export class UseCounter {
  readonly #counts = new Map<string, number>();

  /** Counts one use of `key` for the duration of `fn`. */
  async during<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const left = this.#counts.get(key)! - 1;
      if (left > 0) this.#counts.set(key, left);
      else this.#counts.delete(key);
    }
  }

  has(key: string): boolean {
    return this.#counts.has(key);
  }
}
