/**
 * The registry a pull-through cache fetches from. Every request is a pull of one repository;
 * it goes out with what the upstream's challenge asks for: nothing, Basic with the configured
 * username and password, or a bearer token from the challenge's realm (asked for with the
 * repository's pull scope, with Basic credentials when configured, and kept until it expires).
 * Connect, header and idle timeouts come from the shared HTTP call, so a dead upstream is an
 * error in seconds, never a hung client.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { httpCall, readBody } from '../../lib/http/call.js';
import { preferredChallenge, type AuthChallenge } from '../../lib/http/www-authenticate.js';
import { registryError } from '../errors.js';

export interface UpstreamOptions {
  /** Base URL of the upstream registry ("https://registry.example", "http://10.0.0.5:5000"). */
  url: string;
  username?: string;
  password?: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
}

/** A response from the upstream (after redirects). */
export type UpstreamResponse = IncomingMessage;

const MAX_REDIRECTS = 5;
/** A token without expires_in lives 60 s (the token spec's default); it is renewed this much before. */
const TOKEN_MARGIN_MS = 10_000;

interface CachedToken {
  token: string;
  expires: number;
}

export class UpstreamRegistry {
  readonly base: URL;
  readonly #opts: UpstreamOptions;
  readonly #tokens = new Map<string, CachedToken>();
  /** The last challenge seen; undefined until the upstream asked for credentials. */
  #challenge: AuthChallenge | undefined;

  constructor(opts: UpstreamOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new Error(`invalid upstream URL ${JSON.stringify(opts.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`upstream URL must be http or https: ${opts.url}`);
    this.base = base;
    this.#opts = opts;
  }

  #timeouts(): { connectTimeoutMs?: number; headersTimeoutMs?: number; idleTimeoutMs?: number } {
    const t: { connectTimeoutMs?: number; headersTimeoutMs?: number; idleTimeoutMs?: number } = {};
    if (this.#opts.connectTimeoutMs !== undefined) t.connectTimeoutMs = this.#opts.connectTimeoutMs;
    if (this.#opts.headersTimeoutMs !== undefined) t.headersTimeoutMs = this.#opts.headersTimeoutMs;
    if (this.#opts.idleTimeoutMs !== undefined) t.idleTimeoutMs = this.#opts.idleTimeoutMs;
    return t;
  }

  #basic(): string | undefined {
    if (this.#opts.username === undefined) return undefined;
    return `Basic ${Buffer.from(`${this.#opts.username}:${this.#opts.password ?? ''}`).toString('base64')}`;
  }

  /**
   * A pull request for `repository` (path under the base, "/v2/..."). Resolves with any status;
   * rejects with UNAVAILABLE when the upstream cannot be reached or times out.
   */
  async request(method: 'GET' | 'HEAD', path: string, repository: string, headers: OutgoingHttpHeaders = {}): Promise<UpstreamResponse> {
    const scope = `repository:${repository}:pull`;
    try {
      let res = await this.#send(method, path, headers, await this.#authorization(scope));
      if (res.statusCode === 401) {
        const ch = preferredChallenge(res.headers['www-authenticate']);
        res.resume();
        if (ch) {
          this.#challenge = ch;
          this.#tokens.delete(scope);
          const auth = await this.#authorization(scope);
          if (auth !== undefined) res = await this.#send(method, path, headers, auth);
        }
      }
      return res;
    } catch (err) {
      if ((err as { reason?: unknown }).reason !== undefined) throw err;
      throw unreachable(err);
    }
  }

  /** What to send for `scope` under the last challenge (none before the upstream asked). */
  async #authorization(scope: string): Promise<string | undefined> {
    const ch = this.#challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') return this.#basic();
    if (ch.scheme !== 'bearer') return undefined;
    const cached = this.#tokens.get(scope);
    if (cached && cached.expires > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.#fetchToken(ch, scope);
    return `Bearer ${token}`;
  }

  async #fetchToken(ch: AuthChallenge, scope: string): Promise<string> {
    const realm = ch.params.realm;
    if (!realm) throw registryError('unavailable', undefined, undefined, 'upstream registry asked for a bearer token without naming its realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw registryError('unavailable', { realm }, undefined, 'upstream registry named an invalid token realm');
    }
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    url.searchParams.set('scope', scope);
    const headers: OutgoingHttpHeaders = {};
    const basic = this.#basic();
    if (basic) {
      headers.Authorization = basic;
      url.searchParams.set('account', this.#opts.username!);
    }
    const res = await httpCall(url, { method: 'GET', headers, ...this.#timeouts() });
    const body = await readBody(res, 1024 * 1024);
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw registryError('denied', { upstream: url.origin }, undefined, `upstream token server refused the proxy's credentials (${res.statusCode})`);
    }
    if (res.statusCode !== 200) throw registryError('unavailable', { upstream: url.origin, status: res.statusCode }, undefined, `upstream token server answered ${res.statusCode}`);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw registryError('unavailable', { upstream: url.origin }, undefined, 'upstream token server answered with something other than JSON');
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') throw registryError('unavailable', { upstream: url.origin }, undefined, 'upstream token server answered without a token');
    const lifeS = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    this.#tokens.set(scope, { token, expires: Date.now() + Math.max(lifeS * 1000 - TOKEN_MARGIN_MS, 1000) });
    return token;
  }

