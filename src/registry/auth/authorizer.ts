/**
 * The check between routing and the handler, in its two forms: htpasswd Basic auth (the
 * credentials on every request) and bearer tokens from the registry's own token endpoint.
 * A client with no or bad credentials gets 401 UNAUTHORIZED and the challenge clients expect;
 * an account that logged in but may not do what it asks gets 403 DENIED.
 */
import type { IncomingMessage } from 'node:http';
import { registryError } from '../errors.js';
import type { Grant } from '../routes/context.js';
import type { Access, Action } from '../routes/index.js';
import type { AccessPolicy } from './access-policy.js';
import { readCredentials } from './credentials.js';
import type { Htpasswd } from './htpasswd.js';
import { formatScope, scopeForAccess } from './scope.js';
import { grantedActions, grantsCatalog, type TokenSigner } from './token.js';

/** Refuses a request (throws UNAUTHORIZED or DENIED) or says who is asking and what else they may touch. */
export type Authorizer = (req: IncomingMessage, access: Access) => Promise<Grant>;

/** A value for a quoted-string parameter of a challenge. */
function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

function unauthorized(challenge: string, message?: string): Error {
  return registryError('unauthorized', undefined, { 'WWW-Authenticate': challenge }, message);
}

function allowedBy(actionsOf: (name: string) => Set<string>, access: Access, catalog: boolean): boolean {
  if (access.type === 'base') return true;
  if (access.type === 'catalog') return catalog;
  const have = actionsOf(access.name);
  return access.actions.every((a) => have.has(a));
}

export function basicAuthorizer(opts: { htpasswd: Htpasswd; realm: string; policy: AccessPolicy }): Authorizer {
  const challenge = `Basic realm=${quoted(opts.realm)}`;
  return async (req, access) => {
    const creds = readCredentials(req);
    let account: string | undefined;
    if (creds.scheme === 'basic') {
      if (!(await opts.htpasswd.check(creds.user, creds.password))) throw unauthorized(challenge, 'invalid username or password');
      account = creds.user;
    } else if (creds.scheme !== 'none') {
      throw unauthorized(challenge, creds.scheme === 'invalid' ? creds.why : 'basic authentication required');
    }
    const grant: Grant = {
      account,
      allows: (name: string, action: Action) => opts.policy.repositoryActions(account, name).has(action),
      unrestricted: false,
    };
    // `/v2/` always wants a login: it is how clients learn that they must send credentials.
    if (account === undefined && access.type === 'base') throw unauthorized(challenge);
    if (allowedBy((n) => opts.policy.repositoryActions(account, n), access, opts.policy.mayListCatalog(account))) return grant;
    if (account === undefined) throw unauthorized(challenge);
    throw registryError('denied', scopeForAccess(access));
  };
}

export interface TokenAuthorizerOptions {
  signer: TokenSigner;
  /** The token endpoint's URL as clients should see it (it may depend on the Host they used). */
  realm: (req: IncomingMessage) => string;
}

export function tokenAuthorizer(opts: TokenAuthorizerOptions): Authorizer {
  const challenge = (req: IncomingMessage, access: Access, error?: string): string => {
    const scope = scopeForAccess(access);
    let c = `Bearer realm=${quoted(opts.realm(req))},service=${quoted(opts.signer.service)}`;
    if (scope) c += `,scope=${quoted(formatScope(scope))}`;
    if (error) c += `,error=${quoted(error)}`;
    return c;
  };
  return (req, access) => {
    const creds = readCredentials(req);
    if (creds.scheme === 'none') return Promise.reject(unauthorized(challenge(req, access)));
    if (creds.scheme !== 'bearer') {
      return Promise.reject(unauthorized(challenge(req, access, 'invalid_request'), creds.scheme === 'invalid' ? creds.why : 'bearer token required'));
    }
    const check = opts.signer.verify(creds.token);
    if (!check.ok) return Promise.reject(unauthorized(challenge(req, access, 'invalid_token'), check.why));
    const claims = check.claims;
    const account = claims.sub === '' ? undefined : claims.sub;
    const grant: Grant = { account, allows: (name, action) => grantedActions(claims, name).has(action), unrestricted: false };
    if (allowedBy((n) => grantedActions(claims, n), access, grantsCatalog(claims))) return Promise.resolve(grant);
    // An anonymous client may get more by logging in; an account has what it is allowed.
    if (account === undefined) return Promise.reject(unauthorized(challenge(req, access, 'insufficient_scope')));
    return Promise.reject(registryError('denied', scopeForAccess(access)));
  };
}
