import type { Clock, TimerHandle } from '../../lib/clock/index.js';

/** A run at least this long resets the back-off (Docker's rule). */
const RESET_AFTER_MS = 10_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;

/** Docker's restart back-off: 100 ms, doubling with each quick exit, capped at a minute. */
export function restartDelay(step: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(step, 10));
}

/**
 * Pending policy restarts, one timer per container, and each container's back-off step. Time
 * comes from a Clock, so the back-off is tested without waiting.
 */
export class RestartScheduler {
  readonly #clock: Clock;
  readonly #timers = new Map<string, TimerHandle>();
  readonly #steps = new Map<string, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Schedules `fire` after the back-off for a container whose last run lasted `ranMs`; replaces
   * a restart already pending. Returns the delay.
   */
  schedule(id: string, ranMs: number, fire: () => void): number {
    const step = ranMs >= RESET_AFTER_MS ? 0 : (this.#steps.get(id) ?? 0);
    this.#steps.set(id, step + 1);
    const delay = restartDelay(step);
    this.cancel(id);
    this.#timers.set(id, this.#clock.setTimeout(() => {
      this.#timers.delete(id);
      fire();
    }, delay));
    return delay;
  }

  /** Cancels a pending restart; true when there was one. */
  cancel(id: string): boolean {
    const timer = this.#timers.get(id);
    if (timer === undefined) return false;
    this.#clock.clearTimeout(timer);
    this.#timers.delete(id);
    return true;
  }

  /** Forgets a removed container entirely. */
  forget(id: string): void {
    this.cancel(id);
    this.#steps.delete(id);
  }
}
