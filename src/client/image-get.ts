import type { IncomingMessage } from 'node:http';
import type { EngineClient } from './transport.js';

/** Exports images with their layers as one docker-archive tarball stream (`GET /images/get`). */
export function imageGetAll(client: EngineClient, names: string[], options: { platform?: string } = {}): Promise<IncomingMessage> {
  return client.request({ method: 'GET', path: '/images/get', query: { names, platform: options.platform } });
}
