import type { ContainerWaitResponse } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** Options of {@link containerWait}. */
export interface ContainerWaitOptions {
  /** `not-running` (default), `next-exit` or `removed`. */
  condition?: 'not-running' | 'next-exit' | 'removed';
  signal?: AbortSignal;
}

/** Blocks until a container stops and returns its exit code (`POST /containers/{id}/wait`). */
export async function containerWait(client: EngineClient, id: string, options: ContainerWaitOptions = {}): Promise<ContainerWaitResponse> {
  return client.json<ContainerWaitResponse>({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/wait`,
    query: { condition: options.condition },
    signal: options.signal,
  });
}
