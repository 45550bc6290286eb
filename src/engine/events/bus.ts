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
    this.#emit({
      Type: 'container',
      Action: action,
      Actor: { ID: rec.id, Attributes: { ...(rec.config.Labels ?? {}), image: rec.imageRef, name: rec.name, ...attributes } },
      status: action,
      id: rec.id,
      from: rec.imageRef,
    });
  }

  image(id: string, action: string, attributes: Record<string, string> = {}): void {
    this.#emit({ Type: 'image', Action: action, Actor: { ID: id, Attributes: attributes }, status: action, id });
  }

  object(type: EventMessage['Type'], action: string, actor: { ID: string; Attributes?: Record<string, string> }): void {
    this.#emit({ Type: type, Action: action, Actor: { ID: actor.ID, Attributes: actor.Attributes ?? {} } });
  }

  #emit(e: Omit<EventMessage, 'scope' | 'time' | 'timeNano'>): void {
    const ms = Date.now();
    const full: EventMessage = { ...e, scope: 'local', time: Math.floor(ms / 1000), timeNano: ms * 1e6 };
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
