import type { EngineClient } from './transport.js';

/** Removes a volume (`DELETE /volumes/{name}`); `force` ignores a missing one. */
export function volumeDelete(client: EngineClient, name: string, options: { force?: boolean } = {}): Promise<void> {
  return client.send({ method: 'DELETE', path: `/volumes/${encodeURIComponent(name)}`, query: { force: options.force || undefined } });
}
