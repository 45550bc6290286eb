import type { ImageDeleteResponseItem } from '../api/image.js';
import { encodeImageName } from './image-inspect.js';
import type { EngineClient } from './transport.js';

/** Removes an image or one of its references (`DELETE /images/{name}`). */
export async function imageDelete(client: EngineClient, name: string, options: { force?: boolean; noprune?: boolean } = {}): Promise<ImageDeleteResponseItem[]> {
  const items = await client.json<ImageDeleteResponseItem[] | undefined>({
    method: 'DELETE',
    path: `/images/${encodeImageName(name)}`,
    query: { force: options.force || undefined, noprune: options.noprune || undefined },
  });
  return items ?? [];
}
