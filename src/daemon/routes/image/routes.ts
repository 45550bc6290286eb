import type { Router } from '../../server/router.js';
import { boolParam, filtersParam } from '../../server/context.js';
import { sendJson, need } from '../../server/respond.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { ImageBackend } from './backend.js';

export function addImageRoutes(r: Router, b: ImageBackend): void {
  r.add('GET', '/images/json', async (ctx) => {
    sendJson(ctx, 200, b.imageList({ all: boolParam(ctx.query, 'all'), filters: filtersParam(ctx.query), apiVersion: ctx.apiVersion }));
  });
  r.add('POST', '/images/prune', async (ctx) => {
    sendJson(ctx, 200, await b.imagePrune(filtersParam(ctx.query)));
  });
  r.add('POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    const fromSrc = q.get('fromSrc');
    const fromImage = q.get('fromImage');
    if (!fromSrc && !fromImage) throw new InvalidArgumentError('either fromSrc or fromImage must be given');
    if (fromImage) b.imagePull(fromImage, q.get('tag') ?? '');
    if (fromSrc !== '-') throw new InvalidArgumentError(`importing from a URL is not supported: ${fromSrc}`);
    // The status line waits until the import has succeeded, so a bad tarball gets a real error status.
    const id = await b.imageImport({
      source: ctx.req, repo: q.get('repo') || undefined, tag: q.get('tag') || undefined, changes: q.getAll('changes'),
      message: q.get('message') || undefined, platform: q.get('platform') || undefined, signal: ctx.signal,
    });
    const res = need(ctx);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ status: id })}\r\n`);
  });
  r.add('GET', '/images/{name*}/json', async (ctx) => sendJson(ctx, 200, b.imageInspect(ctx.params.name!, ctx.apiVersion)));
  r.add('GET', '/images/{name*}/history', async (ctx) => sendJson(ctx, 200, b.imageHistory(ctx.params.name!)));
  r.add('POST', '/images/{name*}/tag', async (ctx) => {
    await b.imageTag(ctx.params.name!, ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? '');
    sendJson(ctx, 201, null);
  });
  r.add('DELETE', '/images/{name*}', async (ctx) => {
    sendJson(ctx, 200, await b.imageDelete(ctx.params.name!, { force: boolParam(ctx.query, 'force'), noPrune: boolParam(ctx.query, 'noprune') }));
  });
}
