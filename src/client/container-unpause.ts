import type { EngineClient } from './transport.js';

/** Thaws a paused container (`POST /containers/{id}/unpause`). */
export function containerUnpause(client: EngineClient, id: string): Promise<void> {
  return client.send({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/unpause` });
}
