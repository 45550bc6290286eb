import type { ImagePruneResponse } from '../api/image.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Removes unused images (`POST /images/prune`); only dangling ones unless `dangling=false`. */
export function imagePrune(client: EngineClient, options: { filters?: Record<string, string[]> } = {}): Promise<ImagePruneResponse> {
  return client.json<ImagePruneResponse>({
    method: 'POST',
    path: '/images/prune',
    query: { filters: encodeFilters(options.filters) },
  });
}
