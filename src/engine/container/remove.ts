import { ConflictError, messageOf } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { canRemove, hasProcess, isActive, type ContainerRecord } from './model.js';
import { undoSteps } from './steps/run.js';
import { exitOrTimeout } from './wait-exit.js';
import { releaseVolumes } from './volume-mounts.js';

export interface ContainerRemoveOptions {
  force?: boolean;
  volumes?: boolean;
  /**
   * Return once the container is gone for users (record deleted, rootfs removed) and finish the
   * runtime's bookkeeping in the background: `run --rm` answers sooner. `rm` waits for it all.
   */
  background?: boolean;
}

function refusal(rec: ContainerRecord): ConflictError {
  if (rec.state.status === 'removing') return new ConflictError(`removal of container ${rec.id} is already in progress`);
  return new ConflictError(`cannot remove container "/${rec.name}": container is ${rec.state.status}: stop the container before removing or force remove`);
}

/** Removes a container. @throws ConflictError when it is active and not forced, or already being removed. */
export async function containerRemove(c: ContainerContext, ref: string, opts: ContainerRemoveOptions = {}): Promise<void> {
  const { store, runtime } = c.deps;
  const rec = store.get(ref);
  if (!canRemove(rec.state, !!opts.force)) throw refusal(rec);
  c.restarts.cancel(rec.id);
  if (isActive(rec.state)) c.manuallyStopped.add(rec.id);
  let removed = false;
  try {
    // A policy restart that fired just before the cancel may bring the process back while this
    // waits for the lock: with force, kill that one too.
    for (let attempt = 0; ; attempt++) {
      if (hasProcess(rec.state)) {
        await runtime.kill(rec.id, 'SIGKILL').catch(() => {});
        c.deps.events.container(rec, 'kill', { signal: '9' });
        if (rec.state.status === 'paused') await runtime.resume(rec.id).catch(() => {});
        await exitOrTimeout(c, rec, 10_000);
      }
      const outcome = await c.locks.run(rec.id, async () => {
        if (!store.has(rec.id)) return 'gone';
        // A start, a policy restart or another rm may have come first while this one waited.
        if (rec.state.status === 'restarting') c.restarts.cancel(rec.id);
        else if (!canRemove(rec.state, false)) {
          if (opts.force && hasProcess(rec.state) && attempt < 3) return 'again';
          throw refusal(rec);
        }
        rec.state = { ...rec.state, status: 'removing', pid: 0 };
        await store.beginRemoval(rec);
        removed = true;
        const { steps, log } = c.deps;
        // Volumes go with the rootfs, before `run --rm` answers: `volume ls` right after must not show them.
        const rootfsGone = undoSteps(steps, rec, log, 'now').then(() => c.deps.snapshotter.remove(rec.id))
          .then(() => releaseVolumes(c.deps.volumes, rec.id, rec.mounts, !!opts.volumes, log));
        const allGone = rootfsGone.then(() => undoSteps(steps, rec, log, 'background')).then(() => store.deleteDir(rec.id));
        if (opts.background) {
          allGone.catch((err) => c.deps.log(`cleaning up removed container ${rec.id}: ${messageOf(err)}`));
          await rootfsGone;
        } else {
          await allGone;
        }
        return 'removed';
      });
      if (outcome !== 'again') break;
    }
  } finally {
    // Once the record is gone, everyone waiting on the container hears so, even if a cleanup
    // step failed; a removal that found nothing to remove says nothing.
    if (removed) {
      store.drop(rec);
      c.attachments.close(rec.id);
      c.waiters.removed(rec.id, rec.state.exitCode);
      c.manuallyStopped.delete(rec.id);
      c.restarts.forget(rec.id);
      c.deps.health?.containerRemoved(rec.id);
      c.deps.events.container(rec, 'destroy');
    }
  }
}
