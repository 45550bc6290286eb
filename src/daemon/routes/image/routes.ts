import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Router } from '../../server/router.js';
import { boolParam, filtersParam, readJson, type RequestContext } from '../../server/context.js';
import { sendJson, need } from '../../server/respond.js';
import { InvalidArgumentError, messageOf } from '../../../lib/errors/index.js';
import type { ImageBackend, StreamedOperation } from './backend.js';
import { ProgressWriter } from '../../server/progress-writer.js';

export function addImageRoutes(r: Router, b: ImageBackend): void {
  r.add('GET', '/images/json', async (ctx) => {
    sendJson(ctx, 200, b.imageList({ all: boolParam(ctx.query, 'all'), filters: filtersParam(ctx.query), apiVersion: ctx.apiVersion }));
  });
  r.add('GET', '/images/search', async (ctx) => {
    const q = ctx.query;
    sendJson(ctx, 200, await b.imageSearch({
      term: q.get('term') ?? '', limit: q.get('limit') ?? undefined, filters: filtersParam(q), auth: registryAuth(ctx), signal: ctx.signal,
    }));
  });
  r.add('POST', '/images/prune', async (ctx) => {
    sendJson(ctx, 200, await b.imagePrune(filtersParam(ctx.query)));
  });
  r.add('POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    const fromSrc = q.get('fromSrc');
    const fromImage = q.get('fromImage');
    if (!fromSrc && !fromImage) throw new InvalidArgumentError('either fromSrc or fromImage must be given');
    if (fromImage) {
      const pull = await b.imagePull({
        fromImage, tag: q.get('tag') ?? '', platform: q.get('platform') || undefined, auth: registryAuth(ctx), signal: ctx.signal,
      });
      await streamProgress(ctx, pull);
      return;
    }
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
  // Save and load: registered before /images/{name*}/… so "get" is never taken for part of a name.
  r.add('GET', '/images/get', async (ctx) => {
    await sendArchive(ctx, await b.imageSave(ctx.query.getAll('names'), { platform: ctx.query.get('platform') || undefined, signal: ctx.signal }));
  });
  r.add('GET', '/images/{name*}/get', async (ctx) => {
    await sendArchive(ctx, await b.imageSave([ctx.params.name!], { platform: ctx.query.get('platform') || undefined, signal: ctx.signal }));
  });
  r.add('POST', '/images/load', async (ctx) => {
    const res = need(ctx);
    const out = new ProgressWriter(res);
    let started = false;
    // The status line waits for the first message: an archive refused before any layer is read
    // gets a real error status, as from Docker.
    const send = (msg: object): void => {
      if (!started) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        started = true;
      }
      out.send(msg);
    };
    try {
      await b.imageLoad(ctx.req, { quiet: boolParam(ctx.query, 'quiet'), platform: ctx.query.get('platform') || undefined, signal: ctx.signal, send });
    } catch (err) {
      if (!started) throw err;
      const message = messageOf(err);
      out.send({ errorDetail: { message }, error: message });
      await out.end();
      return;
    }
    if (!started) res.writeHead(200, { 'Content-Type': 'application/json' });
    await out.end();
  });
  r.add('POST', '/images/{name*}/push', async (ctx) => {
    const push = b.imagePush({ name: ctx.params.name!, tag: ctx.query.get('tag') || undefined, auth: registryAuth(ctx), signal: ctx.signal });
    await streamProgress(ctx, push);
  });
  r.add('POST', '/auth', async (ctx) => sendJson(ctx, 200, await b.login(await readJson(ctx), ctx.signal)));
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

/** Streams a save archive; past the status line, an error can only cut the stream short. */
async function sendArchive(ctx: RequestContext, tar: Readable): Promise<void> {
  const res = need(ctx);
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await pipeline(tar, res, { signal: ctx.signal }).catch((err: unknown) => {
    if (!ctx.signal.aborted) res.destroy(err as Error);
  });
}

function registryAuth(ctx: RequestContext): string | undefined {
  const h = ctx.req.headers['x-registry-auth'];
  return (Array.isArray(h) ? h[0] : h) || undefined;
}

/**
 * Answers 200 and streams the operation's JSON messages, one per line as Docker does; an error
 * after the stream began can only be told in it, as Docker's {"errorDetail":…,"error":…}.
 */
async function streamProgress(ctx: RequestContext, op: StreamedOperation): Promise<void> {
  const res = need(ctx);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  // A client that reads slowly gets the latest counts, not every one: the daemon holds little for it.
  const out = new ProgressWriter(res);
  try {
    await op.run((m) => out.send(m));
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    out.send({ errorDetail: { message }, error: message });
  }
  await out.end();
}
