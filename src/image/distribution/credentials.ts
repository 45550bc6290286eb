import { InvalidArgumentError } from '../../lib/errors/index.js';

/** What a client gives to authenticate at a registry (the docker CLI's AuthConfig). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth refresh token a previous login returned. */
  identityToken?: string;
  /** A bearer token to send as it is. */
  registryToken?: string;
  serverAddress?: string;
}

interface AuthConfigWire {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
  serveraddress?: string;
}

/** The wire AuthConfig (POST /auth body, or X-Registry-Auth decoded) as credentials. */
export function credentialsFromAuthConfig(raw: unknown): RegistryCredentials | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const a = raw as AuthConfigWire;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  let username = str(a.username);
  let password = str(a.password);
  const auth = str(a.auth);
  if (auth && !username) {
    const plain = Buffer.from(auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) {
      username = plain.slice(0, i);
      password = plain.slice(i + 1);
    }
  }
  const c: RegistryCredentials = {
    ...(username ? { username } : {}), ...(password ? { password } : {}),
    ...(str(a.identitytoken) ? { identityToken: str(a.identitytoken) } : {}),
    ...(str(a.registrytoken) ? { registryToken: str(a.registrytoken) } : {}),
    ...(str(a.serveraddress) ? { serverAddress: str(a.serveraddress) } : {}),
  };
  return c.username || c.identityToken || c.registryToken ? c : undefined;
}

/**
 * Decodes an X-Registry-Auth header: base64url (or standard base64) of the AuthConfig JSON.
 * An absent or empty one ("e30=", "{}") means anonymous.
 */
export function decodeRegistryAuth(header: string | undefined): RegistryCredentials | undefined {
  if (!header) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: it must be base64url-encoded JSON');
  }
  return credentialsFromAuthConfig(json);
}
