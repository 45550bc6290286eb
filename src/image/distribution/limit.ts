/** Runs at most `n` tasks at a time, in the order they were queued. */
export class Limiter {
  #active = 0;
  readonly #queue: Array<() => void> = [];

  constructor(private readonly n: number) {}

  /** Whether a task queued now would wait. */
  get full(): boolean {
    return this.#active >= this.n;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.n) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }
}
