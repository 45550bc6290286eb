import type { ImageSearchResponseItem } from '../api/image.js';
import { encodeFilters } from './container-list.js';
import type { EngineClient } from './transport.js';

/** Options of {@link imageSearch}. */
export interface ImageSearchOptions {
  /** Sent only when positive, as the docker CLI does: the daemon's default (25) otherwise. */
  limit?: number;
  filters?: Record<string, string[]>;
  /** X-Registry-Auth for the registry the term names ("e30=" for none). */
  registryAuth?: string;
}

/** Searches the registry named in `term` (Docker Hub by default) through the daemon (`GET /images/search`). */
export function imageSearch(client: EngineClient, term: string, options: ImageSearchOptions = {}): Promise<ImageSearchResponseItem[]> {
  return client.json<ImageSearchResponseItem[]>({
    method: 'GET',
    path: '/images/search',
    query: { term, limit: options.limit && options.limit > 0 ? String(options.limit) : undefined, filters: encodeFilters(options.filters) },
    headers: { 'X-Registry-Auth': options.registryAuth ?? 'e30=' },
  });
}
