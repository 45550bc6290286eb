/**
 * The registry's HTTP handler: resolve the route, check access (auth/authorizer.ts, when auth
 * is on), run the handler, turn any error into the spec's error body, and write one JSON
 * access-log line per request. The token endpoint, when there is one, sits beside the routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Authorizer } from './auth/authorizer.js';
import type { RegistryStore } from './backend.js';
import { errorResponse } from './errors.js';
import { OPEN_GRANT } from './routes/context.js';
import { resolveRoute } from './routes/index.js';

export type { Authorizer } from './auth/authorizer.js';

export interface RegistryHandlerOptions {
  store: RegistryStore;
  /** Runs after routing and before the handler; without it, everyone may do everything. */
  authorize?: Authorizer;
  /** Serves the token endpoint at `path`; returns the account it issued a token for. */
  tokenEndpoint?: { path: string; handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<string | undefined> };
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
  /** The account that logged in, if any. */
  user?: string;
  userAgent: string | undefined;
}

export const DEFAULT_MANIFEST_BYTES = 4 * 1024 * 1024;

export function writeAccessLogLine(entry: AccessLogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

/** Query parameters whose values never reach the log (a client may put a secret there). */
const SECRET_PARAMS = /^(?:password|token|access_token|refresh_token|_state)$/i;

/** The request target for the log, with secret query values replaced. */
export function loggedPath(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const q = target.indexOf('?');
  if (q < 0) return target;
  const params = new URLSearchParams(target.slice(q + 1));
  let redacted = false;
  for (const k of [...params.keys()]) {
    if (SECRET_PARAMS.test(k)) {
      params.set(k, 'REDACTED');
      redacted = true;
    }
  }
  return redacted ? `${target.slice(0, q)}?${params.toString()}` : target;
}

export function createRegistryHandler(opts: RegistryHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = opts.accessLog ?? writeAccessLogLine;
  const limits = { manifestBytes: opts.manifestBytes ?? DEFAULT_MANIFEST_BYTES };

  async function handle(req: IncomingMessage, res: ServerResponse, failed: { code?: string; user?: string }): Promise<void> {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    try {
      const url = new URL(req.url ?? '/', 'http://registry');
      if (opts.tokenEndpoint && url.pathname === opts.tokenEndpoint.path) {
        failed.user = await opts.tokenEndpoint.handle(req, res, url);
        return;
      }
      const route = resolveRoute(req.method ?? 'GET', url.pathname);
      const grant = opts.authorize ? await opts.authorize(req, route.access) : OPEN_GRANT;
      failed.user = grant.account;
      await route.handler({ req, res, url, store: opts.store, grant, params: route.params, limits });
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
    const failed: { code?: string; user?: string } = {};
    res.once('close', () => {
      const entry: AccessLogEntry = {
        time: new Date().toISOString(),
        remote,
        method: req.method,
        path: loggedPath(req.url),
        status: res.statusCode,
        bytesOut: sock.bytesWritten - written0,
        ms: Number((process.hrtime.bigint() - t0) / 1000n) / 1000,
        userAgent: req.headers['user-agent'],
      };
      if (failed.user !== undefined) entry.user = failed.user;
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
  /** PEM certificate (chain) and key: serve https. */
  tls?: { cert: Buffer; key: Buffer };
}

/**
 * An HTTP(S) server for the handler. A blob upload may take longer than Node's default request
 * timeout, so that is off; a connection that sends or reads nothing for the idle time is closed.
 */
export function createRegistryServer(opts: RegistryServerOptions): Server {
  const httpOpts = { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 };
  const handler = createRegistryHandler(opts);
  const server: Server = opts.tls ? createHttpsServer({ ...httpOpts, cert: opts.tls.cert, key: opts.tls.key }, handler) : createServer(httpOpts, handler);
  server.setTimeout(opts.idleTimeoutMs ?? 5 * 60_000, (socket) => socket.destroy());
  return server;
}
