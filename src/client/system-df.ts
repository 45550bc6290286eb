import type { SystemDataUsageResponse } from '../api/system.js';
import type { EngineClient } from './transport.js';

/** Returns what images, containers, volumes and the build cache take on disk (`GET /system/df`). */
export function systemDataUsage(client: EngineClient): Promise<SystemDataUsageResponse> {
  return client.json<SystemDataUsageResponse>({ method: 'GET', path: '/system/df' });
}
