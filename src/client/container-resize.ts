import type { EngineClient } from './transport.js';

/** Sets a container's TTY size (`POST /containers/{id}/resize`). */
export function containerResize(client: EngineClient, id: string, size: { h: number; w: number }): Promise<void> {
  return client.send({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/resize`, query: { h: size.h, w: size.w } });
}
