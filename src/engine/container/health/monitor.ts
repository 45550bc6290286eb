import type { Clock, TimerHandle } from '../../../lib/clock/index.js';
import { messageOf } from '../../../lib/errors/index.js';
import { newId } from '../../../lib/ids/index.js';
import { goDurationText } from '../../../lib/time/go-duration.js';
import type { EventSink } from '../../events/types.js';
import type { ProbeRunner } from '../exec/probe-runner.js';
import type { ContainerRecord } from '../model.js';
import { cutProbeOutput, HEALTH_LOG_ENTRIES, probeSettings, type ProbeSettings } from './config.js';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe's outcome; times in milliseconds since the epoch. */
export interface ProbeResult {
  start: number;
  end: number;
  exitCode: number;
  output: string;
}

/** A container's health as inspect shows it. Kept in memory only: each start begins at "starting". */
export interface HealthState {
  status: HealthStatus;
  failingStreak: number;
  /** The last probes, oldest first. */
  log: ProbeResult[];
}

interface Watch {
  rec: ContainerRecord;
  settings: ProbeSettings;
  health: HealthState;
  /** Probes are scheduled (the container runs and is not paused). */
  active: boolean;
  /** Bumped whenever probing stops or starts again, so a probe of an earlier round drops its result. */
  round: number;
  timer?: TimerHandle;
  /** The probe in flight: what kills it, and its timeout. */
  probe?: { abort: AbortController; timeout: TimerHandle };
}

export interface HealthMonitorOptions {
  clock: Clock;
  probes: ProbeRunner;
  events: EventSink;
  log: (msg: string) => void;
}

/**
 * Runs the health checks of running containers, as Docker's monitor does: the first probe one
 * interval after the start (the start interval while the start period lasts and no probe has
 * passed yet), each next one an interval after the previous ended. A pass makes the container
 * healthy; `retries` failures in a row make it unhealthy, except failures during the start period
 * before the first pass. A probe that runs past its timeout is killed and counts as a failure
 * with exit code -1. Status changes are `health_status: <status>` events.
 *
 * The life cycle calls in: `containerStarted` (start, restart, restore), `containerPaused` (pause,
 * stop, exit: probing stops and, as in Docker, the status reads "unhealthy"), `containerResumed`
 * (unpause), `containerRemoved`. None of them waits for a probe: a probe in flight is aborted and
 * its result dropped, so a hung probe never holds up stop, rm or anything else.
 */
export class HealthMonitor {
  readonly #o: HealthMonitorOptions;
  readonly #watches = new Map<string, Watch>();

  constructor(opts: HealthMonitorOptions) {
    this.#o = opts;
  }

  /** Begins checking a container that just started: status "starting", streak 0, the log kept. */
  containerStarted(rec: ContainerRecord): void {
    const old = this.#watches.get(rec.id);
    if (old) this.#halt(old);
    const settings = probeSettings(rec.config);
    if (!settings) {
      this.#watches.delete(rec.id);
      return;
    }
    const watch: Watch = { rec, settings, health: { status: 'starting', failingStreak: 0, log: old?.health.log ?? [] }, active: false, round: 0 };
    this.#watches.set(rec.id, watch);
    this.#resume(watch);
  }

  /** Checks again after an unpause; the status stays what it was until the next probe. */
  containerResumed(rec: ContainerRecord): void {
    const watch = this.#watches.get(rec.id);
    if (!watch) return this.containerStarted(rec);
    watch.rec = rec;
    this.#resume(watch);
  }

  /** Stops checking a container that paused, is stopping or exited. */
  containerPaused(id: string): void {
    const watch = this.#watches.get(id);
    // Docker reports a container whose checks stopped as unhealthy.
    if (watch && this.#halt(watch)) watch.health.status = 'unhealthy';
  }

  /** Forgets a removed container. */
  containerRemoved(id: string): void {
    const watch = this.#watches.get(id);
    if (!watch) return;
    this.#halt(watch);
    this.#watches.delete(id);
  }

  /** The container's health, or undefined when it has no health check. A copy. */
  health(id: string): HealthState | undefined {
    const h = this.#watches.get(id)?.health;
    return h && { ...h, log: h.log.map((r) => ({ ...r })) };
  }

  /** Containers with probes scheduled or running. */
  get active(): number {
    let n = 0;
    for (const w of this.#watches.values()) if (w.active) n++;
    return n;
  }

  #resume(watch: Watch): void {
    // A test type Docker does not know never runs: the status stays "starting", as in Docker.
    if (watch.active || !watch.settings.argv) return;
    watch.active = true;
    watch.round++;
    this.#schedule(watch, watch.round);
  }

  /** @returns whether probing was active. */
  #halt(watch: Watch): boolean {
    if (!watch.active) return false;
    watch.active = false;
    watch.round++;
    if (watch.timer) this.#o.clock.clearTimeout(watch.timer);
    watch.timer = undefined;
    if (watch.probe) {
      this.#o.clock.clearTimeout(watch.probe.timeout);
      watch.probe.abort.abort();
    }
    watch.probe = undefined;
    return true;
  }

