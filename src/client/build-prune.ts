import type { BuildCachePruneResponse } from '../api/build.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Removes build cache (`POST /build/prune`): unused entries, or all with `all`. */
export function buildPrune(client: EngineClient, options: { all?: boolean; filters?: Record<string, string[]> } = {}): Promise<BuildCachePruneResponse> {
  return client.json<BuildCachePruneResponse>({ method: 'POST', path: '/build/prune', query: { all: options.all || undefined, filters: encodeFilters(options.filters) } });
}
