import { InvalidArgumentError, UnauthorizedError } from '../../lib/errors/index.js';
import { RegistryClient } from './client.js';
import type { RegistryCredentials } from './credentials.js';
import { loginDomain, registryEndpoint } from './endpoint.js';
import { loginError, registryError } from './errors.js';
import { readBody } from './http.js';

/** `POST /auth`'s answer. */
export interface LoginResult {
  Status: string;
  IdentityToken?: string;
}

/**
 * Checks credentials against a registry's /v2/ the way its challenge asks: Basic directly, or a
 * token from its realm (no scope) for Bearer. A registry that asks for nothing accepts any login.
 */
export async function login(creds: RegistryCredentials, insecureRegistries: readonly string[], signal?: AbortSignal): Promise<LoginResult> {
  if (!creds.username && !creds.identityToken && !creds.registryToken) throw new InvalidArgumentError('username is required');
  const client = new RegistryClient(registryEndpoint(loginDomain(creds.serverAddress), insecureRegistries), creds, signal ? { signal } : {});
  try {
    await client.authorize([]);
    const res = await client.request({ method: 'GET', path: '/v2/' }, []);
    const body = await readBody(res, 64 * 1024);
    if (res.statusCode === 401) {
      const err = registryError(res, body);
      throw new UnauthorizedError(`Get "${client.url('/v2/').href}": ${err.message}`, { cause: err });
    }
    if ((res.statusCode ?? 500) >= 300 && res.statusCode !== 404) throw registryError(res, body);
  } catch (err) {
    throw loginError(err);
  }
  return { Status: 'Login Succeeded' };
}
