import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { RequestContext } from './context.js';

export type Handler = (ctx: RequestContext) => Promise<void>;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  handler: Handler;
  /** Whether the route takes over the connection on `Upgrade: tcp`. */
  hijack: boolean;
}

export interface RouteOptions {
  hijack?: boolean;
  /**
   * Tried only when no ordinary route matches the method and path, whatever the order they
   * were added in (the answers for Engine API endpoints berth does not serve yet).
   */
  fallback?: boolean;
}

/**
 * A small method + path router. Patterns use `{name}` for one segment and `{name*}` for a
 * greedy match (image names contain "/").
 */
export class Router {
  readonly #routes: Route[] = [];
  readonly #fallbacks: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: RouteOptions = {}): void {
    const names: string[] = [];
    const src = pattern.replace(/[.]/g, '\\.').replace(/\{(\w+)(\*?)\}/g, (_m, name: string, greedy: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
    const route = { method, re: new RegExp(`^${src}/?$`), names, handler, hijack: !!opts.hijack };
    (opts.fallback ? this.#fallbacks : this.#routes).push(route);
  }

  /**
   * Finds the handler. A route for the request's method always wins over a route that only
   * shares the path shape (`GET /images/x/get` is not a wrong-method `DELETE /images/{name*}`);
   * `methodMismatch` is set only when no route of any list serves the method.
   */
  match(method: string, path: string): { route?: Route; params: Record<string, string>; methodMismatch: boolean } {
    let methodMismatch = false;
    for (const list of [this.#routes, this.#fallbacks]) {
      for (const r of list) {
        const m = r.re.exec(path);
        if (!m) continue;
        if (r.method !== method && !(r.method === 'GET' && method === 'HEAD')) {
          methodMismatch = true;
          continue;
        }
        const params: Record<string, string> = {};
        try {
          r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
        } catch {
          throw new InvalidArgumentError(`invalid escape in path: ${path}`);
        }
        return { route: r, params, methodMismatch: false };
      }
    }
    return { params: {}, methodMismatch };
  }
}
