import type { RuntimeIO } from '../../runtime/types.js';
import type { AttachSession } from './attach.js';

/**
 * Attach sessions made before their container started (docker run attaches, then starts): they
 * connect at start, so nothing the container prints is missed, and end if the start fails or
 * the container is removed.
 */
export class PendingAttachments {
  readonly #byId = new Map<string, Set<AttachSession>>();

  add(id: string, session: AttachSession): void {
    const set = this.#byId.get(id) ?? new Set();
    set.add(session);
    this.#byId.set(id, set);
  }

  /** A session whose client left before the start. */
  delete(id: string, session: AttachSession): void {
    const set = this.#byId.get(id);
    if (set?.delete(session) && set.size === 0) this.#byId.delete(id);
  }

  /**
   * Connects the waiting sessions to the created container. A session that cannot connect ends
   * (its client hears so) without failing the start for the others.
   */
  async connect(id: string, runtime: Pick<RuntimeIO, 'attach'>, log: (msg: string) => void): Promise<void> {
    const set = this.#byId.get(id);
    if (!set) return;
    this.#byId.delete(id);
    await Promise.all([...set].map((s) => s.connect(runtime, id).catch((err: unknown) => {
      log(`attaching to ${id}: ${(err as Error).message}`);
      s.close();
    })));
  }

  /** Ends the waiting sessions (start failed, container removed). */
  close(id: string): void {
    const set = this.#byId.get(id);
    this.#byId.delete(id);
    for (const s of set ?? []) s.close();
  }
}
