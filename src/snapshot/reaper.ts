import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from '../sys/exec.js';

/** Deletes a directory tree; the default runs `rm` so a big tree never occupies berthd's I/O threads. */
export type TreeRemover = (path: string) => Promise<void>;

export const removeTreeWithRm: TreeRemover = async (path) => {
  // --one-file-system: a mount left under a doomed tree (it should never be) is not descended into.
  await execOk('rm', ['-rf', '--one-file-system', '--', path]);
};

/**
 * Empties a trash directory in the background. Whatever is in it was renamed there whole (one
 * atomic rename out of layers/, snapshots/ or tmp/), so nothing in it can be mistaken for live
 * data, and nobody has to wait for its deletion: start-up and removals return as soon as the
 * rename is done.
 */
export class TrashReaper {
  readonly #dir: string;
  readonly #remove: TreeRemover;
  readonly #onError: (err: unknown) => void;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(dir: string, remove: TreeRemover = removeTreeWithRm, onError: (err: unknown) => void = () => undefined) {
    this.#dir = dir;
    this.#remove = remove;
    this.#onError = onError;
  }

  /** Starts emptying the trash unless that is under way; a call during a pass asks for another. */
  kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => { this.#running = undefined; });
  }

  /** Resolves when the trash has been emptied (as of the last kick). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      for (const name of await readdir(this.#dir)) {
        try {
          await this.#remove(join(this.#dir, name));
        } catch (err) {
          // Left for the next pass (the next removal or start); a failure here loses nothing.
          this.#onError(err);
        }
      }
    } while (this.#again);
  }
}
