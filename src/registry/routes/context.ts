/** What every route handler gets, and how it answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryStore } from '../backend.js';

export type Action = 'pull' | 'push' | 'delete';

/** Who is asking, and what else they may touch (a mount reads another repository). */
export interface Grant {
  /** The account that logged in; undefined when anonymous or when auth is off. */
  account: string | undefined;
  allows(name: string, action: Action): boolean;
  /** Auth is off: anyone may read every repository. */
  unrestricted: boolean;
}

/** The grant when the registry has no auth. */
export const OPEN_GRANT: Grant = { account: undefined, allows: () => true, unrestricted: true };

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: RegistryStore;
  grant: Grant;
  /** Path parameters: `name` (repository), `reference`, `digest`, `uuid`. */
  params: Record<string, string>;
  /** Limits the handler applies to bodies it reads whole. */
  limits: { manifestBytes: number };
}

export type RouteHandler = (ctx: RouteContext) => Promise<void>;

/** Ends the response with an optional JSON (or raw) body; HEAD answers carry the headers only. */
export function reply(res: ServerResponse, status: number, headers: Record<string, string | number | string[]>, body?: unknown): void {
  let data: Buffer | undefined;
  if (body !== undefined) {
    data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    if (!('Content-Type' in headers)) headers = { 'Content-Type': 'application/json', ...headers };
  }
  res.writeHead(status, { 'Content-Length': data?.length ?? 0, ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : data);
}

/** The query of a Link header's next page, RFC 5988 style. */
export function nextLink(path: string, next: { n: number; last: string }): string {
  return `<${path}?n=${next.n}&last=${encodeURIComponent(next.last)}>; rel="next"`;
}
