import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

/** A request the fake daemon saw. */
export interface SeenRequest {
  method: string;
  /** Path without the `/vX.Y` prefix. */
  path: string;
  /** The API version of the `/vX.Y` prefix, '' without one. */
  version: string;
  query: URLSearchParams;
  body: string;
  /** Request headers, names lowercased (X-Registry-Auth and the like). */
  headers: http.IncomingHttpHeaders;
}

/** Answers one route: status and JSON (or raw) body, or full control through `res`. */
export type FakeHandler = (req: SeenRequest, res: http.ServerResponse) => void | Promise<void>;
/** Answers one hijacked route once the 101 has been written. */
export type FakeUpgradeHandler = (req: SeenRequest, socket: Duplex) => void;

/**
 * A tiny Engine API stand-in on a temporary unix socket, answering canned responses by
 * `METHOD /path` so client and CLI tests run without a real daemon.
 */
export class FakeDaemon {
  readonly socketPath: string;
  readonly requests: SeenRequest[] = [];
  readonly #dir: string;
  readonly #routes = new Map<string, FakeHandler>();
  readonly #upgrades = new Map<string, FakeUpgradeHandler>();
  readonly #server: http.Server;

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'berth-fake-'));
    this.socketPath = join(this.#dir, 'd.sock');
    this.#server = http.createServer((req, res) => { void this.#dispatch(req, res); });
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => { void this.#upgrade(req, socket); });
  }

  /** The `-H` value for this daemon. */
  get host(): string {
    return `unix://${this.socketPath}`;
  }

  /** Registers a handler for `METHOD /path`. */
  on(route: string, handler: FakeHandler): this {
    this.#routes.set(route, handler);
    return this;
  }

  /** Registers a JSON answer for `METHOD /path`. */
  json(route: string, status: number, body: unknown): this {
    return this.on(route, (_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    });
  }

  /** Registers a hijack handler for `POST /path`. */
  upgrade(route: string, handler: FakeUpgradeHandler): this {
    this.#upgrades.set(route, handler);
    return this;
  }

  listen(): Promise<this> {
    return new Promise((resolve) => this.#server.listen(this.socketPath, () => resolve(this)));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** The requests for one route, in order. */
  seen(route: string): SeenRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  async #read(req: http.IncomingMessage): Promise<SeenRequest> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    if (!req.headers.upgrade) for await (const c of req) chunks.push(c as Buffer);
    const seen = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/v\d+\.\d+/, ''),
      version: /^\/v(\d+\.\d+)\//.exec(url.pathname)?.[1] ?? '',
      query: url.searchParams,
      body: Buffer.concat(chunks).toString('utf8'),
      headers: req.headers,
    };
    this.requests.push(seen);
    return seen;
  }

  async #dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const seen = await this.#read(req);
    const handler = this.#routes.get(`${seen.method} ${seen.path}`);
    if (!handler) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `page not found: ${seen.method} ${seen.path}` }));
      return;
    }
    await handler(seen, res);
  }

  async #upgrade(req: http.IncomingMessage, socket: Duplex): Promise<void> {
    const seen = await this.#read(req);
    const handler = this.#upgrades.get(`${seen.method} ${seen.path}`);
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n{"message":"no such upgrade"}');
      return;
    }
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    handler(seen, socket);
  }
}
