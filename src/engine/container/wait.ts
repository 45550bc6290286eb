import type { ContainerContext } from './context.js';
import { isActive } from './model.js';
import type { WaitCondition, WaitResult } from './waiters.js';

/** Waits for a condition. A container already stopped answers at once for not-running. */
export function containerWait(c: ContainerContext, ref: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<WaitResult> {
  const rec = c.deps.store.get(ref);
  if (condition === 'not-running') {
    // A created container has not run yet: not-running means its next exit, as in Docker.
    if (rec.state.status === 'created') return c.waiters.add(rec.id, 'next-exit', signal);
    if (!isActive(rec.state)) return Promise.resolve({ StatusCode: rec.state.exitCode, Error: null });
  }
  return c.waiters.add(rec.id, condition, signal);
}
