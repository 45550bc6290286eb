import type { RuntimeLifecycle } from '../../../runtime/types.js';
import type { StartStep } from './types.js';

/**
 * Creates the container in the OCI runtime under its monitor (its process waits for `start`).
 * Undo deletes the runtime's state, which also forgets the recorded exit: the engine undoes this
 * step only after the exit is saved in the record.
 */
export function runtimeCreateStep(runtime: Pick<RuntimeLifecycle, 'create' | 'delete' | 'hasState'>): StartStep {
  return {
    name: 'runtime',
    async apply(ctx) {
      const { rec } = ctx;
      // State a failed teardown left behind would make the runtime refuse the id.
      if (await runtime.hasState(rec.id)) await runtime.delete(rec.id);
      const { pid } = await runtime.create(rec.id, {
        bundleDir: ctx.bundleDir,
        runtime: rec.runtime,
        tty: !!rec.config.Tty,
        openStdin: !!rec.config.OpenStdin,
        // Docker closes stdin when the first client's stdin ends only without a TTY; with one,
        // detaching (ctrl-p ctrl-q) must leave stdin open for the next attach.
        leaveStdinOpen: !!rec.config.OpenStdin && (!rec.config.StdinOnce || !!rec.config.Tty),
        logPath: rec.logPath,
        noLog: rec.hostConfig.LogConfig?.Type === 'none',
        // No hard cap in the monitor: conmon 2.1.6 keeps counting across reopens and would then
        // truncate the fresh file. berthd rotates by max-size instead (log-rotation.ts).
        logSizeMax: -1,
      });
      ctx.pid = pid;
    },
    undo: (rec) => runtime.delete(rec.id),
    undoInBackground: true,
  };
}
