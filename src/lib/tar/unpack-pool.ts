import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./unpack-worker.js', import.meta.url);
/** Idle workers kept for the next layers: starting one costs tens of ms, far more under load. */
const MAX_IDLE = 2;
/** An idle worker older than this is stopped, so an idle daemon holds no extra threads. */
const IDLE_MS = 30_000;

const idle: Array<{ worker: Worker; timer: NodeJS.Timeout; drop: () => void }> = [];

/** A worker for one layer: an idle one, or a new one. */
export function takeWorker(): Worker {
  const kept = idle.pop();
  if (kept) {
    clearTimeout(kept.timer);
    kept.worker.off('error', kept.drop);
    kept.worker.off('exit', kept.drop);
    kept.worker.ref();
    return kept.worker;
  }
  return new Worker(WORKER_URL);
}

/**
 * Gives a worker back after a layer it unpacked to the end. One that failed or was stopped is
 * never reused (it may still be winding something down): pass `reusable` false to end it.
 */
export async function returnWorker(worker: Worker, reusable: boolean): Promise<void> {
  if (!reusable || idle.length >= MAX_IDLE) {
    await worker.terminate();
    return;
  }
  // Unref'd while idle, so a process with nothing else to do can exit.
  worker.unref();
  const drop = (): void => {
    const i = idle.indexOf(entry);
    if (i >= 0) idle.splice(i, 1);
    clearTimeout(entry.timer);
    void worker.terminate();
  };
  const entry = { worker, timer: setTimeout(drop, IDLE_MS).unref(), drop };
  worker.once('error', drop);
  worker.once('exit', drop);
  idle.push(entry);
}
