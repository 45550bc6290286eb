import type { NetworkDisconnectRequest } from '../api/network.js';
import type { EngineClient } from './transport.js';

/** Disconnects a container from a network (`POST /networks/{id}/disconnect`). */
export function networkDisconnect(client: EngineClient, id: string, request: NetworkDisconnectRequest): Promise<void> {
  return client.send({ method: 'POST', path: `/networks/${encodeURIComponent(id)}/disconnect`, body: request });
}
