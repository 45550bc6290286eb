import { ConflictError, InternalError, messageOf } from '../../lib/errors/index.js';
import { parseSignal } from '../../runtime/index.js';
import type { ContainerContext } from './context.js';
import { AlreadyStoppedError, ContainerNotRunningError } from './errors.js';
import { hasProcess, isActive, type ContainerRecord } from './model.js';
import { containerStart } from './start.js';
import { exitOrTimeout } from './wait-exit.js';

export interface ContainerStopOptions {
  signal?: string;
  /** Seconds before SIGKILL; negative waits however long it takes (Docker's -t -1). */
  timeout?: number;
}

/** Docker's answer to kill and pause of a container waiting out its restart back-off. */
export const restartingError = (id: string): ConflictError => new ConflictError(`Container ${id} is restarting, wait until the container is running`);

/** Stops a container: its stop signal, then SIGKILL after the timeout. @throws NotModifiedError when not running. */
export async function containerStop(c: ContainerContext, ref: string, opts: ContainerStopOptions = {}): Promise<void> {
  const rec = c.deps.store.get(ref);
  if (opts.signal) parseSignal(opts.signal);
  // Marked first: a policy restart about to run sees it and stays away. The record keeps it
  // (saved with the exit) for the next boot of berthd.
  c.manuallyStopped.add(rec.id);
  rec.manuallyStopped = true;
  if (await cancelRestart(c, rec)) return;
  if (!hasProcess(rec.state)) {
    // A policy restart may be starting it right now: let that finish, then look again.
    await c.locks.run(rec.id, async () => {});
    if (!hasProcess(rec.state)) throw new AlreadyStoppedError(rec.id);
  }
  await stopProcess(c, rec, opts);
  c.deps.events.container(rec, 'stop');
}

/** Docker's `kill` event names the signal by number. */
function killed(c: ContainerContext, rec: ContainerRecord, signal: string): void {
  c.deps.events.container(rec, 'kill', { signal: String(parseSignal(signal)) });
}

/** A container waiting out its restart back-off counts as running for stop: it just stays exited. */
async function cancelRestart(c: ContainerContext, rec: ContainerRecord): Promise<boolean> {
  if (!c.restarts.cancel(rec.id)) return false;
  await c.locks.run(rec.id, async () => {
    if (rec.state.status !== 'restarting' || !c.deps.store.has(rec.id)) return;
    rec.state = { ...rec.state, status: 'exited' };
    await c.deps.store.save(rec).catch((err) => c.deps.log(`saving ${rec.id}: ${messageOf(err)}`));
  });
  return true;
}

async function stopProcess(c: ContainerContext, rec: ContainerRecord, opts: ContainerStopOptions): Promise<void> {
  const { runtime } = c.deps;
  const signal = opts.signal || rec.config.StopSignal || 'SIGTERM';
  const timeout = opts.timeout ?? (rec.config.StopTimeout as number | undefined) ?? 10;
  // No probe runs into a stopping container (the exit would stop them a moment later anyway).
  c.deps.health?.containerPaused(rec.id);
  // Each kill event goes out before its signal: the process may die, and its die event be sent,
  // before the runtime's kill command returns, and Docker's order is kill, then die.
  killed(c, rec, signal);
  if (rec.state.status === 'paused') {
    // A paused process cannot act on a signal: deliver it, then let the process run.
    await runtime.kill(rec.id, signal).catch(() => {});
    await runtime.resume(rec.id).catch(() => {});
  } else {
    await runtime.kill(rec.id, signal).catch((err) => c.deps.log(`stop signal ${rec.id}: ${messageOf(err)}`));
  }
  if (timeout < 0) {
    while (!(await exitOrTimeout(c, rec, 60_000)));
    return;
  }
  if (await exitOrTimeout(c, rec, timeout * 1000)) return;
  killed(c, rec, 'SIGKILL');
  await runtime.kill(rec.id, 'SIGKILL').catch(() => {});
  if (!(await exitOrTimeout(c, rec, 10_000))) throw new InternalError(`container ${rec.id} did not exit after SIGKILL`);
}

/** Sends a signal. @throws ConflictError when the container is not running. */
export async function containerKill(c: ContainerContext, ref: string, signal = 'SIGKILL'): Promise<void> {
  const rec = c.deps.store.get(ref);
  parseSignal(signal);
  if (rec.state.status === 'restarting') throw restartingError(rec.id);
  if (!hasProcess(rec.state)) throw new ContainerNotRunningError(rec.id);
  await c.deps.runtime.kill(rec.id, signal);
  killed(c, rec, signal);
  if (/^(SIG)?KILL$|^9$/.test(signal.toUpperCase())) await exitOrTimeout(c, rec, 5000);
}

/** Stops (if active) and starts again; the restart policy does not count it. */
export async function containerRestart(c: ContainerContext, ref: string, opts: ContainerStopOptions = {}): Promise<void> {
  const rec = c.deps.store.get(ref);
  c.manuallyStopped.add(rec.id);
  await cancelRestart(c, rec);
  if (isActive(rec.state)) {
    await stopProcess(c, rec, opts);
    c.deps.events.container(rec, 'stop');
  }
  await containerStart(c, rec.id);
  c.deps.events.container(rec, 'restart');
}