  #schedule(watch: Watch, round: number): void {
    watch.timer = this.#o.clock.setTimeout(() => {
      watch.timer = undefined;
      this.#probe(watch, round).catch((err) => this.#o.log(`health check of ${watch.rec.id}: ${messageOf(err)}`));
    }, this.#nextDelay(watch));
  }

  /** The start interval while the start period lasts and nothing passed yet; the interval after. */
  #nextDelay(watch: Watch): number {
    const s = watch.settings;
    const inStartPeriod = this.#o.clock.now() - Date.parse(watch.rec.state.startedAt) < s.startPeriodMs;
    return inStartPeriod && watch.health.status === 'starting' ? s.startIntervalMs : s.intervalMs;
  }

  async #probe(watch: Watch, round: number): Promise<void> {
    if (watch.round !== round) return;
    const { clock, probes } = this.#o;
    const { argv, timeoutMs } = watch.settings;
    const abort = new AbortController();
    const start = clock.now();
    let timedOut = false;
    // The runner enforces the timeout too; this one keeps the monitor's word on the clock it runs on.
    const timeout = clock.setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    const probe = { abort, timeout };
    watch.probe = probe;
    let result: { exitCode: number; output: string };
    // Docker runs a probe as an exec and reports it like one.
    const execID = newId();
    const command = argv!.join(' ');
    this.#o.events.container(watch.rec, `exec_create: ${command}`, { execID });
    this.#o.events.container(watch.rec, `exec_start: ${command}`, { execID });
    try {
      const r = await probes.runProbe(watch.rec.id, argv!, { timeoutMs, signal: abort.signal });
      this.#o.events.container(watch.rec, 'exec_die', { execID, exitCode: String(r.exitCode) });
      result = r.timedOut || timedOut ? timeoutResult(timeoutMs) : { exitCode: r.exitCode, output: r.output };
    } catch (err) {
      result = timedOut ? timeoutResult(timeoutMs) : { exitCode: -1, output: messageOf(err) };
    } finally {
      clock.clearTimeout(timeout);
      if (watch.probe === probe) watch.probe = undefined;
    }
    // Stopped, paused or restarted while this probe ran: Docker drops such a result.
    if (watch.round !== round) return;
    this.#record(watch, { start, end: clock.now(), exitCode: result.exitCode, output: cutProbeOutput(result.output) });
    this.#schedule(watch, round);
  }

  #record(watch: Watch, result: ProbeResult): void {
    const h = watch.health;
    const before = h.status;
    h.log.push(result);
    if (h.log.length > HEALTH_LOG_ENTRIES) h.log.splice(0, h.log.length - HEALTH_LOG_ENTRIES);
    if (result.exitCode === 0) {
      h.failingStreak = 0;
      h.status = 'healthy';
    } else {
      // Failures before the first pass do not count while the start period lasts.
      const grace = h.status === 'starting' && result.start - Date.parse(watch.rec.state.startedAt) < watch.settings.startPeriodMs;
      if (!grace) {
        h.failingStreak++;
        if (h.failingStreak >= watch.settings.retries) h.status = 'unhealthy';
      }
    }
    if (h.status !== before) this.#o.events.container(watch.rec, `health_status: ${h.status}`);
  }
}

/** Docker's record of a probe killed at its timeout (the duration as Go prints it). */
function timeoutResult(timeoutMs: number): { exitCode: number; output: string } {
  return { exitCode: -1, output: `Health check exceeded timeout (${goDurationText(timeoutMs * 1e6)})` };
}
