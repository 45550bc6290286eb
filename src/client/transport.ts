import * as http from 'node:http';
import * as net from 'node:net';
import type { Readable } from 'node:stream';
import { API_VERSION } from '../api/version.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';

// The client speaks the version the contract defines (docker CLI 28's), the daemon's own.
export { API_VERSION };

/** Query values; arrays repeat the key, undefined and false-y optional values are left out. */
export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** One Engine API request. */
export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Path without the version prefix, e.g. `/containers/json`. */
  path: string;
  query?: Query;
  /** A JSON-serialisable value, raw bytes, or a stream (sent chunked). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Longest error body kept; a daemon or proxy may answer with a large page. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * An Engine API client over a unix socket or TCP. Each call is one HTTP request; errors come
 * back as kinds (see errors.ts), and unreachable daemons as `unavailable`.
 */
export class EngineClient {
  readonly endpoint: Endpoint;
  readonly version: string;

  constructor(host: string, options: { version?: string } = {}) {
    this.endpoint = parseEndpoint(host);
    this.version = options.version ?? API_VERSION;
  }

  /** The versioned request path with its query string. */
  url(path: string, query?: Query): string {
    const qs = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) qs.append(key, v);
      else qs.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }
    const s = qs.toString();
    return `/v${this.version}${path}${s ? `?${s}` : ''}`;
  }

  /**
   * Connection options for node:http, shared with the hijacking requests. `wrap` opens the
   * connection itself from the plain one (uploads use it to outlive a failed write).
   */
  connectOptions(wrap?: (connect: () => net.Socket) => net.Socket): http.RequestOptions {
    // One fresh connection per request and no Agent: a CLI makes a handful of requests, a
    // pooled socket the daemon closed while idle would fail the next one, and the Agent's
    // server-name check compiles node's large IPv6 regex, about 5 ms of a cold start.
    const endpoint = this.endpoint;
    const connect = endpoint.kind === 'unix'
      ? () => net.connect(endpoint.socketPath)
      : () => net.connect({ host: endpoint.host, port: endpoint.port });
    const createConnection = wrap ? () => wrap(connect) : connect;
    return { host: endpoint.kind === 'unix' ? 'localhost' : endpoint.host, createConnection };
  }

  /**
   * Sends a request and resolves with the response once its status is a success.
   * @throws an error of the kind the status stands for, or `unavailable` when the daemon
   *   cannot be reached.
   */
  async request(opts: RequestOptions): Promise<http.IncomingMessage> {
    const { payload, contentType } = encodeBody(opts.body);
    const headers: Record<string, string> = { 'User-Agent': 'berth-cli', ...opts.headers };
    if (contentType && !hasHeader(headers, 'content-type')) headers['Content-Type'] = contentType;
    const streaming = payload !== undefined && typeof payload !== 'string' && !Buffer.isBuffer(payload);
    // loaded only for uploads (load, import, build): most commands send no stream
    const uploadConnection = streaming ? (await import('./upload-socket.js')).uploadConnection : undefined;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      // a daemon that refuses an upload answers and closes: stop sending, keep the answer
      let writeError: Error | undefined;
      const onWriteFailed = (err: Error): void => {
        writeError = err;
        if (streaming) {
          payload.unpipe(req);
          payload.destroy();
        }
      };
      const req = http.request({
        ...this.connectOptions(uploadConnection && ((connect) => uploadConnection(connect, onWriteFailed))),
        method: opts.method,
        path: this.url(opts.path, opts.query),
        headers,
        signal: opts.signal,
      }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) => { this.#connectionError(writeError ?? err).then(reject, reject); });
      if (payload === undefined) req.end();
      else if (!streaming) req.end(payload);
      else {
        payload.on('error', (err) => { if (!writeError) req.destroy(err); });
        payload.pipe(req);
      }
    });
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    const body = await readBody(res, ERROR_BODY_LIMIT);
    // the error modules load only on this path: successful calls are the cold-start case
    const { errorOfResponse } = await import('./errors.js');
    throw errorOfResponse(status, body);
  }

  /** Sends a request and parses its JSON answer (an empty body yields `undefined`). */
  async json<T>(opts: RequestOptions): Promise<T> {
    const res = await this.request(opts);
    const text = await readBody(res);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Sends a request and drains its answer, for endpoints that answer 204 or ignorable bodies. */
  async send(opts: RequestOptions): Promise<void> {
    const res = await this.request(opts);
    res.resume();
    await new Promise<void>((resolve, reject) => { res.on('end', resolve); res.on('error', reject); });
  }

  async #connectionError(err: NodeJS.ErrnoException): Promise<Error> {
    if (err.name === 'AbortError' || !err.code) return err;
    // loaded only on this path: a reachable daemon is the cold-start case
    const { connectionError } = await import('./connection-error.js');
    return connectionError(this.endpoint, err);
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function encodeBody(body: unknown): { payload?: string | Buffer | Readable; contentType?: string } {
  if (body === undefined) return {};
  if (Buffer.isBuffer(body)) return { payload: body };
  if (body && typeof (body as Readable).pipe === 'function') return { payload: body as Readable };
  return { payload: JSON.stringify(body), contentType: 'application/json' };
}

/** Reads a whole (small) body as text, keeping at most `limit` bytes. */
export async function readBody(res: Readable, limit = Infinity): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const buf = chunk as Buffer;
    if (size < limit) chunks.push(buf.subarray(0, Math.max(0, limit - size)));
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Yields each JSON value of a JSON-lines body (events, pull and import progress). */
export async function* jsonLines<T>(res: Readable): AsyncGenerator<T> {
  let rest = '';
  for await (const chunk of res) {
    rest += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (rest.trim()) yield JSON.parse(rest) as T;
}
