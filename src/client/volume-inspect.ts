import type { Volume } from '../api/volume.js';
import type { EngineClient } from './transport.js';

/**
 * Returns one volume by name (`GET /volumes/{name}`).
 * @throws {NotFoundError} when there is no such volume
 */
export function volumeInspect(client: EngineClient, name: string): Promise<Volume> {
  return client.json<Volume>({ method: 'GET', path: `/volumes/${encodeURIComponent(name)}` });
}
