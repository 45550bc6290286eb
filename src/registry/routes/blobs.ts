/** Blob reads and deletes: GET/HEAD (with a byte range) and DELETE of /v2/<name>/blobs/<digest>. */
import { pipeline } from 'node:stream/promises';
import { registryError } from '../errors.js';
import { checkDigest } from '../names.js';
import { requestedRange } from '../request.js';
import { reply, type RouteContext } from './context.js';

export async function blobGet(ctx: RouteContext): Promise<void> {
  const { store, req, res, params } = ctx;
  const digest = checkDigest(params.digest);
  const info = await store.statBlob(params.name!, digest);
  if (!info) throw registryError('blobUnknown', { digest });
  const range = requestedRange(req.headers.range, info.size);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    'ETag': `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  };
  if (req.method === 'HEAD') {
    reply(res, 200, { ...headers, 'Content-Length': info.size });
    return;
  }
  const stream = await store.openBlob(params.name!, digest, range);
  if (range) {
    res.writeHead(206, { ...headers, 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${info.size}` });
  } else {
    res.writeHead(200, { ...headers, 'Content-Length': info.size });
  }
  await pipeline(stream, res);
}

export async function blobDelete(ctx: RouteContext): Promise<void> {
  const digest = checkDigest(ctx.params.digest);
  await ctx.store.deleteBlob(ctx.params.name!, digest);
  reply(ctx.res, 202, { 'Docker-Content-Digest': digest });
}
