import { encodeImageName } from './image-inspect.js';
import type { EngineClient } from './transport.js';

/** Adds a reference `repo[:tag]` to an image (`POST /images/{name}/tag`). */
export function imageTag(client: EngineClient, source: string, target: { repo: string; tag?: string }): Promise<void> {
  return client.send({
    method: 'POST',
    path: `/images/${encodeImageName(source)}/tag`,
    query: { repo: target.repo, tag: target.tag },
  });
}
