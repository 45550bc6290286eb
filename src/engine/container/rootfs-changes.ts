import type { Readable } from 'node:stream';
import type { FilesystemChange } from '../../snapshot/types.js';
import { ConflictError } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import type { ContainerRecord } from './model.js';

/**
 * Files the runtime creates in a container's rootfs only to bind-mount berth's over them. Docker
 * keeps these in an init layer under the container's own, so diff and commit never show them.
 */
export const MOUNT_PLACEHOLDERS: readonly string[] = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf'];

/** Docker refuses to read the filesystem of a dead container or of one being removed. */
export function checkReadable(rec: ContainerRecord, action: string): void {
  if (rec.state.status === 'dead') throw new ConflictError(`You cannot ${action} container ${rec.id} which is Dead`);
  if (rec.state.status === 'removing') throw new ConflictError(`You cannot ${action} container ${rec.id} which is being removed`);
}

/** `GET /containers/{id}/changes`: what the container changed against its image, running or not. */
export async function containerChanges(c: ContainerContext, ref: string): Promise<FilesystemChange[]> {
  const rec = c.deps.store.get(ref);
  return c.deps.snapshotter.changes(rec.id, { placeholders: MOUNT_PLACEHOLDERS });
}

/**
 * `GET /containers/{id}/export`: the container's whole filesystem as a tar stream (its own
 * read-only mount, so a stopped container exports too and a running one is not disturbed).
 */
export function containerExport(c: ContainerContext, ref: string, signal?: AbortSignal): Readable {
  const rec = c.deps.store.get(ref);
  checkReadable(rec, 'export');
  const tar = c.deps.snapshotter.exportRootfs(rec.id, signal ? { signal } : {});
  c.deps.events.container(rec, 'export');
  return tar;
}
