import type { EngineClient } from './transport.js';

/** The AuthConfig `POST /auth` checks. */
export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
}

/** Checks credentials against a registry through the daemon (`POST /auth`). */
export async function systemAuth(client: EngineClient, auth: AuthConfig): Promise<{ Status: string; IdentityToken?: string }> {
  return client.json<{ Status: string; IdentityToken?: string }>({ method: 'POST', path: '/auth', body: auth });
}
