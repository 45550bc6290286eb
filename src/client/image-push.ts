import type { JsonMessage } from '../api/progress.js';
import { InternalError } from '../lib/errors/index.js';
import { jsonLines, type EngineClient } from './transport.js';

/** Options of {@link imagePush}. */
export interface ImagePushOptions {
  /** The tag to push; every tag of the repository when absent. */
  tag?: string;
  /** X-Registry-Auth: base64url of the registry's AuthConfig JSON ("e30=" for none). */
  registryAuth?: string;
}

/**
 * Pushes an image to its registry (`POST /images/{name}/push`), yielding each progress message.
 * @throws {InternalError} when the stream reports an error (registry unreachable, denied).
 */
export async function* imagePush(client: EngineClient, name: string, options: ImagePushOptions = {}): AsyncGenerator<JsonMessage> {
  const res = await client.request({
    method: 'POST',
    path: `/images/${name}/push`,
    query: { tag: options.tag },
    headers: { 'X-Registry-Auth': options.registryAuth ?? 'e30=' },
  });
  for await (const msg of jsonLines<JsonMessage>(res)) {
    if (msg.error || msg.errorDetail?.message) throw new InternalError(msg.errorDetail?.message ?? msg.error ?? 'push failed');
    yield msg;
  }
}
