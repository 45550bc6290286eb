/** Builds the authorizer and the token endpoint that a configuration asks for. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { RegistryConfig } from '../config.js';
import { AccessPolicy } from './access-policy.js';
import { basicAuthorizer, tokenAuthorizer, type Authorizer } from './authorizer.js';
import { Htpasswd } from './htpasswd.js';
import { createTokenEndpoint, TOKEN_PATH } from './token-endpoint.js';
import { TokenSigner } from './token.js';

export interface RegistryAuth {
  authorize?: Authorizer;
  tokenEndpoint?: { path: string; handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<string | undefined> };
}

/** A Host header fit to put in a URL (a client's own, so only checked for shape). */
const HOST_RE = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export async function authFromConfig(config: RegistryConfig): Promise<RegistryAuth> {
  const a = config.auth;
  if (a.type === 'none') return {};
  const htpasswd = await Htpasswd.load(a.htpasswd!);
  const policy = new AccessPolicy(a.access, a.anonymousPull);
  if (a.type === 'htpasswd') return { authorize: basicAuthorizer({ htpasswd, realm: a.realm, policy }) };

  let key: Buffer;
  if (a.token.key !== undefined) {
    try {
      key = await readFile(a.token.key);
    } catch (err) {
      throw new InvalidArgumentError(`cannot read token key ${a.token.key}: ${(err as Error).message}`);
    }
    if (key.length < 32) throw new InvalidArgumentError(`token key ${a.token.key} is ${key.length} bytes; want at least 32 (openssl rand -out FILE 32)`);
  } else {
    // Tokens then last until the next start; clients simply ask again.
    key = randomBytes(32);
  }
  const signer = new TokenSigner({ key, issuer: a.token.issuer, service: a.token.service, expirySeconds: a.token.expirySeconds });
  const scheme = config.tls ? 'https' : 'http';
  const fallbackHost = config.addr.startsWith(':') ? `localhost${config.addr}` : config.addr;
  const realm = a.token.realm !== undefined
    ? () => a.token.realm!
    : (req: IncomingMessage) => {
      const host = req.headers.host;
      return `${scheme}://${host !== undefined && HOST_RE.test(host) ? host : fallbackHost}${TOKEN_PATH}`;
    };
  const handle = createTokenEndpoint({ signer, htpasswd, policy });
  return { authorize: tokenAuthorizer({ signer, realm }), tokenEndpoint: { path: TOKEN_PATH, handle } };
}
