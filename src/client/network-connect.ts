import type { NetworkConnectRequest } from '../api/network.js';
import type { EngineClient } from './transport.js';

/** Connects a container to a network (`POST /networks/{id}/connect`). */
export function networkConnect(client: EngineClient, id: string, request: NetworkConnectRequest): Promise<void> {
  return client.send({ method: 'POST', path: `/networks/${encodeURIComponent(id)}/connect`, body: request });
}
