/**
 * The registry's HTTP handler: resolve the route, check access (a hook for auth, none today),
 * run the handler, turn any error into the spec's error body, and write one JSON access-log
 * line per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RegistryStore } from './backend.js';
import { errorResponse } from './errors.js';
import { resolveRoute, type Access } from './routes/index.js';

/** Throws an UNAUTHORIZED or DENIED registry error to refuse a request. */
export type Authorizer = (req: IncomingMessage, access: Access) => Promise<void>;

export interface RegistryHandlerOptions {
  store: RegistryStore;
  /** Runs after routing and before the handler. */
  authorize?: Authorizer;
  /** One object per request; the default writes a JSON line to stderr. */
  accessLog?: (entry: AccessLogEntry) => void;
  /** Largest manifest accepted (default 4 MiB, as the spec asks registries to take at least). */
  manifestBytes?: number;
}

export interface AccessLogEntry {
  time: string;
  remote: string | undefined;
  method: string | undefined;
  path: string | undefined;
  status: number;
  /** OCI error code of a failed request. */
  error?: string;
  /** Bytes written to the socket for this request (headers included). */
  bytesOut: number;
  ms: number;
  userAgent: string | undefined;
}

export const DEFAULT_MANIFEST_BYTES = 4 * 1024 * 1024;

export function writeAccessLogLine(entry: AccessLogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

export function createRegistryHandler(opts: RegistryHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = opts.accessLog ?? writeAccessLogLine;
  const limits = { manifestBytes: opts.manifestBytes ?? DEFAULT_MANIFEST_BYTES };

  async function handle(req: IncomingMessage, res: ServerResponse, failed: { code?: string }): Promise<void> {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    try {
      const url = new URL(req.url ?? '/', 'http://registry');
      const route = resolveRoute(req.method ?? 'GET', url.pathname);
      if (opts.authorize) await opts.authorize(req, route.access);
      await route.handler({ req, res, url, store: opts.store, params: route.params, limits });
    } catch (err) {
      if (req.destroyed && !req.complete) {
        // The client went away mid-request (an upload it gave up on): no one to answer, nothing to log.
        failed.code = 'ABORTED';
        res.destroy();
        return;
      }
      if (res.headersSent) {
        // Mid-body (a client that went away while reading a blob): nothing to answer, only to close.
        res.destroy();
        return;
      }
      const e = errorResponse(err);
      failed.code = e.code;
      if (e.status >= 500) process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: (err as Error)?.stack ?? String(err) })}\n`);
      // A body we did not read (a refused chunk, an oversized manifest) is not worth reading: close instead.
      if (!req.complete) res.setHeader('Connection', 'close');
      const body = Buffer.from(JSON.stringify(e.body));
      res.writeHead(e.status, { ...e.headers, 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  }

  return (req, res) => {
    const t0 = process.hrtime.bigint();
    const sock = req.socket;
    const remote = sock.remoteAddress;
    const written0 = sock.bytesWritten;
    const failed: { code?: string } = {};
    res.once('close', () => {
      const entry: AccessLogEntry = {
        time: new Date().toISOString(),
        remote,
        method: req.method,
        path: req.url,
        status: res.statusCode,
        bytesOut: sock.bytesWritten - written0,
        ms: Number((process.hrtime.bigint() - t0) / 1000n) / 1000,
        userAgent: req.headers['user-agent'],
      };
      if (failed.code) entry.error = failed.code;
      if (!res.writableFinished) entry.error = entry.error ?? 'ABORTED';
      log(entry);
    });
    void handle(req, res, failed);
  };
}

export interface RegistryServerOptions extends RegistryHandlerOptions {
  /** Idle time after which a connection is closed (default 5 minutes). */
  idleTimeoutMs?: number;
}

/**
 * An HTTP server for the handler. A blob upload may take longer than Node's default request
 * timeout, so that is off; a connection that sends or reads nothing for the idle time is closed.
 */
export function createRegistryServer(opts: RegistryServerOptions): Server {
  const server = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 }, createRegistryHandler(opts));
  server.setTimeout(opts.idleTimeoutMs ?? 5 * 60_000, (socket) => socket.destroy());
  return server;
}
