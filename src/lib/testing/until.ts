import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `cond` returns something truthy and returns it; checks at once, then every
 * `intervalMs`. Fails after `timeoutMs` naming `what` (and the last error `cond` threw), so a
 * test waits for the event it needs rather than a fixed time that is too long on a quiet
 * machine and too short on a loaded one.
 */
export async function until<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 5000, intervalMs = 10): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(intervalMs);
  }
}
