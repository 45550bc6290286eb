import type { ExecStartConfig } from '../api/container.js';
import { hijack, type HijackedConnection } from './hijack.js';
import type { EngineClient } from './transport.js';

/** Starts an exec instance in the background (`POST /exec/{id}/start` with `Detach`). */
export function execStartDetached(client: EngineClient, id: string, config: Omit<ExecStartConfig, 'Detach'> = {}): Promise<void> {
  return client.send({ method: 'POST', path: `/exec/${encodeURIComponent(id)}/start`, body: { ...config, Detach: true } });
}

/** Starts an exec instance attached, over a hijacked connection (`POST /exec/{id}/start`). */
export function execStart(client: EngineClient, id: string, config: Omit<ExecStartConfig, 'Detach'> = {}): Promise<HijackedConnection> {
  return hijack(client, `/exec/${encodeURIComponent(id)}/start`, undefined, { ...config, Detach: false });
}
