import type { ContainerConfig, IdResponse } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** Options of {@link imageCommit}. */
export interface ImageCommitOptions {
  /** Repository of the new image ("name" or "registry/name"); without it the image is untagged. */
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Dockerfile instructions (CMD, ENV, …) applied to the image config. */
  changes?: string[];
  /** @default true */
  pause?: boolean;
  /** A config whose set fields win over the container's. */
  config?: ContainerConfig;
}

/** Makes an image from a container's changes (`POST /commit`); resolves to the new image's id. */
export function imageCommit(client: EngineClient, container: string, options: ImageCommitOptions = {}): Promise<IdResponse> {
  return client.json<IdResponse>({
    method: 'POST',
    path: '/commit',
    query: {
      container,
      repo: options.repo,
      tag: options.tag,
      comment: options.comment,
      author: options.author,
      changes: options.changes?.length ? options.changes : undefined,
      pause: options.pause === false ? false : undefined,
    },
    body: options.config ?? null,
  });
}
