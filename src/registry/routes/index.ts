/**
 * The registry's routes. Resolving a request gives the handler and the access it needs (which
 * repository, pull/push/delete), so an authorization check can run between the two.
 * Repository names contain slashes, so paths are matched from their end.
 */
import { registryError } from '../errors.js';
import { checkRepositoryName } from '../names.js';
import { blobDelete, blobGet } from './blobs.js';
import { reply, type Action, type RouteContext, type RouteHandler } from './context.js';
import { catalog, referrers, tagsList } from './discovery.js';
import { manifestDelete, manifestGet, manifestPut } from './manifests.js';
import { v1SearchRoute } from './search.js';
import { uploadCancel, uploadChunk, uploadFinish, uploadGet, uploadStart } from './uploads.js';

export type { Action } from './context.js';

/**
 * What a request touches, as a token scope names it: actions on a repository, the catalog, or
 * only `/v2/` (which any authenticated client may call).
 */
export type Access =
  | { type: 'repository'; name: string; actions: Action[] }
  | { type: 'catalog' }
  | { type: 'base' };

export interface ResolvedRoute {
  handler: RouteHandler;
  access: Access;
  params: Record<string, string>;
}

interface RouteDef {
  pattern: RegExp;
  keys: string[];
  methods: Record<string, { handler: RouteHandler; actions: Action[] }>;
}

const pull = (handler: RouteHandler) => ({ handler, actions: ['pull'] as Action[] });
const push = (handler: RouteHandler) => ({ handler, actions: ['pull', 'push'] as Action[] });
const del = (handler: RouteHandler) => ({ handler, actions: ['delete'] as Action[] });

const ROUTES: RouteDef[] = [
  { pattern: /^\/v2\/(.+)\/tags\/list$/, keys: ['name'], methods: { GET: pull(tagsList) } },
  { pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/, keys: ['name', 'reference'], methods: { GET: pull(manifestGet), HEAD: pull(manifestGet), PUT: push(manifestPut), DELETE: del(manifestDelete) } },
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/, keys: ['name'], methods: { POST: push(uploadStart) } },
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, keys: ['name', 'uuid'], methods: { GET: push(uploadGet), PATCH: push(uploadChunk), PUT: push(uploadFinish), DELETE: push(uploadCancel) } },
  { pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/, keys: ['name', 'digest'], methods: { GET: pull(blobGet), HEAD: pull(blobGet), DELETE: del(blobDelete) } },
  { pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/, keys: ['name', 'digest'], methods: { GET: pull(referrers) } },
];

function base(ctx: RouteContext): Promise<void> {
  reply(ctx.res, 200, {}, {});
  return Promise.resolve();
}

/** The handler for a request, or a 404/405 registry error; the repository name is checked here. */
export function resolveRoute(method: string, pathname: string): ResolvedRoute {
  if (pathname === '/v2/' || pathname === '/v2') {
    if (method !== 'GET' && method !== 'HEAD') throw registryError('methodNotAllowed');
    return { handler: base, access: { type: 'base' }, params: {} };
  }
  if (pathname === '/v1/search') return v1SearchRoute(method);
  if (pathname === '/v2/_catalog') {
    if (method !== 'GET') throw registryError('methodNotAllowed');
    return { handler: catalog, access: { type: 'catalog' }, params: {} };
  }
  for (const r of ROUTES) {
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => { params[k] = m[i + 1]!; });
    const name = checkRepositoryName(params.name!);
    const route = r.methods[method];
    if (!route) throw registryError('methodNotAllowed');
    return { handler: route.handler, access: { type: 'repository', name, actions: route.actions }, params };
  }
  throw registryError('notFound', { path: pathname });
}
