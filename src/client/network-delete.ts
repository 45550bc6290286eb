import type { EngineClient } from './transport.js';

/** Removes a network (`DELETE /networks/{id}`). */
export function networkDelete(client: EngineClient, id: string): Promise<void> {
  return client.send({ method: 'DELETE', path: `/networks/${encodeURIComponent(id)}` });
}
