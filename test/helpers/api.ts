// Raw Engine API requests over the daemon's unix socket, for what no CLI can
// send (malformed bodies) and for cleanup that must not depend on a CLI.
import { request } from 'node:http';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = unknown>(): T;
}

export interface ApiRequest {
  method?: string;
  path: string;
  /** Objects are sent as JSON; strings and buffers verbatim (so tests can send broken JSON). */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function api(socketPath: string, req: ApiRequest): Promise<ApiResponse> {
  const raw =
    req.body === undefined
      ? undefined
      : typeof req.body === 'string' || Buffer.isBuffer(req.body)
        ? req.body
        : JSON.stringify(req.body);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  if (raw !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(raw));
  }
  return new Promise((resolve, reject) => {
    const r = request(
      { socketPath, method: req.method ?? 'GET', path: req.path, headers, timeout: req.timeoutMs ?? 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json<T>() {
              return JSON.parse(body) as T;
            },
          });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method ?? 'GET'} ${req.path}: no answer within ${req.timeoutMs ?? 10_000} ms`)));
    r.on('error', reject);
    r.end(raw);
  });
}

/** True when GET /_ping answers 200 "OK". */
export async function ping(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const r = await api(socketPath, { path: '/_ping', timeoutMs });
    return r.status === 200 && r.body.trim() === 'OK';
  } catch {
    return false;
  }
}
