import type { EngineClient } from './transport.js';

/** Restarts a container (`POST /containers/{id}/restart`). */
export function containerRestart(client: EngineClient, id: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
  return client.send({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/restart`,
    query: { t: options.timeout, signal: options.signal },
  });
}
