import type { Volume, VolumeCreateOptions } from '../api/volume.js';
import type { EngineClient } from './transport.js';

/** Creates a volume, or returns the existing one of that name (`POST /volumes/create`). */
export function volumeCreate(client: EngineClient, options: VolumeCreateOptions): Promise<Volume> {
  return client.json<Volume>({ method: 'POST', path: '/volumes/create', body: options });
}
