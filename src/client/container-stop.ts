import type { EngineClient } from './transport.js';

/** Options of {@link containerStop}. */
export interface ContainerStopOptions {
  /** Seconds to wait before killing; the container's own StopTimeout when absent. */
  timeout?: number;
  /** Signal to send first; the container's StopSignal when absent. */
  signal?: string;
}

/**
 * Stops a container (`POST /containers/{id}/stop`).
 * @throws {NotModifiedError} when it is already stopped.
 */
export function containerStop(client: EngineClient, id: string, options: ContainerStopOptions = {}): Promise<void> {
  return client.send({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/stop`,
    query: { t: options.timeout, signal: options.signal },
  });
}
