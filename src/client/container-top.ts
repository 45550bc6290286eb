import type { ContainerTopResponse } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** Lists a container's processes (`GET /containers/{id}/top`), with optional `ps` arguments. */
export function containerTop(client: EngineClient, id: string, psArgs?: string): Promise<ContainerTopResponse> {
  return client.json<ContainerTopResponse>({
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/top`,
    query: { ps_args: psArgs },
  });
}
