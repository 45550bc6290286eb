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

/**
 * A small method + path router. Patterns use `{name}` for one segment and `{name*}` for a
 * greedy match (image names contain "/").
 */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: { hijack?: boolean } = {}): void {
    const names: string[] = [];
    const src = pattern.replace(/[.]/g, '\\.').replace(/\{(\w+)(\*?)\}/g, (_m, name: string, greedy: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
    this.#routes.push({ method, re: new RegExp(`^${src}/?$`), names, handler, hijack: !!opts.hijack });
  }

  /** Finds the handler; `methodMismatch` tells a 405 from a 404. */
  match(method: string, path: string): { route?: Route; params: Record<string, string>; methodMismatch: boolean } {
    let methodMismatch = false;
    for (const r of this.#routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      const wantMethod = r.method === 'GET' && method === 'HEAD' ? 'HEAD' : r.method;
      if (wantMethod !== method && !(r.method === 'GET' && method === 'HEAD')) {
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
    return { params: {}, methodMismatch };
  }
}
