import type { ServerResponse } from 'node:http';
import type { Router } from '../../server/router.js';
import { boolParam, checkJsonContentType, readJson } from '../../server/context.js';
import { need, sendJson } from '../../server/respond.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { ContainerUpdateRequest } from '../../../api/stats.js';
import type { ContainerBackend } from './backend.js';

/** Resolves when `res` can take more, or has closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** `GET /containers/{id}/stats` (JSON frames, one per line) and `POST /containers/{id}/update`. */
export function addStatsRoutes(r: Router, b: ContainerBackend): void {
  r.add('GET', '/containers/{id}/stats', async (ctx) => {
    const stream = boolParam(ctx.query, 'stream', true);
    const oneShot = boolParam(ctx.query, 'one-shot');
    if (stream && oneShot) throw new InvalidArgumentError('cannot have stream=true and one-shot=true');
    const frames = b.containerStats(ctx.params.id!, { stream, oneShot, signal: ctx.signal });
    if (!stream) {
      for await (const f of frames) {
        sendJson(ctx, 200, f);
        return;
      }
      return;
    }
    const res = need(ctx);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    try {
      for await (const f of frames) {
        if (res.destroyed || ctx.signal.aborted) break;
        // One frame a second is small, but a client that stops reading must not grow berthd.
        if (!res.write(`${JSON.stringify(f)}\n`)) await drained(res);
      }
    } finally {
      if (!res.destroyed) res.end();
    }
  });

  r.add('POST', '/containers/{id}/update', async (ctx) => {
    checkJsonContentType(ctx);
    const body = await readJson(ctx);
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new InvalidArgumentError('invalid JSON: expected an object');
    }
    sendJson(ctx, 200, await b.containerUpdate(ctx.params.id!, (body ?? {}) as ContainerUpdateRequest));
  });
}
