import type { VolumePruneResponse } from '../api/volume.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Removes unused volumes (`POST /volumes/prune`): anonymous ones unless `all=true`. */
export function volumePrune(client: EngineClient, options: { filters?: Record<string, string[]> } = {}): Promise<VolumePruneResponse> {
  return client.json<VolumePruneResponse>({ method: 'POST', path: '/volumes/prune', query: { filters: encodeFilters(options.filters) } });
}
