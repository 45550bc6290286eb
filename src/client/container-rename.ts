import type { EngineClient } from './transport.js';

/** Renames a container (`POST /containers/{id}/rename`). */
export function containerRename(client: EngineClient, id: string, name: string): Promise<void> {
  return client.send({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/rename`, query: { name } });
}
