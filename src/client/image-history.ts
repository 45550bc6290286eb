import type { HistoryResponseItem } from '../api/image.js';
import { encodeImageName } from './image-inspect.js';
import type { EngineClient } from './transport.js';

/** Returns an image's layer history, newest first (`GET /images/{name}/history`). */
export function imageHistory(client: EngineClient, name: string): Promise<HistoryResponseItem[]> {
  return client.json<HistoryResponseItem[]>({ method: 'GET', path: `/images/${encodeImageName(name)}/history` });
}
