import type { Router } from '../../server/router.js';
import type { RequestContext } from '../../server/context.js';
import { sendJson, need } from '../../server/respond.js';
import { API_VERSION } from '../../../api/version.js';
import type { SystemBackend } from './backend.js';
import { getEvents } from './events.js';

function ping(ctx: RequestContext): void {
  const res = need(ctx);
  res.writeHead(200, {
    'API-Version': API_VERSION,
    'OSType': 'linux',
    'Builder-Version': '1',
    'Docker-Experimental': 'false',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    'Pragma': 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': ctx.req.method === 'HEAD' ? '0' : '2',
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
}

export function addSystemRoutes(r: Router, b: SystemBackend): void {
  r.add('GET', '/_ping', async (ctx) => ping(ctx));
  r.add('HEAD', '/_ping', async (ctx) => ping(ctx));
  r.add('GET', '/version', async (ctx) => sendJson(ctx, 200, b.systemVersion()));
  r.add('GET', '/info', async (ctx) => sendJson(ctx, 200, await b.systemInfo(ctx.apiVersion)));
  r.add('GET', '/system/df', async (ctx) => sendJson(ctx, 200, await b.systemDataUsage(ctx.apiVersion)));
  r.add('GET', '/events', async (ctx) => getEvents(ctx, b));
}
