import type { Router } from '../../server/router.js';
import { checkJsonContentType, filtersParam, readJson, type RequestContext } from '../../server/context.js';
import { sendEmpty, sendJson } from '../../server/respond.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { NetworkBackend } from './backend.js';

/** Go's strconv.ParseBool, which Docker uses for `verbose`. */
function goBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new InvalidArgumentError(`invalid value for ${name}: ${v}`);
}

/** A JSON body; an empty one is Go's zero value (Docker decodes nothing and goes on). */
async function jsonBody(ctx: RequestContext): Promise<unknown> {
  checkJsonContentType(ctx);
  return readJson(ctx);
}

/** The network endpoints: list, inspect, create, remove, connect, disconnect, prune. */
export function addNetworkRoutes(r: Router, b: NetworkBackend): void {
  r.add('GET', '/networks', async (ctx) => {
    sendJson(ctx, 200, b.networkList({ filters: filtersParam(ctx.query), apiVersion: ctx.apiVersion }));
  });
  r.add('GET', '/networks/{id}', async (ctx) => {
    sendJson(ctx, 200, b.networkInspect(ctx.params.id!, { verbose: goBool(ctx.query, 'verbose'), scope: ctx.query.get('scope') || undefined }));
  });
  r.add('POST', '/networks/create', async (ctx) => {
    sendJson(ctx, 201, await b.networkCreate(await jsonBody(ctx)));
  });
  r.add('DELETE', '/networks/{id}', async (ctx) => {
    await b.networkDelete(ctx.params.id!);
    sendEmpty(ctx);
  });
  r.add('POST', '/networks/{id}/connect', async (ctx) => {
    await b.networkConnect(ctx.params.id!, await jsonBody(ctx));
    sendEmpty(ctx, 200);
  });
  r.add('POST', '/networks/{id}/disconnect', async (ctx) => {
    await b.networkDisconnect(ctx.params.id!, await jsonBody(ctx));
    sendEmpty(ctx, 200);
  });
  r.add('POST', '/networks/prune', async (ctx) => {
    sendJson(ctx, 200, await b.networkPrune(filtersParam(ctx.query)));
  });
}
