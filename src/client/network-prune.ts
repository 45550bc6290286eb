import type { NetworkPruneResponse } from '../api/network.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Removes networks no container uses (`POST /networks/prune`). */
export function networkPrune(client: EngineClient, options: { filters?: Record<string, string[]> } = {}): Promise<NetworkPruneResponse> {
  return client.json<NetworkPruneResponse>({ method: 'POST', path: '/networks/prune', query: { filters: encodeFilters(options.filters) } });
}
