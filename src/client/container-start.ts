import type { EngineClient } from './transport.js';

/** Options of {@link containerStart}. */
export interface ContainerStartOptions {
  /** Key sequence that detaches from an attached container. */
  detachKeys?: string;
}

/**
 * Starts a container (`POST /containers/{id}/start`).
 * @throws {NotModifiedError} when it is already running.
 */
export function containerStart(client: EngineClient, id: string, options: ContainerStartOptions = {}): Promise<void> {
  return client.send({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/start`,
    query: { detachKeys: options.detachKeys },
  });
}
