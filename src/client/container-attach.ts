import { hijack, type HijackedConnection } from './hijack.js';
import type { EngineClient } from './transport.js';

/** Options of {@link containerAttach}. */
export interface ContainerAttachOptions {
  stream?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  logs?: boolean;
  detachKeys?: string;
}

/** Attaches to a container's stdio over a hijacked connection (`POST /containers/{id}/attach`). */
export function containerAttach(client: EngineClient, id: string, options: ContainerAttachOptions): Promise<HijackedConnection> {
  return hijack(client, `/containers/${encodeURIComponent(id)}/attach`, {
    stream: options.stream ?? true,
    stdin: options.stdin ?? false,
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    logs: options.logs ? true : undefined,
    detachKeys: options.detachKeys,
  });
}
