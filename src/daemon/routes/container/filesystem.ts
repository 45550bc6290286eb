import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContainerConfig } from '../../../api/container.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { Router } from '../../server/router.js';
import { boolParam, checkJsonContentType, readJson } from '../../server/context.js';
import { need, sendJson } from '../../server/respond.js';
import type { ContainerFilesystemBackend } from './backend.js';

/** The stream's first chunk (null when it ends at once), leaving it paused after that chunk. */
function firstChunk(s: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      s.pause();
      done();
      resolve(chunk);
    };
    const onEnd = (): void => { done(); resolve(null); };
    const onError = (err: Error): void => { done(); reject(err); };
    s.on('data', onData);
    s.once('end', onEnd);
    s.once('error', onError);
  });
}

/** A container's filesystem as a whole: `docker diff`, `docker export`, `docker commit`. */
export function addFilesystemRoutes(r: Router, b: ContainerFilesystemBackend): void {
  r.add('GET', '/containers/{id}/changes', async (ctx) => {
    sendJson(ctx, 200, await b.containerChanges(ctx.params.id!));
  });

  r.add('GET', '/containers/{id}/export', async (ctx) => {
    const tar = b.containerExport(ctx.params.id!, ctx.signal);
    // The status line waits for the first bytes: a mount that fails still gets an error status.
    const first = await firstChunk(tar);
    const res = need(ctx);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    if (first) res.write(first);
    await pipeline(tar, res, { signal: ctx.signal }).catch((err: unknown) => {
      // Headers are out: all that is left is to cut the stream short, which the client sees.
      if (!ctx.signal.aborted) res.destroy(err as Error);
    });
  });

  r.add('POST', '/commit', async (ctx) => {
    checkJsonContentType(ctx);
    const body = await readJson(ctx);
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new InvalidArgumentError('invalid JSON: the container config must be an object');
    }
    const q = ctx.query;
    sendJson(ctx, 201, await b.imageCommit({
      container: q.get('container') ?? '',
      repo: q.get('repo') || undefined,
      tag: q.get('tag') || undefined,
      comment: q.get('comment') || undefined,
      author: q.get('author') || undefined,
      pause: boolParam(q, 'pause', true),
      changes: q.getAll('changes'),
      config: (body ?? null) as ContainerConfig | null,
      signal: ctx.signal,
    }));
  });
}
