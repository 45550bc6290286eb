import type { ImageSummary } from '../api/image.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Options of {@link imageList}. */
export interface ImageListOptions {
  /** Include intermediate images. */
  all?: boolean;
  digests?: boolean;
  filters?: Record<string, string[]>;
}

/** Lists images (`GET /images/json`). */
export function imageList(client: EngineClient, options: ImageListOptions = {}): Promise<ImageSummary[]> {
  return client.json<ImageSummary[]>({
    method: 'GET',
    path: '/images/json',
    query: { all: options.all || undefined, digests: options.digests || undefined, filters: encodeFilters(options.filters) },
  });
}
