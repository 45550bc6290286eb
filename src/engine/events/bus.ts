import type { EventMessage } from '../../api/event.js';
import type { ContainerRecord } from '../container/model.js';
import type { EventSink } from './types.js';

export type { EventMessage } from '../../api/event.js';

/** The history `since` can reach back into: at most this many events and this many bytes (as JSON). */
const HISTORY_EVENTS = 1000;
export const HISTORY_MAX_BYTES = 512 * 1024;

/**
 * Keeps the last events and fans new ones out to subscribers. Subscribers are called
 * synchronously and must not block; bounding what they buffer is theirs to do (the /events
 * route ends a stream that falls too far behind).
 */
export class EventBus implements EventSink {
  readonly #history: Array<{ e: EventMessage; bytes: number }> = [];
  #historyBytes = 0;
  readonly #subscribers = new Set<(e: EventMessage) => void>();

  container(rec: ContainerRecord, action: string, attributes: Record<string, string> = {}): void {
    const attrs = { ...(rec.config.Labels ?? {}), image: rec.imageRef, name: rec.name, ...attributes };
    this.#emit({ status: action, id: rec.id, from: rec.imageRef }, 'container', action, { ID: rec.id, Attributes: attrs });
  }

  image(id: string, action: string, attributes: Record<string, string> = {}): void {
    this.#emit({ status: action, id }, 'image', action, { ID: id, Attributes: attributes });
  }

  object(type: EventMessage['Type'], action: string, actor: { ID: string; Attributes?: Record<string, string> }): void {
    this.#emit({}, type, action, { ID: actor.ID, Attributes: actor.Attributes ?? {} });
  }

  /** Builds the message in Docker's field order, attributes sorted as Go marshals a map. */
  #emit(legacy: Pick<EventMessage, 'status' | 'id' | 'from'>, type: EventMessage['Type'], action: string, actor: EventMessage['Actor']): void {
    const ms = Date.now();
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(actor.Attributes).sort()) sorted[k] = actor.Attributes[k]!;
    const full: EventMessage = {
      ...legacy, Type: type, Action: action, Actor: { ID: actor.ID, Attributes: sorted }, scope: 'local', time: Math.floor(ms / 1000), timeNano: ms * 1e6,
    };
    this.#remember(full);
    for (const s of this.#subscribers) s(full);
  }

  #remember(e: EventMessage): void {
    // Labels make an event's size up to the user: the cap is on bytes, not only on count.
    const bytes = Buffer.byteLength(JSON.stringify(e));
    this.#history.push({ e, bytes });
    this.#historyBytes += bytes;
    while (this.#history.length > HISTORY_EVENTS || (this.#historyBytes > HISTORY_MAX_BYTES && this.#history.length > 0)) {
      this.#historyBytes -= this.#history.shift()!.bytes;
    }
  }

  /**
   * Past events at or after `since` (unix seconds, fractional), then live ones until the
   * returned function is called.
   */
  subscribe(fn: (e: EventMessage) => void, since?: number): () => void {
    if (since !== undefined) for (const { e } of this.#history) if (e.timeNano / 1e9 >= since) fn(e);
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }
}
