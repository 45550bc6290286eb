import { NotFoundError } from '../../../lib/errors/index.js';
import type { ExecRecord } from './record.js';

/** Finished execs kept per container for inspect; older ones are forgotten first. */
const MAX_FINISHED_PER_CONTAINER = 256;

/** The exec instances of every container, by exec id; they go with their container. */
export class ExecRegistry {
  readonly #byId = new Map<string, ExecRecord>();

  add(rec: ExecRecord): void {
    this.#byId.set(rec.id, rec);
    this.#trim(rec.containerId);
  }

  /** @throws NotFoundError with Docker's message. */
  get(id: string): ExecRecord {
    const rec = this.#byId.get(id);
    if (!rec) throw new NotFoundError(`No such exec instance: ${id}`);
    return rec;
  }

  /** Exec ids of a container, oldest first. */
  idsOf(containerId: string): string[] {
    return [...this.#byId.values()].filter((r) => r.containerId === containerId).map((r) => r.id);
  }

  /** Forgets every exec of a container (it was removed). */
  dropContainer(containerId: string): void {
    for (const [id, rec] of this.#byId) if (rec.containerId === containerId) this.#byId.delete(id);
  }

  /** Bounds memory for a long-lived container that is exec'd into forever. */
  #trim(containerId: string): void {
    const finished = [...this.#byId.values()].filter((r) => r.containerId === containerId && !r.running);
    for (const r of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_PER_CONTAINER))) this.#byId.delete(r.id);
  }
}
