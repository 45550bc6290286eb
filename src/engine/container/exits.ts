import { messageOf } from '../../lib/errors/index.js';
import type { ExitRecord } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import { shouldRestart } from './lifecycle-rules.js';
import { hasProcess, type ContainerRecord } from './model.js';
import { autoRemove, startLocked } from './start.js';
import { undoSteps } from './steps/run.js';

/**
 * Records an exit the runtime reported (or restore found): the state is saved first and only
 * then is the start path torn down, because tearing down the runtime step deletes the monitor's
 * exit record — a crash or a full disk in between must leave the exit to be read again. Then
 * waiters wake, and `--rm` or the restart policy take over.
 */
export async function handleExit(c: ContainerContext, id: string, exit: ExitRecord): Promise<void> {
  const { store } = c.deps;
  if (!store.has(id)) return;
  let rec: ContainerRecord | undefined;
  let restart = false;
  await c.locks.run(id, async () => {
    if (!store.has(id)) return;
    const r = store.get(id);
    if (!hasProcess(r.state)) return;
    rec = r;
    restart = !r.hostConfig.AutoRemove && shouldRestart({ ...r, state: { ...r.state, exitCode: exit.exitCode } }, c.manuallyStopped.has(id));
    r.state = {
      ...r.state,
      status: restart ? 'restarting' : 'exited',
      pid: 0,
      exitCode: exit.exitCode,
      oomKilled: !!exit.oomKilled,
      finishedAt: exit.finishedAt,
      error: exit.monitorLost ? 'the container\'s monitor died without recording its exit' : r.state.error,
    };
    // Its cgroup is gone: the stats reader's open files of it can close.
    c.deps.stats?.forget(id);
    c.deps.health?.containerPaused(id);
    // Docker reports the OOM kill first, then the exit it caused.
    if (exit.oomKilled) c.deps.events.container(r, 'oom');
    const ranMs = Date.parse(exit.finishedAt) - Date.parse(r.state.startedAt);
    // Docker's die event: the exit code, and how long the process ran in whole seconds.
    c.deps.events.container(r, 'die', { exitCode: String(exit.exitCode), ...(Number.isFinite(ranMs) ? { execDuration: String(Math.max(0, Math.floor(ranMs / 1000))) } : {}) });
    // An auto-remove container is about to be removed, which tears everything down at once.
    if (r.hostConfig.AutoRemove) return;
    try {
      await store.save(r);
    } catch (err) {
      // The state in memory is right, and stoppers and waiters must not hang; but the runtime
      // keeps the exit record until a save succeeds (at the next exit handling or restore).
      c.deps.log(`saving exit of ${id}: ${messageOf(err)}`);
      await undoSteps(c.deps.steps, r, c.deps.log, 'now');
      return;
    }
    const sandbox = r.networkSandbox;
    await undoSteps(c.deps.steps, r, c.deps.log);
    // The network step keeps only what inspect shows after a stop: saved, so that a restore
    // never tears down again what a later container may own by now (addresses, ports).
    if (r.networkSandbox !== sandbox) await store.save(r).catch((err) => c.deps.log(`saving ${id}: ${messageOf(err)}`));
  });
  if (!rec) return;
  c.waiters.exited(id, rec.state.exitCode);
  if (rec.hostConfig.AutoRemove) await autoRemove(c, id);
  else if (restart) scheduleRestart(c, rec);
}

/**
 * Restarts per policy after Docker's back-off (restart-policy.ts); stop, kill and rm cancel a
 * pending restart, and the decision is taken under the container's lock so a stop that came
 * first wins.
 */
export function scheduleRestart(c: ContainerContext, rec: ContainerRecord): void {
  const ranMs = Date.parse(rec.state.finishedAt) - Date.parse(rec.state.startedAt);
  c.restarts.schedule(rec.id, Number.isFinite(ranMs) ? ranMs : 0, () => {
    void c.locks.run(rec.id, async () => {
      if (!c.deps.store.has(rec.id) || c.manuallyStopped.has(rec.id) || rec.state.status !== 'restarting') return;
      rec.restartCount++;
      await startLocked(c, rec, true);
      c.deps.events.container(rec, 'restart');
    }).catch((err) => c.deps.log(`restart ${rec.id}: ${messageOf(err)}`));
  });
}
