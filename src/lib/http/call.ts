import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../errors/index.js';

/** A registry that cannot be reached: Docker answers these with 500 and Go's dial wording. */
export class RegistryConnectionError extends EngineError {}

export interface HttpCallOptions {
  method: string;
  headers?: OutgoingHttpHeaders;
  /** A small body whole, or a stream (with a Content-Length header) for a blob upload. */
  body?: Buffer | Readable;
  signal?: AbortSignal;
  /** How long a TCP (and TLS) connect may take; an unreachable registry is an error this fast. */
  connectTimeoutMs?: number;
  /** How long to wait for the response headers once connected (a token endpoint that never answers). */
  headersTimeoutMs?: number;
  /** How long the connection may stay silent while a body streams either way. */
  idleTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 5_000;
const HEADERS_TIMEOUT_MS = 30_000;
const IDLE_TIMEOUT_MS = 60_000;

// Kept-alive connections: a pull makes dozens of requests to one registry.
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
};

/** Go's name of a method in a client error ("Get", "Head", "Put"). */
function goMethod(m: string): string {
  return m.charAt(0) + m.slice(1).toLowerCase();
}

/** The host:port Go prints in a dial error. */
function dialAddress(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/** Words a socket error as Docker does (`Get "http://h:1/v2/": dial tcp h:1: connect: connection refused`). */
export function describeHttpError(method: string, url: URL, err: NodeJS.ErrnoException): string {
  const addr = dialAddress(url);
  let detail: string;
  switch (err.code) {
    case 'ECONNREFUSED': detail = `dial tcp ${addr}: connect: connection refused`; break;
    case 'EHOSTUNREACH': detail = `dial tcp ${addr}: connect: no route to host`; break;
    case 'ENETUNREACH': detail = `dial tcp ${addr}: connect: network is unreachable`; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': detail = `dial tcp: lookup ${url.hostname}: no such host`; break;
    case 'ECONNRESET': detail = 'read: connection reset by peer'; break;
    case 'ERR_CONNECT_TIMEOUT': detail = `dial tcp ${addr}: i/o timeout`; break;
    default: detail = err.message;
  }
  return `${goMethod(method)} "${url.href}": ${detail}`;
}

function timeoutError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * One HTTP request to a registry with the timeouts a daemon needs: a short connect timeout, a
 * bound on the wait for headers, and an idle bound while bodies stream. Resolves with the response
 * (any status); rejects with a RegistryConnectionError worded like Docker's.
 */
export function httpCall(url: URL, opts: HttpCallOptions): Promise<IncomingMessage> {
  const secure = url.protocol === 'https:';
  return new Promise<IncomingMessage>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
      const e = err as NodeJS.ErrnoException;
      if (e?.name === 'AbortError') reject(err);
      else reject(new RegistryConnectionError(describeHttpError(opts.method, url, e), { cause: err }));
    };
    let connectTimer: NodeJS.Timeout | undefined;
    let headersTimer: NodeJS.Timeout | undefined;
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: opts.method,
      headers: opts.headers,
      agent: secure ? agents.https : agents.http,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const armHeaders = (): void => {
      headersTimer = setTimeout(() => req.destroy(timeoutError('ERR_HEADERS_TIMEOUT', 'timeout awaiting response headers')), opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS);
    };
    req.on('socket', (socket) => {
      const connecting = (socket as { connecting?: boolean }).connecting;
      if (!connecting) {
        armHeaders();
        return;
      }
      connectTimer = setTimeout(() => req.destroy(timeoutError('ERR_CONNECT_TIMEOUT', 'connect timeout')), opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectTimer);
        armHeaders();
      });
    });
    req.setTimeout(opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () => req.destroy(timeoutError('ETIMEDOUT', 'i/o timeout')));
    req.on('error', fail);
    req.on('response', (res) => {
      if (settled) {
        res.resume();
        return;
      }
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
      resolve(res);
    });
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else pipeline(body, req).catch((err: unknown) => req.destroy(err as Error));
  });
}

/** Reads a small response body whole, refusing more than `max` bytes. */
export async function readBody(res: IncomingMessage, max = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) {
      res.destroy();
      throw new EngineError(`response from ${res.url ?? 'the registry'} is larger than ${max} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
