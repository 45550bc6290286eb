/** What `POST /containers/{id}/wait` answers. */
export interface WaitResult {
  StatusCode: number;
  Error?: { Message: string } | null;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/**
 * Pending waits per container. Exits resolve `not-running` and `next-exit` waiters; removal
 * resolves `removed` waiters (and any other still pending, since the container is gone).
 */
export class Waiters {
  readonly #byId = new Map<string, Array<{ cond: WaitCondition; resolve: (r: WaitResult) => void }>>();

  /** Registers a wait; when `signal` aborts (the client went away) the wait is dropped. */
  add(id: string, cond: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve) => {
      const entry = { cond, resolve };
      const list = this.#byId.get(id) ?? [];
      list.push(entry);
      this.#byId.set(id, list);
      signal?.addEventListener('abort', () => this.#drop(id, entry), { once: true });
    });
  }

  #drop(id: string, entry: { cond: WaitCondition; resolve: (r: WaitResult) => void }): void {
    const list = this.#byId.get(id)?.filter((w) => w !== entry);
    if (list?.length) this.#byId.set(id, list);
    else this.#byId.delete(id);
  }

  exited(id: string, exitCode: number, error?: string): void {
    this.#settle(id, (c) => c !== 'removed', { StatusCode: exitCode, Error: error ? { Message: error } : null });
  }

  removed(id: string, exitCode: number): void {
    this.#settle(id, () => true, { StatusCode: exitCode, Error: null });
  }

  #settle(id: string, match: (c: WaitCondition) => boolean, r: WaitResult): void {
    const list = this.#byId.get(id);
    if (!list) return;
    const keep = list.filter((w) => {
      if (match(w.cond)) {
        w.resolve(r);
        return false;
      }
      return true;
    });
    if (keep.length) this.#byId.set(id, keep);
    else this.#byId.delete(id);
  }
}
