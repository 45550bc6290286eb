import type { ContainerUpdateRequest, ContainerUpdateResponse } from '../api/stats.js';
import type { EngineClient } from './transport.js';

/** Changes a container's resource limits and restart policy (`POST /containers/{id}/update`). */
export function containerUpdate(client: EngineClient, id: string, update: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
  return client.json<ContainerUpdateResponse>({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/update`,
    body: update,
  });
}
