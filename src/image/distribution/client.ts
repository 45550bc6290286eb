import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { UnauthorizedError } from '../../lib/errors/index.js';
import { preferredChallenge, type AuthChallenge } from './challenge.js';
import type { RegistryCredentials } from './credentials.js';
import type { RegistryEndpoint } from './endpoint.js';
import { registryError } from './errors.js';
import { httpCall, readBody } from './http.js';

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the registry's base ("/v2/…") or an absolute URL (upload locations). */
  path: string;
  headers?: OutgoingHttpHeaders;
  /** A stream is sent once: the request is authorised before it goes (see {@link RegistryClient.authorize}). */
  body?: Buffer | Readable;
}

const MAX_REDIRECTS = 5;

/**
 * A conversation with one registry on behalf of one operation (a pull or a push): the /v2/ ping,
 * then every request with the credentials its challenge asks for — Basic with the given username
 * and password, or the token flow (GET the realm with service and scope, Basic credentials if
 * any, use the token as Bearer). Tokens are asked for once per scope set and again when a
 * request is refused with a new challenge.
 */
export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  readonly #creds: RegistryCredentials | undefined;
  readonly #signal: AbortSignal | undefined;
  /** The challenge /v2/ answered with; null when it needs no auth, undefined before the ping. */
  #challenge: AuthChallenge | null | undefined;
  #authorization: string | undefined;

  constructor(endpoint: RegistryEndpoint, creds?: RegistryCredentials, opts: { signal?: AbortSignal } = {}) {
    this.endpoint = endpoint;
    this.#creds = creds;
    this.#signal = opts.signal;
  }

  url(path: string): URL {
    // A mirror may serve the API under a path prefix ("https://host/prefix/v2/…").
    const prefix = this.endpoint.base.pathname.replace(/\/+$/, '');
    return new URL(prefix !== '' && path.startsWith('/') ? `${prefix}${path}` : path, this.endpoint.base);
  }

  /** GET /v2/: checks the registry speaks the API and learns how it wants to be authenticated. */
  async ping(): Promise<void> {
    if (this.#challenge !== undefined) return;
    const res = await httpCall(this.url('/v2/'), { method: 'GET', ...(this.#signal ? { signal: this.#signal } : {}) });
    const body = await readBody(res, 64 * 1024);
    if (res.statusCode === 401) {
      this.#challenge = preferredChallenge(res.headers['www-authenticate']) ?? null;
      return;
    }
    // Some registries answer /v2/ with 404 yet serve the API; only 2xx, 401 and 404 are trusted here.
    if ((res.statusCode ?? 500) >= 300 && res.statusCode !== 404) throw registryError(res, body);
    this.#challenge = null;
  }

  /**
   * Gets credentials ready for `scopes` ("repository:a/b:pull,push"), so that a streamed body can
   * be sent without being refused for want of them.
   */
  async authorize(scopes: string[]): Promise<void> {
    await this.ping();
    const ch = this.#challenge;
    if (!ch) return;
    if (ch.scheme === 'basic') {
      if (!this.#creds?.username) throw new UnauthorizedError(`Get "${this.url('/v2/').href}": no basic auth credentials`);
      this.#authorization = `Basic ${Buffer.from(`${this.#creds.username}:${this.#creds.password ?? ''}`).toString('base64')}`;
      return;
    }
    if (ch.scheme === 'bearer') this.#authorization = `Bearer ${await this.#token(ch, scopes)}`;
  }

  /** Fetches a bearer token from the challenge's realm. */
  async #token(ch: AuthChallenge, scopes: string[]): Promise<string> {
    if (this.#creds?.registryToken) return this.#creds.registryToken;
    const realm = ch.params.realm;
    if (!realm) throw new UnauthorizedError('unauthorized: the registry asked for a bearer token without naming its realm');
    const url = new URL(realm);
    const service = ch.params.service;
    const headers: OutgoingHttpHeaders = {};
    let res: IncomingMessage;
    if (this.#creds?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.#creds.identityToken, client_id: 'berth' });
      if (service) form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      const body = Buffer.from(form.toString());
      res = await httpCall(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length }, body, ...this.#sig() });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (this.#creds?.username) {
        headers.Authorization = `Basic ${Buffer.from(`${this.#creds.username}:${this.#creds.password ?? ''}`).toString('base64')}`;
        url.searchParams.set('account', this.#creds.username);
      }
      res = await httpCall(url, { method: 'GET', headers, ...this.#sig() });
    }
    const body = await readBody(res, 1024 * 1024);
    if (res.statusCode !== 200) {
      const err = registryError(res, body);
      throw new UnauthorizedError(`Get "${url.origin}${url.pathname}": ${err.message}`, { cause: err });
    }
    let parsed: { token?: unknown; access_token?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new UnauthorizedError(`the token server ${url.origin} answered with something other than JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') throw new UnauthorizedError(`the token server ${url.origin} answered without a token`);
    return token;
  }

  #sig(): { signal?: AbortSignal } {
    return this.#signal ? { signal: this.#signal } : {};
  }

  /**
   * Sends a request with the current credentials. A 401 with a bearer challenge gets a new token
   * for the scopes it names and one retry (for bodies that can be sent twice). GET and HEAD follow
   * redirects (blob storage often lives elsewhere), without credentials once the host changes.
   */
  async request(req: RegistryRequest, scopes: string[]): Promise<IncomingMessage> {
    if (this.#challenge === undefined) await this.authorize(scopes);
    let res = await this.#send(req);
    if (res.statusCode === 401 && !(req.body && !Buffer.isBuffer(req.body))) {
      const ch = preferredChallenge(res.headers['www-authenticate']);
      if (ch?.scheme === 'bearer') {
        res.resume();
        const wanted = ch.params.scope ? [...new Set([...scopes, ...ch.params.scope.split(' ')])] : scopes;
        this.#authorization = `Bearer ${await this.#token(ch, wanted)}`;
        res = await this.#send(req);
      }
    }
    return res;
  }

  async #send(req: RegistryRequest): Promise<IncomingMessage> {
    let url = this.url(req.path);
    let auth = this.#authorization;
    for (let hop = 0; ; hop++) {
      const headers: OutgoingHttpHeaders = { ...(req.headers ?? {}), ...(auth ? { Authorization: auth } : {}) };
      const res = await httpCall(url, { method: req.method, headers, ...(req.body ? { body: req.body } : {}), ...this.#sig() });
      const location = res.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && location && (req.method === 'GET' || req.method === 'HEAD');
      if (!redirect || hop >= MAX_REDIRECTS) return res;
      res.resume();
      const next = new URL(location, url);
      if (next.host !== url.host) auth = undefined;
      url = next;
    }
  }
}

/** The scope a pull of repository `path` needs. */
export function pullScope(path: string): string {
  return `repository:${path}:pull`;
}

/** The scope a push to repository `path` needs. */
export function pushScope(path: string): string {
  return `repository:${path}:pull,push`;
}
