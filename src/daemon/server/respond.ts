import type { ServerResponse } from 'node:http';
import type { RequestContext } from './context.js';
import { InternalError } from '../../lib/errors/index.js';

/** Writes a JSON answer. */
export function sendJson(ctx: RequestContext, status: number, body: unknown): void {
  const res = need(ctx);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An empty answer (204 for most actions). */
export function sendEmpty(ctx: RequestContext, status = 204): void {
  const res = need(ctx);
  res.writeHead(status);
  res.end();
}

export function need(ctx: RequestContext): ServerResponse {
  if (!ctx.res) throw new InternalError('this route cannot answer an upgraded connection');
  return ctx.res;
}
