import { join } from 'node:path';
import { rfc3339Nano } from '../../lib/time/rfc3339.js';
import { ConflictError, isNotFound, messageOf } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { AlreadyStartedError, ContainerPausedError, NoSuchContainerError } from './errors.js';
import { exitCodeForStartError, startError } from './lifecycle-rules.js';
import { canStart, hasProcess, type ContainerRecord } from './model.js';
import { containerRemove } from './remove.js';
import { applySteps } from './steps/run.js';
import type { StartContext } from './steps/types.js';

/** Starts a container. @throws NotModifiedError when running, ConflictError when paused. */
export function containerStart(c: ContainerContext, ref: string): Promise<void> {
  const rec = c.deps.store.get(ref);
  // Answered now, not after the removal that holds the lock: by then the container is gone.
  if (rec.state.status === 'removing') return Promise.reject(new ConflictError(`container ${rec.id} is marked for removal and cannot be started`));
  c.manuallyStopped.delete(rec.id);
  rec.manuallyStopped = false;
  return c.locks.run(rec.id, () => startLocked(c, rec));
}

/**
 * Runs the start path under the container's lock: the steps, then the process. A failure undoes
 * the steps in reverse and leaves the container "created" (never started) or "exited", with the
 * error in its state, as Docker does. `byPolicy` lets a restart policy start a "restarting" one.
 */
export async function startLocked(c: ContainerContext, rec: ContainerRecord, byPolicy = false): Promise<void> {
  const { store, runtime, steps } = c.deps;
  // The record may have been removed while this start waited for the lock.
  if (!store.has(rec.id)) throw new NoSuchContainerError(rec.id);
  if (rec.state.status === 'paused') throw new ContainerPausedError(rec.id, 'start');
  if (hasProcess(rec.state) || (rec.state.status === 'restarting' && !byPolicy)) throw new AlreadyStartedError(rec.id);
  if (!canStart(rec.state) && !(byPolicy && rec.state.status === 'restarting')) {
    throw new ConflictError(`cannot start container ${rec.id}: container is ${rec.state.status}`);
  }
  const ctx: StartContext = { rec, bundleDir: join(store.dir(rec.id), 'bundle'), mounts: [] };
  const before = { state: rec.state, hasBeenStarted: rec.hasBeenStarted };
  try {
    const undo = await applySteps(steps, ctx);
    try {
      await c.attachments.connect(rec.id, runtime, c.deps.log);
      // FinishedAt keeps the last exit's time until the next exit, as in Docker.
      rec.state = { ...rec.state, status: 'running', pid: ctx.pid ?? 0, exitCode: 0, error: '', oomKilled: false, startedAt: rfc3339Nano(c.deps.clock.now()) };
      rec.hasBeenStarted = true;
      // Side by side to save a round of latency; the undo below waits for both to settle, so it
      // never deletes a container whose start is still in flight.
      const [saved, started] = await Promise.allSettled([store.save(rec), runtime.start(rec.id)]);
      if (saved.status === 'rejected') throw saved.reason;
      if (started.status === 'rejected') throw started.reason;
    } catch (err) {
      rec.state = before.state;
      rec.hasBeenStarted = before.hasBeenStarted;
      await undo.unwind();
      throw err;
    }
    runtime.watchMonitor(rec.id);
    c.deps.events.container(rec, 'start');
    c.deps.health?.containerStarted(rec);
  } catch (err) {
    await recordFailedStart(c, rec, err);
    throw startError(messageOf(err), err);
  }
}

async function recordFailedStart(c: ContainerContext, rec: ContainerRecord, err: unknown): Promise<void> {
  const msg = messageOf(err);
  rec.state = { ...rec.state, status: rec.hasBeenStarted ? 'exited' : 'created', pid: 0, error: msg, exitCode: exitCodeForStartError(msg) };
  if (c.deps.store.has(rec.id)) await c.deps.store.save(rec).catch((e) => c.deps.log(`saving ${rec.id}: ${messageOf(e)}`));
  c.attachments.close(rec.id);
  c.waiters.exited(rec.id, rec.state.exitCode, msg);
  if (rec.hostConfig.AutoRemove) void autoRemove(c, rec.id);
}

/** Removes a `--rm` container after its exit or failed start. */
export async function autoRemove(c: ContainerContext, id: string): Promise<void> {
  try {
    await containerRemove(c, id, { force: true, volumes: true, background: true });
  } catch (err) {
    if (!isNotFound(err)) c.deps.log(`auto-remove ${id}: ${messageOf(err)}`);
  }
}
