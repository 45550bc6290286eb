import type { Network } from '../api/network.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Lists networks (`GET /networks`). */
export function networkList(client: EngineClient, options: { filters?: Record<string, string[]> } = {}): Promise<Network[]> {
  return client.json<Network[]>({ method: 'GET', path: '/networks', query: { filters: encodeFilters(options.filters) } });
}
