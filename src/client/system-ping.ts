import type { EngineClient } from './transport.js';

/** What `GET /_ping` reports in its headers. */
export interface PingResult {
  apiVersion?: string;
  osType?: string;
}

/** Checks that the daemon answers (`GET /_ping`). */
export async function systemPing(client: EngineClient): Promise<PingResult> {
  const res = await client.request({ method: 'GET', path: '/_ping' });
  res.resume();
  return {
    apiVersion: res.headers['api-version'] as string | undefined,
    osType: res.headers['ostype'] as string | undefined,
  };
}
