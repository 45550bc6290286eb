import type { EngineClient } from './transport.js';

/** Freezes every process of a container (`POST /containers/{id}/pause`). */
export function containerPause(client: EngineClient, id: string): Promise<void> {
  return client.send({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/pause` });
}
