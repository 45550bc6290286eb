/**
 * Serialises async work per key (one container's start, stop and remove; one snapshot's mount
 * and unmount), so two callers never interleave their check-then-act steps, while different
 * keys run concurrently. Keys with nothing queued hold no memory.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.then(() => undefined, () => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
