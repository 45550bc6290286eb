import type { SystemInfo } from '../api/system.js';
import type { EngineClient } from './transport.js';

/** Returns system-wide information (`GET /info`). */
export function systemInfo(client: EngineClient): Promise<SystemInfo> {
  return client.json<SystemInfo>({ method: 'GET', path: '/info' });
}