  /** One request, following redirects (blob storage often lives elsewhere) without credentials once the host changes. */
  async #send(method: string, path: string, headers: OutgoingHttpHeaders, auth: string | undefined): Promise<UpstreamResponse> {
    let url = new URL(path, this.base);
    for (let hop = 0; ; hop++) {
      const res = await httpCall(url, { method, headers: { ...headers, ...(auth ? { Authorization: auth } : {}) }, ...this.#timeouts() });
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location || hop >= MAX_REDIRECTS) return res;
      res.resume();
      const next = new URL(location, url);
      if (next.host !== url.host) auth = undefined;
      url = next;
    }
  }
}

/** The error for an upstream that could not be reached (refused, timed out, reset). */
export function unreachable(err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  return registryError('unavailable', { upstream: msg }, undefined, `upstream registry unreachable: ${msg}`);
}

/**
 * The client-facing error for an upstream answer that is not a success: its 404 keeps its
 * meaning (unknown manifest, blob or repository), 429 stays TOOMANYREQUESTS, a refusal of the
 * proxy's own credentials is DENIED, anything else (5xx) is UNAVAILABLE.
 */
export async function upstreamError(res: UpstreamResponse, what: 'manifest' | 'blob' | 'tags'): Promise<Error> {
  let code: string | undefined;
  try {
    // Empty for a HEAD; a body that is not the spec's leaves the status alone to decide.
    const body = JSON.parse((await readBody(res, 64 * 1024)).toString('utf8')) as { errors?: Array<{ code?: unknown }> };
    if (typeof body.errors?.[0]?.code === 'string') code = body.errors[0].code;
  } catch {
    res.resume();
  }
  const status = res.statusCode ?? 0;
  const detail = { upstreamStatus: status, ...(code !== undefined ? { upstreamCode: code } : {}) };
  if (status === 404) {
    if (code === 'NAME_UNKNOWN' || what === 'tags') return registryError('nameUnknown', detail);
    return registryError(what === 'manifest' ? 'manifestUnknown' : 'blobUnknown', detail);
  }
  if (status === 429) return registryError('tooManyRequests', detail, res.headers['retry-after'] ? { 'Retry-After': String(res.headers['retry-after']) } : undefined);
  if (status === 401 || status === 403) return registryError('denied', detail, undefined, `upstream registry denied access (${status})`);
  return registryError('unavailable', detail, undefined, `upstream registry answered ${status}`);
}
