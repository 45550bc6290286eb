import type { FilesystemChange } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** What a container changed in its filesystem (`GET /containers/{id}/changes`); `[]` for nothing. */
export async function containerChanges(client: EngineClient, id: string): Promise<FilesystemChange[]> {
  // Docker answers null for a container that changed nothing.
  const list = await client.json<FilesystemChange[] | null>({ method: 'GET', path: `/containers/${encodeURIComponent(id)}/changes` });
  return list ?? [];
}
