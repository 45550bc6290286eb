import type { SystemVersion } from '../api/system.js';
import type { EngineClient } from './transport.js';

/** Returns the daemon's version (`GET /version`). */
export function systemVersion(client: EngineClient): Promise<SystemVersion> {
  return client.json<SystemVersion>({ method: 'GET', path: '/version' });
}
