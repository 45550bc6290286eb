import type { EngineClient } from './transport.js';

/** Sends a signal (default SIGKILL) to a container (`POST /containers/{id}/kill`). */
export function containerKill(client: EngineClient, id: string, options: { signal?: string } = {}): Promise<void> {
  return client.send({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/kill`,
    query: { signal: options.signal },
  });
}
