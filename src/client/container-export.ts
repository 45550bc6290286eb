import type { IncomingMessage } from 'node:http';
import type { EngineClient } from './transport.js';

/** A container's whole filesystem as a tar stream (`GET /containers/{id}/export`). */
export function containerExport(client: EngineClient, id: string, options: { signal?: AbortSignal } = {}): Promise<IncomingMessage> {
  return client.request({ method: 'GET', path: `/containers/${encodeURIComponent(id)}/export`, signal: options.signal });
}
