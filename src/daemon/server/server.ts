import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError, MethodNotAllowedError, NotFoundError, kindOf, messageOf } from '../../lib/errors/index.js';
import { httpStatusFromError } from './http-status.js';
import type { RequestContext } from './context.js';
import type { Router } from './router.js';
import { parseRequestTarget } from './request-target.js';
import { isClientGone } from './client-gone.js';
import { API_VERSION, MIN_API_VERSION, compareVersions } from '../../api/version.js';

export interface ApiServerOptions {
  router: Router;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
}

/** An error answer that must also end the connection (the request itself could not be read). */
class ConnectionError extends InvalidArgumentError {}

/** A raw HTTP/1.1 answer with a JSON body, for sockets that have no ServerResponse. */
function rawJsonAnswer(status: number, message: string): string {
  const body = JSON.stringify({ message });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Serves the Engine API over any number of unix and tcp listeners. */
export class ApiServer {
  readonly #server: Server;
  readonly #opts: ApiServerOptions;
  readonly #hijacked = new Set<Duplex>();

  constructor(opts: ApiServerOptions) {
    this.#opts = opts;
    // Node's own Host check answers with an empty body; the dispatcher answers in JSON instead.
    this.#server = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000, requireHostHeader: false }, (req, res) => {
      void this.#dispatch(req, res);
    });
    // Attach and start with -a ask to take over the connection (Upgrade: tcp).
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Upgraded sockets leave the server's books; keep our own so close() can end them.
      this.#hijacked.add(socket);
      socket.once('close', () => this.#hijacked.delete(socket));
      // Nothing else listens for errors on an upgraded socket; an unheard one would end the process.
      socket.on('error', (err) => opts.log('debug', `upgraded connection: ${messageOf(err)}`));
      void this.#dispatch(req, undefined, { socket, head });
    });
    this.#server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      // Requests the HTTP parser refused never reach a handler; answer in the API's JSON anyway.
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const message = tooLarge ? 'request header fields too large' : `bad request: ${err.code ?? err.message}`;
      if (socket.writable && !isClientGone(err)) socket.end(rawJsonAnswer(status, message));
      else socket.destroy();
      opts.log('debug', `client error: ${messageOf(err)}`);
    });
  }

  /** Listens on "unix:///path" or "tcp://host:port"; unix sockets are created 0660 with no wider window. */
  async listen(address: string): Promise<void> {
    if (address.startsWith('unix://') || address.startsWith('/')) {
      const path = address.startsWith('unix://') ? address.slice('unix://'.length) : address;
      await mkdir(dirname(path), { recursive: true, mode: 0o711 });
      await unlink(path).catch(() => {});
      // The umask is applied at bind(), so the socket never exists with wider permissions.
      const old = process.umask(0o117);
      try {
        await new Promise<void>((resolve, reject) => {
          this.#server.once('error', reject);
          this.#server.listen(path, () => {
            this.#server.off('error', reject);
            resolve();
          });
        });
      } finally {
        process.umask(old);
      }
      await chmod(path, 0o660);
      return;
    }
    const m = /^(?:tcp:\/\/)?([^:]*):(\d+)$/.exec(address);
    if (!m) throw new InvalidArgumentError(`invalid listen address: ${address}`);
    const host = m[1] || '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(Number(m[2]), host, () => resolve());
    });
  }

  /**
   * Serves a connection that is already open, as if it had been accepted on a listener.
   * Lets tests hand the server one end of an in-memory stream pair.
   */
  acceptConnection(socket: Duplex): void {
    this.#server.emit('connection', socket);
  }

  async close(): Promise<void> {
    for (const socket of this.#hijacked) socket.destroy();
    this.#server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Never rejects: a request's failure is answered or logged here, not left unhandled. */
  async #dispatch(req: IncomingMessage, res: ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const sock = res ? req.socket : upgrade!.socket;
    try {
      await this.#serve(req, res, upgrade);
    } catch (err) {
      this.#opts.log('error', `${req.method} ${req.url}: failed while answering: ${messageOf(err)}`);
      sock.destroy();
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const t0 = performance.now();
    const abort = new AbortController();
    const sock = res ? req.socket : upgrade!.socket;
    const onClose = (): void => abort.abort();
    sock.once('close', onClose);
    res?.once('close', () => abort.abort());
    const ctx: RequestContext = { req, res, path: '', apiVersion: API_VERSION, params: {}, query: new URLSearchParams(), signal: abort.signal, upgrade };
    try {
      if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
        throw new ConnectionError('missing required Host header');
      }
      let target;
      try {
        target = parseRequestTarget(req.url);
      } catch (err) {
        throw new ConnectionError(messageOf(err), { cause: err });
      }
      ctx.path = target.path;
      ctx.query = target.query;
      if (target.version !== undefined) {
        ctx.apiVersion = target.version;
        if (compareVersions(target.version, MIN_API_VERSION) < 0) {
          throw new InvalidArgumentError(`client version ${target.version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
        }
        if (compareVersions(target.version, API_VERSION) > 0) {
          throw new InvalidArgumentError(`client version ${target.version} is too new. Maximum supported API version is ${API_VERSION}`);
        }
      }
      const found = this.#opts.router.match(req.method ?? 'GET', ctx.path);
      if (!found.route) {
        if (found.methodMismatch) throw new MethodNotAllowedError('method not allowed');
        throw new NotFoundError('page not found');
      }
      ctx.params = found.params;
      if (upgrade && !found.route.hijack) {
        throw new ConnectionError(`${req.method} ${ctx.path} cannot take over the connection: send it without "Upgrade"`);
      }
      await found.route.handler(ctx);
      this.#opts.log('debug', `${req.method} ${req.url} ${(performance.now() - t0).toFixed(1)}ms`);
    } catch (err) {
      if (abort.signal.aborted || (isClientGone(err) && (sock.destroyed || !sock.writable))) {
        // The client left; nobody reads an answer. Its leaving is no fault of the daemon, but a
        // failure of berth's own that happened meanwhile still is.
        const own = !isClientGone(err) && (err as Error)?.name !== 'AbortError' && httpStatusFromError(err) >= 500;
        this.#opts.log(own ? 'error' : 'debug', `${req.method} ${req.url}: ${own ? '' : 'client went away: '}${messageOf(err)}`);
        if (ctx.res && !ctx.res.writableEnded) ctx.res.destroy();
        ctx.upgrade?.socket.destroy();
        return;
      }
      if (ctx.hijacked) {
        // After the 101 the connection is a raw stream: an HTTP error there would read as output.
        this.#opts.log('warn', `${req.method} ${req.url}: ${messageOf(err)}`);
        ctx.upgrade?.socket.destroy();
        return;
      }
      this.#writeError(ctx, err);
    } finally {
      sock.off('close', onClose);
    }
  }

  #writeError(ctx: RequestContext, err: unknown): void {
    const status = httpStatusFromError(err);
    const message = messageOf(err);
    const close = err instanceof ConnectionError;
    // Only berth's own failures are errors; a client asking for what berth lacks (501) is not.
    if (status === 500) this.#opts.log('error', `${ctx.req.method} ${ctx.req.url}: ${message}${kindOf(err) === 'unknown' && err instanceof Error ? `\n${err.stack}` : ''}`);
    else if (status > 501) this.#opts.log('warn', `${ctx.req.method} ${ctx.req.url}: ${status} ${message}`);
    else this.#opts.log('debug', `${ctx.req.method} ${ctx.req.url}: ${status} ${message}`);
    const body = status === 304 ? '' : JSON.stringify({ message });
    if (ctx.res) {
      if (ctx.res.headersSent) {
        ctx.res.destroy();
        return;
      }
      const headers: Record<string, string | number> = status === 304 ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
      if (close) headers.Connection = 'close';
      ctx.res.writeHead(status, headers);
      ctx.res.end(body);
    } else if (ctx.upgrade && ctx.upgrade.socket.writable && !ctx.hijacked) {
      ctx.upgrade.socket.end(rawJsonAnswer(status, message));
    }
  }
}

