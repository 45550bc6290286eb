import type { NetworkCreateRequest, NetworkCreateResponse } from '../api/network.js';
import type { EngineClient } from './transport.js';

/** Creates a network (`POST /networks/create`). */
export function networkCreate(client: EngineClient, config: NetworkCreateRequest): Promise<NetworkCreateResponse> {
  return client.json<NetworkCreateResponse>({ method: 'POST', path: '/networks/create', body: config });
}
