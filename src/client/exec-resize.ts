import type { EngineClient } from './transport.js';

/** Sets an exec instance's TTY size (`POST /exec/{id}/resize`). */
export function execResize(client: EngineClient, id: string, size: { h: number; w: number }): Promise<void> {
  return client.send({ method: 'POST', path: `/exec/${encodeURIComponent(id)}/resize`, query: { h: size.h, w: size.w } });
}
