import type { ContainerStatsResponse } from '../api/stats.js';
import { jsonLines, type EngineClient } from './transport.js';

/** Options of {@link containerStats}. */
export interface ContainerStatsOptions {
  /** A frame a second until aborted (default); false for one answer. */
  stream?: boolean;
  /** With `stream` false: answer at once, without the priming sample (precpu_stats empty). */
  oneShot?: boolean;
  signal?: AbortSignal;
}

/** Resource usage frames of a container (`GET /containers/{id}/stats`). */
export async function* containerStats(client: EngineClient, id: string, options: ContainerStatsOptions = {}): AsyncGenerator<ContainerStatsResponse> {
  const stream = options.stream ?? true;
  const res = await client.request({
    method: 'GET',
    path: `/containers/${encodeURIComponent(id)}/stats`,
    query: { stream: stream ? undefined : '0', 'one-shot': options.oneShot ? '1' : undefined },
    signal: options.signal,
  });
  yield* jsonLines<ContainerStatsResponse>(res);
}
