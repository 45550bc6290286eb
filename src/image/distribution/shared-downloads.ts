/**
 * Blobs being downloaded or held by pulls in progress in this daemon. Two pulls that need the
 * same blob share one download, and a failed pull never deletes a blob another pull still holds.
 */
export class SharedDownloads {
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #holds = new Map<string, number>();

  /** Runs `download` for `digest` unless one is already running; either way waits for it. */
  join(digest: string, download: () => Promise<void>): Promise<void> {
    let p = this.#inflight.get(digest);
    if (!p) {
      p = download().finally(() => this.#inflight.delete(digest));
      this.#inflight.set(digest, p);
    }
    return p;
  }

  hold(digest: string): void {
    this.#holds.set(digest, (this.#holds.get(digest) ?? 0) + 1);
  }

  /** Releases a hold; true when no other pull holds the blob any more. */
  release(digest: string): boolean {
    const n = (this.#holds.get(digest) ?? 1) - 1;
    if (n <= 0) {
      this.#holds.delete(digest);
      return true;
    }
    this.#holds.set(digest, n);
    return false;
  }
}
