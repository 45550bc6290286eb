import { messageOf } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { handleExit, scheduleRestart } from './exits.js';
import { hasProcess } from './model.js';
import { undoSteps } from './steps/run.js';
import { shouldStartOnBoot } from './lifecycle-rules.js';
import { startLocked } from './start.js';
import type { ContainerRecord } from './model.js';
import { volumeRefsOf } from './volume-mounts.js';

/**
 * Loads the containers and reconciles them with what happened while berthd was down: exits the
 * monitors recorded, monitors that died, starts a crash cut short, restarts that were pending.
 * What only cleans up (the start path of containers that are not running, directories of creates
 * or removals cut short) runs in the background under each container's lock, so the API serves
 * sooner; the returned promise settles when that is done.
 */
export async function restoreContainers(c: ContainerContext): Promise<{ cleanup: Promise<void> }> {
  const { store, runtime, steps, log } = c.deps;
  const dropped = await store.load();
  const cleanups: Array<Promise<void>> = [];
  for (const id of dropped) {
    cleanups.push((async () => {
      await runtime.delete(id).catch(() => {});
      await c.deps.snapshotter.remove(id).catch(() => {});
      await store.deleteDir(id);
    })().catch((err) => log(`removing leftovers of ${id}: ${messageOf(err)}`)));
  }
  for (const rec of store.list()) if (rec.manuallyStopped) c.manuallyStopped.add(rec.id);
  // Refs live in memory: the volume service (loaded first) hears again who uses what.
  for (const { name, containerId } of c.deps.volumes ? volumeRefsOf(store.list()) : []) {
    try {
      c.deps.volumes!.addRef(name, containerId);
    } catch (err) {
      log(`volume ${name} of container ${containerId}: ${messageOf(err)}`);
    }
  }
  for (const rec of store.list()) {
    if (!hasProcess(rec.state)) {
      // A crash may have cut a start or a teardown short: a mounted rootfs, runtime state.
      cleanups.push(c.locks.run(rec.id, () => undoSteps(steps, rec, log)));
      // One waiting out its back-off goes on waiting; one that had stopped starts now.
      if (rec.state.status === 'restarting') scheduleRestart(c, rec);
      else if (shouldStartOnBoot(rec)) startOnBoot(c, rec);
      continue;
    }
    try {
      const exit = await runtime.readExit(rec.id);
      if (exit) {
        await handleExit(c, rec.id, exit);
      } else if (await runtime.isMonitorAlive(rec.id)) {
        // berthd died between saving "running" and the runtime's start: finish the start.
        if (await runtime.isStartPending(rec.id)) await runtime.start(rec.id);
        await adoptSteps(c, rec);
        runtime.watchMonitor(rec.id);
        // Health lives in memory: it starts over, as after a start.
        if (rec.state.status === 'running') c.deps.health?.containerStarted(rec);
      } else {
        // Lost with the host (reboot) or killed while berthd was down: the watch reports it as
        // an exit at once (killing a container process that outlived its monitor).
        runtime.watchMonitor(rec.id, { checkNow: true });
      }
    } catch (err) {
      log(`restoring ${rec.id}: ${messageOf(err)}`);
    }
  }
  return { cleanup: Promise.all(cleanups).then(() => {}) };
}

/**
 * Starts a container its restart policy brings back when berthd boots; queued behind the
 * clean-up under its lock. A failure is the container's (recorded in its state), not berthd's.
 */
function startOnBoot(c: ContainerContext, rec: ContainerRecord): void {
  c.manuallyStopped.delete(rec.id);
  rec.manuallyStopped = false;
  void c.locks.run(rec.id, async () => {
    if (!c.deps.store.has(rec.id) || hasProcess(rec.state)) return;
    await startLocked(c, rec, true);
  }).catch((err) => c.deps.log(`starting ${rec.id} on boot: ${messageOf(err)}`));
}

/**
 * Lets each step take back what it holds for a container that kept running (its network
 * sandbox: addresses, published ports, DNS names); a failure is logged, the container keeps
 * running as it is.
 */
async function adoptSteps(c: ContainerContext, rec: ContainerRecord): Promise<void> {
  let changed = false;
  for (const step of c.deps.steps) {
    if (!step.adopt) continue;
    try {
      await step.adopt(rec);
      changed = true;
    } catch (err) {
      c.deps.log(`adopting ${step.name} of ${rec.id}: ${messageOf(err)}`);
    }
  }
  if (changed) await c.deps.store.save(rec).catch((err) => c.deps.log(`saving ${rec.id}: ${messageOf(err)}`));
}
