import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidArgumentError } from '../../lib/errors/index.js';

const MAX_JSON_BODY = 16 * 1024 * 1024;

/** What a handler gets for one request. */
export interface RequestContext {
  req: IncomingMessage;
  /** Absent for hijacked (Upgrade) requests, which use `upgrade` instead. */
  res?: ServerResponse;
  /** The path without the /vX.Y prefix. */
  path: string;
  /** The API version the client asked for ("1.50" when it gave none). */
  apiVersion: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Fires when the client goes away. */
  signal: AbortSignal;
  /** For Upgrade requests: the raw socket, once taken over. */
  upgrade?: { socket: Duplex; head: Buffer };
  /** Set once a handler has answered 101: from then on errors can only end the socket. */
  hijacked?: boolean;
}

/** Reads and parses a JSON body; an empty body is `undefined`. */
export async function readJson(ctx: RequestContext): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of ctx.req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON_BODY) throw new InvalidArgumentError('request body too large');
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** Docker's boolean query values: "1", "true", "True" are true; absent is `dflt`. */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return !['0', 'false', 'False', 'no'].includes(v);
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * Parses the `filters` query parameter: `{"status":["running"]}`, or the legacy
 * `{"status":{"running":true}}` form older clients send.
 */
export function filtersParam(q: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const raw = q.get('filters');
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError(`invalid filter: ${raw}`);
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out.set(k, v.map(String));
    else if (v && typeof v === 'object') out.set(k, Object.keys(v).filter((x) => (v as Record<string, unknown>)[x]));
    else throw new InvalidArgumentError(`invalid filter '${k}'`);
  }
  return out;
}

/** Rejects filter keys a route does not know, as Docker does. */
export function checkFilterKeys(f: Map<string, string[]>, allowed: string[]): void {
  for (const k of f.keys()) if (!allowed.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
}

/** Docker refuses a body that declares a type other than JSON (an absent type is accepted). */
export function checkJsonContentType(ctx: RequestContext): void {
  const ct = ctx.req.headers['content-type'];
  if (!ct) return;
  const m = /^\s*([^;\s]+)\s*((?:;\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"[^"]*")\s*)*)$/.exec(ct);
  if (!m) throw new InvalidArgumentError(`malformed Content-Type header (${ct})`);
  if (m[1]!.toLowerCase() !== 'application/json') throw new InvalidArgumentError(`unsupported Content-Type header (${m[1]}): must be 'application/json'`);
}
