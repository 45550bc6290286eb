import { ApiServer } from '../server.js';
import { Router } from '../router.js';
import { injectRaw, injectRequest, type InjectOptions, type InjectedResponse, type RawExchange } from './inject.js';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
}

/**
 * The real ApiServer and Router, with routes added by the caller over fake backends, served
 * without any socket: for tests of the HTTP layer and the routes that need no daemon.
 */
export class TestApiServer {
  readonly router = new Router();
  readonly server: ApiServer;
  /** Everything the server logged, to check what is logged at which level. */
  readonly logs: LoggedLine[] = [];

  constructor(addRoutes: (r: Router) => void = () => {}) {
    addRoutes(this.router);
    this.server = new ApiServer({ router: this.router, log: (level, msg) => this.logs.push({ level, msg }) });
  }

  request(opts: InjectOptions | string): Promise<InjectedResponse> {
    return injectRequest(this.server, typeof opts === 'string' ? { path: opts } : opts);
  }

  raw(data: string | Buffer, opts?: { until?: 'close' | 'response'; timeoutMs?: number }): Promise<RawExchange> {
    return injectRaw(this.server, data, opts);
  }

  errorLogs(): LoggedLine[] {
    return this.logs.filter((l) => l.level === 'error');
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/**
 * A backend of type T made of the given methods; calling any other one fails loudly, so a
 * test shows which part of the backend a route reached for.
 */
export function fakeBackend<T extends object>(impl: Partial<T>): T {
  return new Proxy(impl, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      return () => {
        throw new Error(`fake backend: ${prop} was called but the test did not provide it`);
      };
    },
  }) as T;
}
