import type { Health } from '../../api/container.js';
import { rfc3339Nano } from '../../lib/time/rfc3339.js';
import type { HealthState } from '../container/health/monitor.js';

/** `State.Health` of inspect. */
export function toHealth(h: HealthState): Health {
  return {
    Status: h.status,
    FailingStreak: h.failingStreak,
    Log: h.log.map((r) => ({ Start: rfc3339Nano(r.start), End: rfc3339Nano(r.end), ExitCode: r.exitCode, Output: r.output })),
  };
}

/** What `ps` adds after "Up …": Docker's `(healthy)`, `(unhealthy)` or `(health: starting)`. */
export function healthSuffix(h: HealthState | undefined): string {
  if (!h) return '';
  return h.status === 'starting' ? ' (health: starting)' : ` (${h.status})`;
}
