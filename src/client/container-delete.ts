import type { EngineClient } from './transport.js';

/** Options of {@link containerDelete}. */
export interface ContainerDeleteOptions {
  /** Kill a running container first. */
  force?: boolean;
  /** Remove its anonymous volumes too. */
  volumes?: boolean;
  link?: boolean;
}

/** Removes a container (`DELETE /containers/{id}`). */
export function containerDelete(client: EngineClient, id: string, options: ContainerDeleteOptions = {}): Promise<void> {
  return client.send({
    method: 'DELETE',
    path: `/containers/${encodeURIComponent(id)}`,
    query: { force: options.force || undefined, v: options.volumes || undefined, link: options.link || undefined },
  });
}
