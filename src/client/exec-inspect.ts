import type { ExecInspectResponse } from '../api/container.js';
import type { EngineClient } from './transport.js';

/** Returns an exec instance's state and exit code (`GET /exec/{id}/json`). */
export function execInspect(client: EngineClient, id: string): Promise<ExecInspectResponse> {
  return client.json<ExecInspectResponse>({ method: 'GET', path: `/exec/${encodeURIComponent(id)}/json` });
}
