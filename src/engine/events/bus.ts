import type { ContainerRecord } from '../container/model.js';
import type { EventSink } from './types.js';

/** An event as `GET /events` sends it (Engine API `EventMessage`). */
export interface EventMessage {
  Type: 'container' | 'image' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // Deprecated fields the docker CLI still reads for containers.
  status?: string;
  id?: string;
  from?: string;
}

const HISTORY = 1000;

/** Keeps the last events and fans new ones out to subscribers. */
export class EventBus implements EventSink {
  readonly #history: EventMessage[] = [];
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

  #emit(e: Omit<EventMessage, 'scope' | 'time' | 'timeNano'>): void {
    const ms = Date.now();
    const full: EventMessage = { ...e, scope: 'local', time: Math.floor(ms / 1000), timeNano: ms * 1e6 };
    this.#history.push(full);
    if (this.#history.length > HISTORY) this.#history.shift();
    for (const s of this.#subscribers) s(full);
  }

  /** Past events since `since` (seconds), then live ones until the returned function is called. */
  subscribe(fn: (e: EventMessage) => void, since?: number): () => void {
    if (since !== undefined) for (const e of this.#history) if (e.time >= since) fn(e);
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }
}
