import type { Network } from '../api/network.js';
import type { EngineClient } from './transport.js';

/**
 * Returns one network by id, name or id prefix (`GET /networks/{id}`).
 * @throws {NotFoundError} when no network matches
 */
export function networkInspect(client: EngineClient, id: string, options: { verbose?: boolean; scope?: string } = {}): Promise<Network> {
  return client.json<Network>({
    method: 'GET',
    path: `/networks/${encodeURIComponent(id)}`,
    query: { verbose: options.verbose || undefined, scope: options.scope || undefined },
  });
}
