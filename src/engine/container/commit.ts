import type { ContainerConfig } from '../../api/container.js';
import { COMMIT_CHANGE_INSTRUCTIONS, applyChanges } from '../../image/changes.js';
import type { ImageRunConfig } from '../../image/types.js';
import { messageOf } from '../../lib/errors/index.js';
import { familiarTagged, parseNamedReference } from '../../oci/index.js';
import { commitCreatedBy, mergeCommitConfig } from './commit-config.js';
import type { ContainerContext } from './context.js';
import { containerPause, containerUnpause } from './pause.js';
import { checkReadable, MOUNT_PLACEHOLDERS } from './rootfs-changes.js';

/** What create puts in StopSignal when neither the request nor the image names one. */
const DEFAULT_STOP_SIGNAL = 'SIGTERM';

/** The stop signal create fills in for a container whose image names none; undefined when the image names one. */
function imageStopSignalDefault(c: ContainerContext, imageId: string): string | undefined {
  try {
    return c.deps.images.get(imageId).config.config?.StopSignal ? undefined : DEFAULT_STOP_SIGNAL;
  } catch {
    return undefined;
  }
}

/** Options of {@link containerCommit} (`POST /commit`). */
export interface ContainerCommitOptions {
  /** The config to start from instead of the container's (the request body); the container's fills its gaps. */
  config?: ContainerConfig | null;
  /** Dockerfile instructions (`--change`) applied to that config. */
  changes?: string[];
  /** "name[:tag]" for the new image. */
  reference?: string;
  comment?: string;
  author?: string;
  /**
   * Pause a running container while its changes are read, and unpause it after, even when the
   * commit fails. @default true
   */
  pause?: boolean;
  signal?: AbortSignal;
}

/**
 * Makes an image of a container: its image's layers plus one layer of the container's changes
 * (none when it changed nothing), and its config merged as Docker merges it. Emits `commit` with
 * Docker's attributes (comment, imageID, imageRef).
 * @throws {NotFoundError} for an unknown container
 * @throws {InvalidArgumentError} for a bad reference or --change instruction (nothing is paused or made)
 * @throws {ConflictError} for a dead container or one being removed
 */
export async function containerCommit(c: ContainerContext, ref: string, opts: ContainerCommitOptions = {}): Promise<{ Id: string }> {
  const target = opts.reference ? parseNamedReference(opts.reference) : undefined;
  const rec = c.deps.store.get(ref);
  checkReadable(rec, 'commit');
  const user = applyChanges((opts.config ?? rec.config) as ImageRunConfig, opts.changes ?? [], COMMIT_CHANGE_INSTRUCTIONS) as ContainerConfig;
  const config = mergeCommitConfig(user, rec.config, { defaultStopSignal: user.StopSignal === rec.config.StopSignal ? imageStopSignalDefault(c, rec.imageId) : undefined });
  const pause = opts.pause !== false && rec.state.status === 'running';
  if (pause) await containerPause(c, rec.id);
  try {
    const placeholders = MOUNT_PLACEHOLDERS;
    const changed = (await c.deps.snapshotter.changes(rec.id, { placeholders })).length > 0;
    const img = await c.deps.images.commitImage({
      parent: rec.imageId,
      layer: changed ? c.deps.snapshotter.exportChanges(rec.id, { placeholders, signal: opts.signal }) : undefined,
      config,
      containerId: rec.id,
      containerConfig: rec.config,
      createdBy: commitCreatedBy(rec.config),
      author: opts.author,
      comment: opts.comment,
      reference: opts.reference,
      signal: opts.signal,
    });
    // Before the unpause, in Docker's event order: pause, tag, commit, unpause.
    const imageRef = target ? familiarTagged(target) : '';
    if (imageRef) c.deps.events.image(img.id, 'tag', { name: imageRef });
    c.deps.events.container(rec, 'commit', { comment: opts.comment ?? '', imageID: img.id, imageRef });
    return { Id: img.id };
  } finally {
    if (pause) await containerUnpause(c, rec.id).catch((err) => c.deps.log(`unpausing ${rec.id} after commit: ${messageOf(err)}`));
  }
}
