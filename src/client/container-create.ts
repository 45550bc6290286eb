import type { ContainerCreateRequest, ContainerCreateResponse } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** Options of {@link containerCreate}. */
export interface ContainerCreateOptions {
  /** Name for the container (`--name`); the daemon generates one when absent. */
  name?: string;
  /** `os/arch` the image must match. */
  platform?: string;
  config: ContainerCreateRequest;
}

/** Creates a container (`POST /containers/create`). */
export function containerCreate(client: EngineClient, options: ContainerCreateOptions): Promise<ContainerCreateResponse> {
  return client.json<ContainerCreateResponse>({
    method: 'POST',
    path: '/containers/create',
    query: { name: options.name, platform: options.platform },
    body: options.config,
  });
}
