import type { Readable } from 'node:stream';
import type { EngineClient } from './transport.js';

/** Extracts a tar into a directory of a container (`PUT /containers/{id}/archive`). */
export function containerArchivePut(client: EngineClient, id: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
  return client.send({
    method: 'PUT',
    path: `/containers/${encodeURIComponent(id)}/archive`,
    query: { path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir ? 'true' : undefined, copyUIDGID: opts.copyUIDGID ? 'true' : undefined },
    headers: { 'Content-Type': 'application/x-tar' },
    body: tar,
  });
}
