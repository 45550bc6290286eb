import type { ContainerPruneResponse } from '../api/container.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Removes stopped containers (`POST /containers/prune`). */
export function containerPrune(client: EngineClient, options: { filters?: Record<string, string[]> } = {}): Promise<ContainerPruneResponse> {
  return client.json<ContainerPruneResponse>({
    method: 'POST',
    path: '/containers/prune',
    query: { filters: encodeFilters(options.filters) },
  });
}
