import type { ContainerContext } from './context.js';
import { hasProcess, type ContainerRecord } from './model.js';

/** Resolves true once the container has no process any more, or false after `ms`. */
export function exitOrTimeout(c: ContainerContext, rec: ContainerRecord, ms: number): Promise<boolean> {
  if (!hasProcess(rec.state)) return Promise.resolve(true);
  const giveUp = new AbortController();
  return new Promise((resolve) => {
    const timer = c.deps.clock.setTimeout(() => {
      giveUp.abort();
      resolve(!hasProcess(rec.state));
    }, ms);
    void c.waiters.add(rec.id, 'next-exit', giveUp.signal).then(() => {
      c.deps.clock.clearTimeout(timer);
      resolve(true);
    });
  });
}
