/**
 * The registry's own token endpoint (the Docker token flow): `GET /token?service=&scope=...`
 * with Basic credentials or none (anonymous), and the OAuth2 form `POST /token` with
 * `grant_type=password`. It answers `{token, access_token, expires_in, issued_at}` granting the
 * part of each asked scope the account is allowed; what is not allowed is dropped, not refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { registryError } from '../errors.js';
import { readBoundedBody } from '../request.js';
import type { AccessPolicy } from './access-policy.js';
import { readCredentials } from './credentials.js';
import type { Htpasswd } from './htpasswd.js';
import { parseScope, type Scope } from './scope.js';
import type { TokenSigner } from './token.js';

export const TOKEN_PATH = '/token';
/** Real clients ask for a handful (a push with mounts: the target and a few sources). */
export const MAX_SCOPES = 64;
const MAX_FORM_BYTES = 64 * 1024;

export interface TokenEndpointOptions {
  signer: TokenSigner;
  htpasswd: Htpasswd;
  policy: AccessPolicy;
}

function invalid(message: string, detail?: unknown): Error {
  return registryError('tokenRequestInvalid', detail, undefined, message);
}

/** Each `scope` value may itself hold several, space-separated (the OAuth2 form). */
function parseScopes(values: string[]): Scope[] {
  const all = values.flatMap((v) => v.split(' ')).filter((s) => s !== '');
  if (all.length > MAX_SCOPES) throw invalid(`too many scopes: ${all.length} (at most ${MAX_SCOPES})`);
  return all.map((s) => {
    const scope = parseScope(s);
    if (!scope) throw invalid(`invalid scope ${JSON.stringify(s.slice(0, 100))}`);
    return scope;
  });
}

/** Handles a request to TOKEN_PATH; returns the account the token is for, for the access log. */
export function createTokenEndpoint(opts: TokenEndpointOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<string | undefined> {
  const checkService = (service: string | null): void => {
    if (service !== null && service !== opts.signer.service) throw invalid(`unknown service ${JSON.stringify(service.slice(0, 100))}`);
  };
  const login = async (user: string, password: string): Promise<string> => {
    if (!(await opts.htpasswd.check(user, password))) {
      throw registryError('unauthorized', undefined, { 'WWW-Authenticate': `Basic realm="${opts.signer.service.replace(/["\\]/g, '')}"` }, 'incorrect username or password');
    }
    return user;
  };
  const answer = (res: ServerResponse, account: string | undefined, asked: Scope[], oauth: boolean): void => {
    const granted = opts.policy.grant(account, asked);
    const t = opts.signer.issue(account, granted);
    const body: Record<string, unknown> = {
      token: t.token, access_token: t.token, expires_in: t.expiresIn, issued_at: t.issuedAt.toISOString(),
    };
    if (oauth) body.scope = granted.map((s) => `${s.type}:${s.name}:${s.actions.join(',')}`).join(' ');
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': data.length, 'Cache-Control': 'no-store' });
    res.end(data);
  };

  return async (req, res, url) => {
    if (req.method === 'GET') {
      const q = url.searchParams;
      checkService(q.get('service'));
      const asked = parseScopes(q.getAll('scope'));
      const creds = readCredentials(req);
      let account: string | undefined;
      if (creds.scheme === 'basic') account = await login(creds.user, creds.password);
      else if (creds.scheme !== 'none') throw registryError('unauthorized', undefined, undefined, creds.scheme === 'invalid' ? creds.why : 'basic credentials required');
      answer(res, account, asked, false);
      return account;
    }
    if (req.method === 'POST') {
      const type = req.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') throw invalid('want an application/x-www-form-urlencoded body');
      const body = await readBoundedBody(req, MAX_FORM_BYTES, () => invalid('token request too large'));
      const form = new URLSearchParams(body.toString('utf8'));
      checkService(form.get('service'));
      if (form.get('grant_type') !== 'password') {
        throw invalid(`unsupported grant_type ${JSON.stringify((form.get('grant_type') ?? '').slice(0, 50))}: only "password"`);
      }
      const asked = parseScopes(form.getAll('scope'));
      const account = await login(form.get('username') ?? '', form.get('password') ?? '');
      answer(res, account, asked, true);
      return account;
    }
    throw registryError('methodNotAllowed');
  };
}
