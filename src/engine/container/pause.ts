import { ConflictError } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { ContainerNotRunningError } from './errors.js';
import { canPause, canUnpause } from './model.js';
import { restartingError } from './stop.js';

export async function containerPause(c: ContainerContext, ref: string): Promise<void> {
  const rec = c.deps.store.get(ref);
  await c.locks.run(rec.id, async () => {
    if (rec.state.status === 'paused') throw new ConflictError(`Container ${rec.id} is already paused`);
    if (rec.state.status === 'restarting') throw restartingError(rec.id);
    if (!canPause(rec.state)) throw new ContainerNotRunningError(rec.id);
    await c.deps.runtime.pause(rec.id);
    c.deps.health?.containerPaused(rec.id);
    rec.state = { ...rec.state, status: 'paused' };
    await c.deps.store.save(rec);
    c.deps.events.container(rec, 'pause');
  });
}

export async function containerUnpause(c: ContainerContext, ref: string): Promise<void> {
  const rec = c.deps.store.get(ref);
  await c.locks.run(rec.id, async () => {
    if (!canUnpause(rec.state)) throw new ConflictError(`Container ${rec.id} is not paused`);
    await c.deps.runtime.resume(rec.id);
    rec.state = { ...rec.state, status: 'running' };
    await c.deps.store.save(rec);
    c.deps.events.container(rec, 'unpause');
    c.deps.health?.containerResumed(rec);
  });
}
