/**
 * Undo steps for an operation that acquires several resources: push an undo after each step;
 * on failure `unwind()` runs them in reverse order, ignoring (but collecting) their errors.
 */
export class CleanupStack {
  readonly #steps: Array<() => Promise<unknown> | unknown> = [];

  push(undo: () => Promise<unknown> | unknown): void {
    this.#steps.push(undo);
  }

  async unwind(): Promise<unknown[]> {
    const errors: unknown[] = [];
    while (this.#steps.length) {
      const step = this.#steps.pop()!;
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }

  /** Forgets the undo steps once the operation has succeeded. */
  release(): void {
    this.#steps.length = 0;
  }
}
