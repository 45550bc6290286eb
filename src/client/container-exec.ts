import type { ExecConfig } from '../api/container.js';
import type { EngineClient } from './transport.js';

/**
 * Creates an exec instance in a running container (`POST /containers/{id}/exec`) and returns
 * its id.
 * @throws {ConflictError} when the container is not running or is paused.
 */
export async function containerExec(client: EngineClient, id: string, config: ExecConfig): Promise<string> {
  const res = await client.json<{ Id: string }>({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/exec`,
    body: config,
  });
  return res.Id;
}
