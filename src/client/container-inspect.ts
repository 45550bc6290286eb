import type { ContainerInspectResponse } from '../api/container.js';
import type { EngineClient } from './transport.js';

/**
 * Returns low-level information about a container (`GET /containers/{id}/json`).
 * @throws {NotFoundError} when no container has that name or id.
 */
export function containerInspect(client: EngineClient, id: string, options: { size?: boolean } = {}): Promise<ContainerInspectResponse> {
  return client.json<ContainerInspectResponse>({
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/json`,
    query: { size: options.size || undefined },
  });
}
