/**
 * The registry's bearer tokens: JWTs signed with HMAC-SHA256 (HS256) under a key only this
 * registry holds. Clients treat a token as opaque; the registry checks on every request the
 * signature, the algorithm (HS256 and nothing else: no `none`, no key named by the token),
 * the expiry, the audience (its service name), the issuer, and then the scopes it grants.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ACTIONS, type Scope } from './scope.js';

export interface TokenClaims {
  iss: string;
  /** The account; empty for an anonymous token. */
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: Scope[];
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; why: string };

/** Real tokens are a few hundred bytes per scope; a longer one is refused unread. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Clock skew allowed between issuing and checking (one process, but keep nbf honest). */
const LEEWAY_S = 5;

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export interface TokenSignerOptions {
  /** HMAC key; at least 32 bytes. */
  key: Buffer;
  issuer: string;
  service: string;
  expirySeconds: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** Makes and checks the tokens of one registry. */
export class TokenSigner {
  readonly #key: Buffer;
  readonly #issuer: string;
  readonly #service: string;
  readonly #expiry: number;
  readonly #now: () => number;

  constructor(opts: TokenSignerOptions) {
    if (opts.key.length < 32) throw new Error('token signing key must be at least 32 bytes');
    this.#key = opts.key;
    this.#issuer = opts.issuer;
    this.#service = opts.service;
    this.#expiry = opts.expirySeconds;
    this.#now = opts.now ?? Date.now;
  }

  get service(): string {
    return this.#service;
  }

  #sign(input: string): Buffer {
    return createHmac('sha256', this.#key).update(input).digest();
  }

  issue(account: string | undefined, access: Scope[]): IssuedToken {
    const nowMs = this.#now();
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = {
      iss: this.#issuer, sub: account ?? '', aud: this.#service,
      exp: iat + this.#expiry, nbf: iat, iat, jti: randomBytes(16).toString('hex'), access,
    };
    const input = `${HEADER}.${b64url(JSON.stringify(claims))}`;
    return { token: `${input}.${b64url(this.#sign(input))}`, expiresIn: this.#expiry, issuedAt: new Date(iat * 1000) };
  }

  verify(token: string): TokenCheck {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, why: 'token too long' };
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, why: 'malformed token' };
    const [h, p, s] = parts as [string, string, string];
    let header: unknown;
    let claims: unknown;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, why: 'malformed token' };
    }
    // Only the algorithm this registry signs with: a token naming `none` or a public-key
    // algorithm is refused before its signature is even looked at.
    if ((header as { alg?: unknown } | null)?.alg !== 'HS256') return { ok: false, why: 'unsupported token algorithm' };
    const expected = this.#sign(`${h}.${p}`);
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'invalid token signature' };
    const c = claims as Partial<TokenClaims> | null;
    if (!c || typeof c !== 'object' || typeof c.exp !== 'number' || typeof c.nbf !== 'number' || !Array.isArray(c.access)) {
      return { ok: false, why: 'malformed token claims' };
    }
    const now = this.#now() / 1000;
    if (c.exp + LEEWAY_S < now) return { ok: false, why: 'token expired' };
    if (c.nbf - LEEWAY_S > now) return { ok: false, why: 'token not yet valid' };
    if (c.aud !== this.#service) return { ok: false, why: 'token is for another service' };
    if (c.iss !== this.#issuer) return { ok: false, why: 'token from another issuer' };
    return { ok: true, claims: c as TokenClaims };
  }
}

/** The actions a token grants on a repository. */
export function grantedActions(claims: TokenClaims, name: string): Set<string> {
  const out = new Set<string>();
  for (const a of claims.access) {
    if (a?.type === 'repository' && a.name === name && Array.isArray(a.actions)) for (const x of a.actions) out.add(x);
  }
  if (out.has('*')) return new Set(ACTIONS);
  return out;
}

export function grantsCatalog(claims: TokenClaims): boolean {
  return claims.access.some((a) => a?.type === 'registry' && a.name === 'catalog');
}
