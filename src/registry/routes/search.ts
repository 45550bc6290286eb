/**
 * The v1 search API Docker's daemons speak for `docker search` (GET /v1/search?q=&n=&page=),
 * answered from the catalog: every repository whose name holds the query, in Docker Hub's JSON
 * shape. The registry keeps no descriptions or stars, so those are empty and zero, and nothing
 * is "official" or "automated".
 */
import { registryError } from '../errors.js';
import { reply, type RouteContext, type RouteHandler } from './context.js';

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_trusted: boolean;
  is_automated: boolean;
  is_official: boolean;
}

export interface SearchPage {
  num_pages: number;
  num_results: number;
  page_size: number;
  page: number;
  query: string;
  results: SearchResult[];
}

function positive(text: string | null, fallback: number): number {
  if (text === null || text === '') return fallback;
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || n < 1) throw registryError('paginationInvalid', { n: text });
  return n;
}

/** One page of the repositories matching `query` (a case-insensitive substring; empty matches all). */
export function searchRepositories(repositories: readonly string[], query: string, pageSize: number, page: number): SearchPage {
  const q = query.toLowerCase();
  const hits = repositories.filter((r) => r.toLowerCase().includes(q));
  const size = Math.min(pageSize, MAX_PAGE_SIZE);
  return {
    num_pages: Math.max(1, Math.ceil(hits.length / size)),
    num_results: hits.length,
    page_size: size,
    page,
    query,
    results: hits.slice((page - 1) * size, page * size).map((name) => ({
      name, description: '', star_count: 0, is_trusted: false, is_automated: false, is_official: false,
    })),
  };
}

const search: RouteHandler = async (ctx: RouteContext) => {
  const p = ctx.url.searchParams;
  const body = searchRepositories(await ctx.store.listRepositories(), p.get('q') ?? '', positive(p.get('n'), DEFAULT_PAGE_SIZE), positive(p.get('page'), 1));
  reply(ctx.res, 200, {}, body);
};

/** The route for GET /v1/search: it reads the catalog, so it needs the catalog's access. */
export function v1SearchRoute(method: string): { handler: RouteHandler; access: { type: 'catalog' }; params: Record<string, string> } {
  if (method !== 'GET' && method !== 'HEAD') throw registryError('methodNotAllowed');
  return { handler: search, access: { type: 'catalog' }, params: {} };
}
