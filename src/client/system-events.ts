import type { IncomingMessage } from 'node:http';
import type { EventMessage } from '../api/event.js';
import { jsonLines, type EngineClient } from './transport.js';

/** Options of {@link systemEvents}. */
export interface SystemEventsOptions {
  /** Unix seconds with an optional fraction ("1700000000.000000001"), as the daemon takes them. */
  since?: string;
  until?: string;
  filters?: Record<string, string[]>;
}

/** The open `GET /events` stream: its events, and `close` to stop reading. */
export interface EventStream {
  events: AsyncGenerator<EventMessage>;
  response: IncomingMessage;
}

/**
 * Streams events (`GET /events`): the history from `since`, then live events until `until`
 * or until the caller destroys `response`.
 */
export async function systemEvents(client: EngineClient, options: SystemEventsOptions = {}): Promise<EventStream> {
  const filters = options.filters && Object.keys(options.filters).length ? JSON.stringify(options.filters) : undefined;
  const response = await client.request({ method: 'GET', path: '/events', query: { since: options.since, until: options.until, filters } });
  return { events: jsonLines<EventMessage>(response), response };
}
