import { EngineError, InvalidArgumentError } from '../../lib/errors/index.js';
import { DEFAULT_DOMAIN } from '../../oci/index.js';
import { RegistryClient } from './client.js';
import type { RegistryCredentials } from './credentials.js';
import { registryEndpoint, type RegistryEndpoint } from './endpoint.js';
import { registryError } from './errors.js';
import { readBody } from './http.js';

/** One result of `GET /images/search`, fields in the order dockerd writes them. */
export interface ImageSearchResult {
  star_count: number;
  is_official: boolean;
  name: string;
  /** Deprecated by Docker: always false on Docker Hub today. */
  is_automated: boolean;
  description: string;
}

/** What dockerd sends when the client gives no limit. */
export const DEFAULT_SEARCH_LIMIT = 25;

/** Docker Hub's index, where the v1 search API lives for docker.io. */
const DOCKER_HUB_INDEX = 'https://index.docker.io';
const MAX_SEARCH_BODY = 4 * 1024 * 1024;

/**
 * Splits a search term as dockerd does: a first component that looks like a host (a dot, a
 * colon, or "localhost") names the registry to ask, and the rest is the query; otherwise the
 * whole term goes to Docker Hub.
 */
export function splitSearchTerm(term: string): { index: string; query: string } {
  const slash = term.indexOf('/');
  if (slash > 0) {
    const first = term.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') return { index: first, query: term.slice(slash + 1) };
  }
  return { index: DEFAULT_DOMAIN, query: term };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Asks a registry's v1 search API (GET /v1/search?q=&n=) for repositories matching `term`, with
 * the credentials its /v2/ challenge asks for. A registry without the API (Distribution answers
 * 404) is a plain error that says so, not a hang or an empty list.
 */
export async function searchRegistry(opts: {
  term: string; limit: number; credentials?: RegistryCredentials; insecureRegistries: readonly string[]; signal?: AbortSignal;
}): Promise<ImageSearchResult[]> {
  const { term, limit } = opts;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidArgumentError(`limit ${limit} is outside the range of [1, 100]`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(term)) throw new InvalidArgumentError(`invalid repository name: repository name (${term}) should not have a scheme`);
  const { index, query: raw } = splitSearchTerm(term);
  // Docker Hub keeps official images under "library/", which its search does not want.
  const query = index === DEFAULT_DOMAIN ? raw.replace(/^library\//, '') : raw;
  const endpoint: RegistryEndpoint = index === DEFAULT_DOMAIN ? { domain: DEFAULT_DOMAIN, base: new URL(DOCKER_HUB_INDEX) } : registryEndpoint(index, opts.insecureRegistries);
  const client = new RegistryClient(endpoint, opts.credentials, opts.signal ? { signal: opts.signal } : {});
  const path = `/v1/search?q=${encodeURIComponent(query)}&n=${limit}`;
  const res = await client.request({ method: 'GET', path, headers: { Accept: 'application/json' } }, ['registry:catalog:*']);
  const body = await readBody(res, MAX_SEARCH_BODY);
  if (res.statusCode === 401 || res.statusCode === 403) throw registryError(res, body);
  if (res.statusCode === 404) throw new EngineError(`Unexpected status code 404: ${index} does not offer the search API (GET ${client.url(path).href})`);
  if (res.statusCode !== 200) throw new EngineError(`Unexpected status code ${res.statusCode}`);
  let doc: { results?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8')) as { results?: unknown };
  } catch {
    throw new EngineError(`the search answer of ${index} is not JSON`);
  }
  if (!Array.isArray(doc?.results)) throw new EngineError(`the search answer of ${index} has no results list`);
  return (doc.results as Array<Record<string, unknown>>).filter((r) => r && typeof r.name === 'string').slice(0, limit).map((r) => ({
    star_count: typeof r.star_count === 'number' ? r.star_count : 0,
    is_official: r.is_official === true,
    name: str(r.name),
    is_automated: r.is_automated === true,
    description: str(r.description),
  }));
}

const SEARCH_FILTERS = new Set(['is-automated', 'is-official', 'stars']);

function boolFilter(key: string, values: string[] | undefined): boolean | undefined {
  if (!values || values.length === 0) return undefined;
  let out: boolean | undefined;
  for (const v of values) {
    if (/^(true|1)$/i.test(v)) out = true;
    else if (/^(false|0)$/i.test(v)) out = false;
    else throw new InvalidArgumentError(`invalid filter '${key}=${v}'`);
  }
  return out;
}

/**
 * Checks the search filters (is-official, is-automated, stars) as dockerd does and returns the
 * test they make: booleans must match, stars is a minimum (the largest given counts).
 */
export function searchFilter(filters: Map<string, string[]>): (r: ImageSearchResult) => boolean {
  for (const k of filters.keys()) if (!SEARCH_FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  const official = boolFilter('is-official', filters.get('is-official'));
  const automated = boolFilter('is-automated', filters.get('is-automated'));
  let stars: number | undefined;
  for (const v of filters.get('stars') ?? []) {
    if (!/^[+-]?\d+$/.test(v)) throw new InvalidArgumentError(`invalid filter 'stars=${v}'`);
    stars = Math.max(stars ?? 0, Number(v));
  }
  return (r) => (official === undefined || r.is_official === official)
    && (automated === undefined || r.is_automated === automated)
    && (stars === undefined || r.star_count >= stars);
}
