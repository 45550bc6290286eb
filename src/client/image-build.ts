import type { Readable } from 'node:stream';
import type { JsonMessage } from '../api/progress.js';
import { jsonLines, type EngineClient } from './transport.js';

/** Options of {@link imageBuild}: the query parameters of `POST /build`. */
export interface ImageBuildOptions {
  tags?: string[];
  /** The Dockerfile's path inside the context. */
  dockerfile?: string;
  buildArgs?: Record<string, string | null>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  labels?: Record<string, string>;
  networkMode?: string;
  platform?: string;
}

/** One message of the build's stream: step text, pull progress, the image id (aux), or the error. */
export type BuildStreamMessage = JsonMessage & { stream?: string; errorDetail?: { message: string; code?: number } };

/**
 * Builds an image from a context tar (`POST /build`), yielding the daemon's messages as they
 * come, the error message included (it ends the stream).
 */
export async function* imageBuild(client: EngineClient, context: Readable, options: ImageBuildOptions = {}): AsyncGenerator<BuildStreamMessage> {
  const nonEmpty = (o: Record<string, unknown> | undefined): string | undefined => (o && Object.keys(o).length > 0 ? JSON.stringify(o) : undefined);
  const res = await client.request({
    method: 'POST',
    path: '/build',
    query: {
      t: options.tags && options.tags.length > 0 ? options.tags : undefined,
      dockerfile: options.dockerfile,
      buildargs: nonEmpty(options.buildArgs),
      target: options.target || undefined,
      nocache: options.noCache || undefined,
      pull: options.pull ? '1' : undefined,
      q: options.quiet || undefined,
      labels: nonEmpty(options.labels),
      networkmode: options.networkMode || undefined,
      platform: options.platform || undefined,
      rm: true,
    },
    headers: { 'Content-Type': 'application/x-tar' },
    body: context,
  });
  yield* jsonLines<BuildStreamMessage>(res);
}
