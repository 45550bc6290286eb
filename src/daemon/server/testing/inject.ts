import { request, type IncomingHttpHeaders } from 'node:http';
import { duplexPair, type Duplex } from 'node:stream';
import type { ApiServer } from '../server.js';

/** What a client received for one request. */
export interface InjectedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

export interface InjectOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as it is (to test broken JSON); anything else as JSON. */
  body?: unknown;
  /** Fails the request when no complete answer came by then (a hang is a bug to report). */
  timeoutMs?: number;
}

/**
 * Opens an in-memory connection to the server and returns the client's end. Closing either
 * end closes the other, as a reset TCP or unix connection would (a bare duplexPair does not).
 */
export function openConnection(server: ApiServer): Duplex {
  const [client, serverSide] = duplexPair();
  client.once('close', () => serverSide.destroy());
  serverSide.once('close', () => client.destroy());
  server.acceptConnection(serverSide);
  return client;
}

function parsedResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): InjectedResponse {
  const text = body.toString('utf8');
  return {
    status, headers, body, text,
    json<T>(): T {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new Error(`answer ${status} is not JSON: ${JSON.stringify(text)}`);
      }
    },
  };
}

/**
 * Sends one well-formed request to the server over an in-memory stream pair (no socket, no
 * port, no root) with Node's own HTTP client, and collects the whole answer.
 */
export function injectRequest(server: ApiServer, opts: InjectOptions): Promise<InjectedResponse> {
  const client = openConnection(server);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const body = opts.body === undefined ? undefined
    : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Host: 'berth', ...(typeof opts.body === 'object' && !Buffer.isBuffer(opts.body) ? { 'Content-Type': 'application/json' } : {}), ...opts.headers };
  return new Promise<InjectedResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.destroy();
      reject(new Error(`${opts.method ?? 'GET'} ${opts.path}: no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const req = request({ method: opts.method ?? 'GET', path: opts.path, headers, createConnection: () => client }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        client.destroy();
        resolve(parsedResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)));
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

/** What came back for raw bytes: the answer (if one was parsed) and whether the server closed. */
export interface RawExchange {
  response?: InjectedResponse;
  /** Everything the server wrote. */
  raw: string;
  /** True when the server ended the connection. */
  closed: boolean;
}

/**
 * Writes raw bytes (malformed request lines, missing headers, upgrade requests) into a new
 * connection and collects what the server writes back until it closes the connection, or
 * until one complete answer has arrived when `until` is "response".
 */
export function injectRaw(server: ApiServer, data: string | Buffer, opts: { until?: 'close' | 'response'; timeoutMs?: number } = {}): Promise<RawExchange> {
  const client = openConnection(server);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const chunks: Buffer[] = [];
  return new Promise<RawExchange>((resolve, reject) => {
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const buf = Buffer.concat(chunks);
      resolve({ response: parseRawResponse(buf), raw: buf.toString('latin1'), closed });
      client.destroy();
    };
    const timer = setTimeout(() => {
      const raw = Buffer.concat(chunks).toString('latin1');
      client.destroy();
      reject(new Error(`no ${opts.until === 'response' ? 'complete answer' : 'close'} within ${timeoutMs} ms; received ${JSON.stringify(raw)}`));
    }, timeoutMs);
    client.on('data', (c: Buffer) => {
      chunks.push(c);
      if (opts.until === 'response' && parseRawResponse(Buffer.concat(chunks))) finish(false);
    });
    client.on('end', () => finish(true));
    client.on('close', () => finish(true));
    client.on('error', () => finish(true));
    client.write(data);
  });
}

/** Parses one HTTP/1.1 answer with a Content-Length (or none and no body); undefined until complete. */
function parseRawResponse(buf: Buffer): InjectedResponse | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine!);
  if (!m) return undefined;
  const headers: IncomingHttpHeaders = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = buf.subarray(end + 4);
  if (body.length < length) return undefined;
  return parsedResponse(Number(m[1]), headers, body.subarray(0, length));
}
