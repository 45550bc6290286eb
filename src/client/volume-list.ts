import type { VolumeListResponse } from '../api/volume.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Lists volumes (`GET /volumes`). */
export function volumeList(client: EngineClient, options: { filters?: Record<string, string[]> } = {}): Promise<VolumeListResponse> {
  return client.json<VolumeListResponse>({ method: 'GET', path: '/volumes', query: { filters: encodeFilters(options.filters) } });
}
