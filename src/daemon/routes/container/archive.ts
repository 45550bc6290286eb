import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PATH_STAT_HEADER, type ContainerPathStat } from '../../../api/archive.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { Router } from '../../server/router.js';
import { boolParam, type RequestContext } from '../../server/context.js';
import { need, sendEmpty } from '../../server/respond.js';

/** What the archive routes need from the engine. */
export interface ContainerArchiveBackend {
  containerArchiveStat(ref: string, path: string): Promise<ContainerPathStat>;
  containerArchiveGet(ref: string, path: string): Promise<{ stat: ContainerPathStat; archive: Readable }>;
  containerArchivePut(ref: string, path: string, body: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal?: AbortSignal }): Promise<void>;
}

function pathParam(ctx: RequestContext): string {
  const path = ctx.query.get('path');
  if (path === null || path === '') throw new InvalidArgumentError('path cannot be empty');
  return path;
}

const statHeader = (st: ContainerPathStat): string => Buffer.from(JSON.stringify(st)).toString('base64');

/** HEAD/GET/PUT /containers/{id}/archive: stat, copy out (a tar) and copy in (a tar). */
export function addArchiveRoutes(r: Router, b: ContainerArchiveBackend): void {
  r.add('HEAD', '/containers/{id}/archive', async (ctx) => {
    const st = await b.containerArchiveStat(ctx.params.id!, pathParam(ctx));
    const res = need(ctx);
    res.writeHead(200, { [PATH_STAT_HEADER]: statHeader(st), 'Content-Type': 'application/json' });
    res.end();
  });

  r.add('GET', '/containers/{id}/archive', async (ctx) => {
    const { stat, archive } = await b.containerArchiveGet(ctx.params.id!, pathParam(ctx));
    const res = need(ctx);
    res.writeHead(200, { [PATH_STAT_HEADER]: statHeader(stat), 'Content-Type': 'application/x-tar' });
    try {
      await pipeline(archive, res, { signal: ctx.signal });
    } catch {
      // The status is out: a failure now can only cut the stream short, which the client sees.
      archive.destroy();
      res.destroy();
    }
  });

  r.add('PUT', '/containers/{id}/archive', async (ctx) => {
    await b.containerArchivePut(ctx.params.id!, pathParam(ctx), ctx.req, {
      noOverwriteDirNonDir: boolParam(ctx.query, 'noOverwriteDirNonDir'),
      copyUIDGID: boolParam(ctx.query, 'copyUIDGID'),
      signal: ctx.signal,
    });
    sendEmpty(ctx, 200);
  });
}
